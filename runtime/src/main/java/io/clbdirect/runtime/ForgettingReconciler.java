package io.clbdirect.runtime;

import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.extended.workqueue.RateLimitingQueue;

/**
 * Treats a {@code Result} with a {@code requeueAfter} as the success it is: the item's failure
 * backoff starts again from its base delay.
 *
 * <p>client-java-extended's {@code DefaultController} forgets an item's failures only for {@code
 * Result(false)}; for {@code Result(true, after)} it just re-adds the item later. A reconciler that
 * always asks to be rechecked would then keep the backoff of every failure it ever had, and after a
 * few failures wait the maximum delay after each new one. controller-runtime forgets in this case
 * too.
 */
public final class ForgettingReconciler implements Reconciler {

  private final RateLimitingQueue<Request> queue;
  private final Reconciler reconciler;

  /**
   * @param queue the controller's workqueue, whose rate limiter counts the failures
   */
  public ForgettingReconciler(RateLimitingQueue<Request> queue, Reconciler reconciler) {
    this.queue = queue;
    this.reconciler = reconciler;
  }

  @Override
  public Result reconcile(Request request) {
    Result result = reconciler.reconcile(request);
    if (result != null && result.isRequeue() && result.getRequeueAfter() != null) {
      queue.forget(request);
    }
    return result;
  }
}
