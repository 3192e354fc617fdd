package io.clbdirect.gate.clb;

import com.tencentcloudapi.clb.v20180317.ClbClient;
import com.tencentcloudapi.clb.v20180317.models.DescribeTaskStatusRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeTaskStatusResponse;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every CLB call goes through here: a client-side rate limit per action (resilience4j RateLimiter),
 * retries with exponential backoff and jitter capped at 30 s for retryable codes (resilience4j
 * Retry), one writer at a time per load balancer, and asynchronous writes awaited through
 * DescribeTaskStatus. Counts calls, errors and throttles per action.
 */
public final class ClbGateway {

  /** One SDK call. */
  @FunctionalInterface
  public interface SdkCall<T> {
    T call(ClbClient client) throws TencentCloudSDKException;
  }

  private final ClbClient client;
  private final ClbCallPolicy policy;
  private final Clock clock;
  private final PacedCalls<ClbClient> paced;
  private final Map<String, ReentrantLock> writeLocks = new ConcurrentHashMap<>();
  private static final Duration MAX_POLL = Duration.ofSeconds(2);

  public ClbGateway(ClbClient client, ClbCallPolicy policy, MeterRegistry meters, Clock clock) {
    this(client, policy, meters, clock, WriteFence.OPEN);
  }

  /**
   * @param fence asked before every attempt of a write: see {@link PacedCalls}
   */
  public ClbGateway(
      ClbClient client, ClbCallPolicy policy, MeterRegistry meters, Clock clock, WriteFence fence) {
    this.client = client;
    this.policy = policy;
    this.clock = clock;
    this.paced = new PacedCalls<>("clb", client, policy, meters, ClbErrors::retryable, fence);
  }

  /** A read, or a synchronous write: paced and retried. */
  public <T> T call(String action, SdkCall<T> call) throws ClbOperationException {
    return paced.call(action, call::call);
  }

  /**
   * An asynchronous write to one load balancer: waits its turn on that load balancer, sends
   * (retrying a busy load balancer), then waits until the task has finished.
   *
   * @param call returns the RequestId, which is the task id
   */
  public void write(String action, String loadBalancerId, SdkCall<String> call)
      throws ClbOperationException {
    ReentrantLock lock = writeLocks.computeIfAbsent(loadBalancerId, id -> new ReentrantLock());
    lock.lock();
    try {
      String taskId = call(action, call);
      awaitTask(action, taskId);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A synchronous write to one load balancer (BatchRegisterTargets, BatchDeregisterTargets): no
   * task to wait for, but it still waits its turn behind this replica's other writes to that load
   * balancer. Sent while one of our own tasks runs there, it would only earn ResourceInOperating
   * and a retry (the scale benchmark counted 66 of them in 116 calls with four workers).
   */
  public <T> T writeNow(String action, String loadBalancerId, SdkCall<T> call)
      throws ClbOperationException {
    ReentrantLock lock = writeLocks.computeIfAbsent(loadBalancerId, id -> new ReentrantLock());
    lock.lock();
    try {
      return call(action, call);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Repeats a read until its answer is {@code done}, as often and as long as a task is polled; for
   * writes whose completion shows in the resource rather than in a task (a load balancer's Status).
   */
  public <T> T poll(String action, SdkCall<T> read, java.util.function.Predicate<T> done)
      throws ClbOperationException {
    Instant deadline = clock.instant().plus(policy.taskTimeout());
    while (true) {
      T answer = call(action, read);
      if (done.test(answer)) {
        return answer;
      }
      if (clock.instant().isAfter(deadline)) {
        throw new ClbOperationException(
            action, "TaskTimeout", action + " not done after " + policy.taskTimeout(), null);
      }
      try {
        Thread.sleep(policy.taskPoll().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClbOperationException(
            action, "Interrupted", "interrupted waiting for " + action, e);
      }
    }
  }

  /**
   * Polls DescribeTaskStatus until the task succeeded; a failed or endless task is an error. The
   * first poll waits one {@code taskPoll} (a task is never done the instant it is accepted), and
   * each wait is half as long again as the last, up to 2 s: a 300 ms task costs two polls instead
   * of three, a 5 s one six instead of 25. DescribeTaskStatus has the same 20/s budget as every
   * action, and at a cold start with hundreds of listeners to create it was the most-called one
   * (docs/benchmarks.md, item 4).
   */
  public void awaitTask(String action, String taskId) throws ClbOperationException {
    Instant deadline = clock.instant().plus(policy.taskTimeout());
    DescribeTaskStatusRequest request = new DescribeTaskStatusRequest();
    request.setTaskId(taskId);
    Duration wait = policy.taskPoll();
    while (true) {
      pause(action, wait);
      wait = nextPoll(wait);
      DescribeTaskStatusResponse status =
          call("DescribeTaskStatus", c -> c.DescribeTaskStatus(request));
      if (status.getStatus() == 0) {
        return;
      }
      if (status.getStatus() == 1) {
        throw new ClbOperationException(
            action, "TaskFailed", "task " + taskId + " failed: " + status.getMessage(), null);
      }
      if (clock.instant().isAfter(deadline)) {
        throw new ClbOperationException(
            action,
            "TaskTimeout",
            "task " + taskId + " still running after " + policy.taskTimeout(),
            null);
      }
    }
  }

  /**
   * The wait before the next task poll: half as long again, at most 2 s (and never shorter than the
   * first).
   */
  static Duration nextPoll(Duration wait) {
    Duration longer = wait.plus(wait.dividedBy(2));
    Duration capped = longer.compareTo(MAX_POLL) > 0 ? MAX_POLL : longer;
    return capped.compareTo(wait) < 0 ? wait : capped;
  }

  private static void pause(String action, Duration wait) throws ClbOperationException {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClbOperationException(
          action, "Interrupted", "interrupted waiting for " + action, e);
    }
  }
}
