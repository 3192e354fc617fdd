package io.clbdirect.runtime;

import io.kubernetes.client.extended.controller.Controller;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several controllers run and shut down as one, for one leadership term. client-java-extended's
 * {@code ControllerManager} does this too, but it also starts and stops the informer factory:
 * clb-direct's factory is shared with the webhook, which must keep its caches on every replica,
 * leader or not.
 */
public final class ControllerGroup implements Controller {

  private static final Logger log = LoggerFactory.getLogger(ControllerGroup.class);

  private final String name;
  private final List<Controller> controllers;
  private final ExecutorService threads;

  public ControllerGroup(String name, List<Controller> controllers) {
    if (controllers.isEmpty()) {
      throw new IllegalArgumentException("a controller group needs at least one controller");
    }
    this.name = name;
    this.controllers = List.copyOf(controllers);
    this.threads =
        Executors.newFixedThreadPool(
            controllers.size(),
            runnable -> {
              Thread thread = new Thread(runnable, name + "-controller");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Runs every controller and returns when all of them have stopped. */
  @Override
  public void run() {
    CountDownLatch stopped = new CountDownLatch(controllers.size());
    for (Controller controller : controllers) {
      threads.submit(
          () -> {
            try {
              controller.run();
            } catch (Throwable t) {
              log.error("controller of {} stopped unexpectedly", name, t);
            } finally {
              stopped.countDown();
            }
          });
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void shutdown() {
    controllers.forEach(Controller::shutdown);
    threads.shutdown();
  }
}
