package io.clbdirect.webhook.bootstrap;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the certificate bootstrapper (its leader election, its Secret follower) before the web
 * servers, and stops it after them.
 *
 * <p>Spring Boot starts its web servers at {@code SmartLifecycle.DEFAULT_PHASE - 2048} ({@code
 * WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE}). Started after them, as {@code
 * ManagedLifecycle} would, the bootstrapper's Lease wait (a whole retry period in client-java, see
 * {@link CertificateBootstrapper#lease}) only began once both Tomcats were up, and a first
 * install's readiness waited for the two in sequence; started first, the wait overlaps Tomcat's
 * start (docs/benchmarks.md, item 6). A certificate swapped in before Tomcat has bound its port is
 * safe: Tomcat keeps the new SSL host config and builds its context when it binds. Just after the
 * shared informer factory ({@code InformerFactoryLifecycle}, 1024 below the web servers), whose
 * Secret and webhook-configuration caches the bootstrapper's controller waits for.
 */
public final class BootstrapperLifecycle implements SmartLifecycle {

  /** The web servers' phase in Spring Boot, {@code START_STOP_LIFECYCLE_PHASE}. */
  static final int WEB_SERVER_PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

  public static final int PHASE = WEB_SERVER_PHASE - 512;

  private final CertificateBootstrapper bootstrapper;
  private volatile boolean running;

  public BootstrapperLifecycle(CertificateBootstrapper bootstrapper) {
    this.bootstrapper = bootstrapper;
  }

  @Override
  public void start() {
    bootstrapper.start();
    running = true;
  }

  @Override
  public void stop() {
    bootstrapper.close();
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
