package io.clbdirect.app.kubernetes;

import io.kubernetes.client.informer.SharedInformerFactory;
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

  /** Before the web server (which starts last), so caches fill while Tomcat binds. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 1024;
  }
}
