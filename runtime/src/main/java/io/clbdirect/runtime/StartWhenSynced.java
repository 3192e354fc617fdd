package io.clbdirect.runtime;

import io.kubernetes.client.extended.controller.Controller;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs a controller once its informer caches have synced, however long that takes, and not at all
 * if it is shut down first.
 *
 * <p>Use it instead of {@code ControllerBuilder.withReadyFunc}. client-java-extended's {@code
 * DefaultController} waits for its ready functions with {@code Wait.poll}, which spins a core in a
 * loop without sleeping, ignores both {@code shutdown()} and interrupts, and leaves its scheduler
 * thread running afterwards. After its ready timeout (30 s unless set) the controller gives up and
 * returns, while its leader keeps the Lease and does nothing. Here the wait sleeps between checks
 * and ends with the term.
 */
public final class StartWhenSynced implements Controller {

  private final BooleanSupplier synced;
  private final Controller controller;
  private final Duration interval;
  private final CountDownLatch shutDown = new CountDownLatch(1);

  /** Checks every 200 ms. */
  public StartWhenSynced(BooleanSupplier synced, Controller controller) {
    this(synced, controller, Duration.ofMillis(200));
  }

  public StartWhenSynced(BooleanSupplier synced, Controller controller, Duration interval) {
    this.synced = synced;
    this.controller = controller;
    this.interval = interval;
  }

  @Override
  public void run() {
    try {
      while (!synced.getAsBoolean()) {
        if (shutDown.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (shutDown.getCount() > 0) {
      controller.run();
    }
  }

  @Override
  public void shutdown() {
    shutDown.countDown();
    controller.shutdown();
  }
}
