package io.clbdirect.gate.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.gate.clb.ClbCallPolicy;
import io.clbdirect.gate.clb.ClbClientFactory;
import io.clbdirect.gate.clb.ClbConnection;
import io.clbdirect.gate.clb.ClbGateway;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which load balancer a frontend gets, against the emulator. */
class LoadBalancersTest {

  ClbEmulator clb;
  LoadBalancers loadBalancers;

  @BeforeEach
  void start() {
    clb = ClbEmulator.start(EmulatorConfig.defaults("AKIDlbs", "secret").withTaskDelay(Duration.ofMillis(50)).withVipOctet(92));
    ClbGateway gateway = new ClbGateway(ClbClientFactory.create(new ClbConnection("ap-guangzhou", clb.endpoint(), false, "AKIDlbs",
        "secret", Duration.ofSeconds(2), Duration.ofSeconds(5))), ClbCallPolicy.defaults(), new SimpleMeterRegistry(), Clock.systemUTC());
    loadBalancers = new LoadBalancers(gateway, "test", "vpc-cluster1");
  }

  @AfterEach
  void stop() {
    clb.close();
  }

  LoadBalancer resolve(String named, String recorded) throws Exception {
    LoadBalancerSpecs.Decision plan = LoadBalancerSpecs.decide(FrontendAnnotations.SERVICE, Map.of(), false);
    return loadBalancers.resolve(named, "service.kubernetes.io/tke-existed-lbid", recorded, LoadBalancers.TAG_SERVICE_UID, "uid-1", "shop-web",
        plan, false);
  }

  @Test
  void aLoadBalancerMadeButNotRecordedIsFoundByItsOwnerTagNotMadeTwice() throws Exception {
    LoadBalancer first = resolve(null, null);

    assertThat(resolve(null, null).getLoadBalancerId()).isEqualTo(first.getLoadBalancerId());
    assertThat(resolve(null, first.getLoadBalancerId()).getLoadBalancerId()).isEqualTo(first.getLoadBalancerId());
    assertThat(clb.stateView().getAsJsonArray("loadBalancers")).hasSize(1);
  }

  @Test
  void switchingDirectAccessOffAndOnAgainGetsAFreshLoadBalancer() throws Exception {
    LoadBalancer first = resolve(null, null);
    assertThat(loadBalancers.deleteIfCreatedFor(first, LoadBalancers.TAG_SERVICE_UID, "uid-1")).isTrue();

    LoadBalancer second = resolve(null, first.getLoadBalancerId());

    assertThat(second.getLoadBalancerId()).isNotEqualTo(first.getLoadBalancerId());
    assertThat(second.getStatus()).isEqualTo(1L);
  }

  @Test
  void aNamedLoadBalancerThatDoesNotExistIsAnErrorNotANewOne() {
    assertThatThrownBy(() -> resolve("lb-typo1234", null))
        .isInstanceOfSatisfying(ClbOperationException.class, e -> assertThat(e.code()).isEqualTo("LoadBalancerNotFound"))
        .hasMessageContaining("lb-typo1234 named by service.kubernetes.io/tke-existed-lbid does not exist");
    assertThat(clb.stateView().getAsJsonArray("loadBalancers")).isEmpty();
  }
}
