package io.clbdirect.runtime;

import org.springframework.context.SmartLifecycle;

/**
 * The one Spring adapter for clb-direct's long-running parts (the gate-controller, the
 * bootstrapper): started once the informer factory runs, stopped before it, in the phase each part
 * needs relative to the web servers.
 */
public final class ManagedLifecycle implements SmartLifecycle {

  /** Something with a start and a stop, e.g. a controller and its leader election. */
  public interface Managed extends AutoCloseable {
    void start();

    @Override
    void close();
  }

  /**
   * Spring Boot's web servers' phase ({@code
   * WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE}, restated because runtime does not
   * depend on Boot's web module; LifecyclePhasesTest checks it).
   */
  public static final int WEB_SERVER_PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

  /** After the web servers: the gate-controller, which nothing serving waits for. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  /**
   * Before the web servers, after the informer factory: the certificate bootstrapper, whose Lease
   * wait (a whole retry period in client-java) then overlaps Tomcat's start instead of following it
   * (docs/benchmarks.md, item 6). A certificate swapped in before Tomcat has bound its port is
   * safe: Tomcat keeps the new SSL host config and builds its context when it binds.
   */
  public static final int BEFORE_WEB_SERVERS_PHASE = WEB_SERVER_PHASE - 512;

  private final Managed managed;
  private final int phase;
  private volatile boolean running;

  public ManagedLifecycle(Managed managed) {
    this(managed, PHASE);
  }

  public ManagedLifecycle(Managed managed, int phase) {
    this.managed = managed;
    this.phase = phase;
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
    return phase;
  }
}
