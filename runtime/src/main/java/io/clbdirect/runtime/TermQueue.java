package io.clbdirect.runtime;

import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue;
import io.kubernetes.client.extended.workqueue.RateLimitingQueue;
import io.kubernetes.client.extended.workqueue.ratelimiter.ItemExponentialFailureRateLimiter;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * Where watch events go: the workqueue of the current leadership term, or nowhere between terms.
 *
 * <p>client-java-extended's {@code ControllerBuilder.watch} adds an event handler to the shared
 * informer for every controller it builds, and a handler cannot be removed again. A controller's
 * workqueue shuts down with it, so each term needs a new one; handlers registered once feed
 * whichever queue is current.
 */
public final class TermQueue {

  private final Duration baseDelay;
  private final Duration maxDelay;
  private volatile RateLimitingQueue<Request> current;

  /** Per-item backoff on failure: {@code baseDelay} doubling up to {@code maxDelay}. */
  public TermQueue(Duration baseDelay, Duration maxDelay) {
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  /** A fresh queue for a new term; events from now on go there. */
  public RateLimitingQueue<Request> newTerm() {
    RateLimitingQueue<Request> queue =
        new DefaultRateLimitingQueue<>(
            Executors.newSingleThreadExecutor(
                runnable -> {
                  Thread thread = new Thread(runnable, "clb-direct-workqueue-delays");
                  thread.setDaemon(true);
                  return thread;
                }),
            new ItemExponentialFailureRateLimiter<>(baseDelay, maxDelay));
    current = queue;
    return queue;
  }

  /** The term ended: events are dropped until the next one, which starts from a full resync. */
  public void endTerm(RateLimitingQueue<Request> queue) {
    if (current == queue) {
      current = null;
    }
  }

  public void add(Request request) {
    RateLimitingQueue<Request> queue = current;
    if (queue != null && !queue.isShuttingDown()) {
      queue.add(request);
    }
  }

  public void addAfter(Request request, Duration delay) {
    RateLimitingQueue<Request> queue = current;
    if (queue != null && !queue.isShuttingDown()) {
      queue.addAfter(request, delay);
    }
  }

  /**
   * Items waiting to be taken (not those being reconciled, nor those delayed), or 0 between terms.
   */
  public int waiting() {
    RateLimitingQueue<Request> queue = current;
    return queue == null ? 0 : queue.length();
  }

  /** Whether a term is running: events are queued. */
  public boolean active() {
    RateLimitingQueue<Request> queue = current;
    return queue != null && !queue.isShuttingDown();
  }
}
