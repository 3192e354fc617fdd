package io.clbdirect.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.extended.workqueue.RateLimitingQueue;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ForgettingReconcilerTest {

  private static final Request KEY = new Request("key");
  private final RateLimitingQueue<Request> queue =
      new TermQueue(Duration.ofMillis(100), Duration.ofSeconds(10)).newTerm();

  @AfterEach
  void shutDown() {
    queue.shutDown();
  }

  /** Two failures, as DefaultController records them: the item's backoff has grown. */
  private void failTwice() {
    queue.addRateLimited(KEY);
    queue.addRateLimited(KEY);
    assertThat(queue.numRequeues(KEY)).isEqualTo(2);
  }

  @Test
  void aRecheckAfterADelayResetsTheBackoff() {
    failTwice();
    new ForgettingReconciler(queue, request -> new Result(true, Duration.ofMinutes(1)))
        .reconcile(KEY);
    assertThat(queue.numRequeues(KEY)).isZero();
  }

  @Test
  void aFailureKeepsTheBackoff() {
    failTwice();
    Result result = new ForgettingReconciler(queue, request -> new Result(true)).reconcile(KEY);
    assertThat(queue.numRequeues(KEY)).isEqualTo(2);
    assertThat(result.isRequeue()).isTrue();
    assertThat(result.getRequeueAfter()).isNull();
  }

  @Test
  void theResultIsPassedOnUnchanged() {
    Result recheck = new Result(true, Duration.ofSeconds(7));
    assertThat(new ForgettingReconciler(queue, request -> recheck).reconcile(KEY))
        .isSameAs(recheck);
  }
}
