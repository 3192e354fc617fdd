package io.clbdirect.app.kubernetes;

import io.kubernetes.client.informer.SharedInformerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Starts every informer registered on the shared factory once all beans exist (so each part has
 * registered its informers), and stops them before the web server goes away.
 */
public class InformerFactoryLifecycle implements SmartLifecycle {

  private final SharedInformerFactory factory;
  private volatile boolean running;

  public InformerFactoryLifecycle(SharedInformerFactory factory) {
    this.factory = factory;
  }

  @Override
  public void start() {
    factory.startAllRegisteredInformers();
    running = true;
  }

  @Override
  public void stop() {
    factory.stopAllRegisteredInformers();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /**
   * Before the web servers, so that caches fill while Tomcat binds: Spring Boot starts them at
   * {@code DEFAULT_PHASE - 2048} ({@link WebServerApplicationContext#START_STOP_LIFECYCLE_PHASE}),
   * so the {@code DEFAULT_PHASE - 1024} this had once started the informers only after both Tomcats
   * were up, and readiness on a restart waited for the two in sequence (docs/benchmarks.md, item
   * 6). Below the certificate bootstrapper ({@code ManagedLifecycle.BEFORE_WEB_SERVERS_PHASE}) and
   * the gate-controller ({@code ManagedLifecycle}), which wait for these caches.
   */
  @Override
  public int getPhase() {
    return PHASE;
  }

  public static final int PHASE = WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1024;
}
