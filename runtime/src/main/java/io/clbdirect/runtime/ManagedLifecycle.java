package io.clbdirect.runtime;

import org.springframework.context.SmartLifecycle;

/**
 * The one Spring adapter for clb-direct's long-running parts (the gate-controller, the
 * bootstrapper): started once the informer factory runs, stopped before it.
 */
public final class ManagedLifecycle implements SmartLifecycle {

  /** Something with a start and a stop, e.g. a controller and its leader election. */
  public interface Managed extends AutoCloseable {
    void start();

    @Override
    void close();
  }

  /**
   * After the informer factory (which starts at {@code DEFAULT_PHASE - 1024}), before the web
   * server.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private final Managed managed;
  private volatile boolean running;

  public ManagedLifecycle(Managed managed) {
    this.managed = managed;
  }

  @Override
  public void start() {
    managed.start();
    running = true;
  }

  @Override
  public void stop() {
    managed.close();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
