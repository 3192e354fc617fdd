package io.clbdirect.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.app.kubernetes.InformerFactoryLifecycle;
import io.clbdirect.runtime.ManagedLifecycle;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * The start order the start-up time depends on (docs/benchmarks.md, item 6), against Spring Boot's
 * own web-server phase: informers first, then the certificate bootstrapper, both before the web
 * servers so that cache sync and the Lease wait overlap Tomcat's start; the gate-controller after
 * the informers it reads. Spring starts lower phases first and stops them last.
 */
class LifecyclePhasesTest {

  @Test
  void informersThenBootstrapperThenWebServersThenGateController() {
    int informers = new InformerFactoryLifecycle(null).getPhase();
    int bootstrapper =
        new ManagedLifecycle(null, ManagedLifecycle.BEFORE_WEB_SERVERS_PHASE).getPhase();
    int webServers = WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE;
    int gateController = new ManagedLifecycle(null).getPhase();

    assertThat(ManagedLifecycle.WEB_SERVER_PHASE).isEqualTo(webServers);
    assertThat(informers).isLessThan(bootstrapper);
    assertThat(bootstrapper).isLessThan(webServers);
    assertThat(informers).isLessThan(gateController);
    assertThat(webServers).isLessThan(gateController);
  }
}
