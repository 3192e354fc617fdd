package io.clbdirect.emulator.api;

import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asynchronous writes. A write is validated when called, locks its load balancers, and takes effect
 * when its task completes after {@code delay}; until then other writes to those load balancers get
 * FailedOperation.ResourceInOperating and DescribeTaskStatus says 2 (running).
 */
final class Tasks implements AutoCloseable {

  private final ClbState state;
  private final Duration delay;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "clb-emulator-tasks");
            thread.setDaemon(true);
            return thread;
          });

  Tasks(ClbState state, Duration delay) {
    this.state = state;
    this.delay = delay;
  }

  /** Caller holds the state lock and has checked the load balancers are not locked. */
  Task start(String taskId, List<LoadBalancer> locked, Runnable effect) {
    Task task =
        new Task(
            taskId,
            locked.stream().map(LoadBalancer::loadBalancerId).toList(),
            state.clock().instant());
    state.tasks().put(taskId, task);
    locked.forEach(lb -> lb.setLockingTaskId(taskId));
    timer.schedule(() -> complete(task, locked, effect), delay.toMillis(), TimeUnit.MILLISECONDS);
    return task;
  }

  private void complete(Task task, List<LoadBalancer> locked, Runnable effect) {
    state.locked(
        () -> {
          try {
            effect.run();
            task.finish(true, "");
          } catch (RuntimeException e) {
            task.finish(false, e.getMessage());
          } finally {
            locked.forEach(
                lb -> {
                  if (task.id().equals(lb.lockingTaskId())) {
                    lb.setLockingTaskId(null);
                  }
                });
          }
        });
    state.changed();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
