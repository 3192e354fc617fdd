package io.clbdirect.gate.clb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.emulator.Networks;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which load balancer a frontend gets, against the emulator. */
class LoadBalancersTest {

  ClbEmulator clb;
  LoadBalancers loadBalancers;
  SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    clb =
        ClbEmulator.start(
            EmulatorConfig.defaults("AKIDlbs", "secret")
                .withTaskDelay(Duration.ofMillis(50))
                .withVipOctet(92));
    ClbGateway gateway = EmulatedGateways.to(clb, "AKIDlbs", meters);
    loadBalancers = new LoadBalancers(gateway, "test", "vpc-cluster1");
  }

  double describes() {
    return meters
        .find("clb_direct_clb_calls_total")
        .tag("action", "DescribeLoadBalancers")
        .counters()
        .stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  @Test
  void loadBalancersDescribedTogetherAreResolvedWithoutAskingAgainAndAFreshDescribeStaysPossible()
      throws Exception {
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(
          loadBalancers
              .create(
                  "lb-" + i,
                  LoadBalancers.TAG_SERVICE_UID,
                  "uid-other-" + i,
                  LoadBalancerSpecs.decide(FrontendAnnotations.SERVICE, Map.of(), false).spec())
              .getLoadBalancerId());
    }
    loadBalancers.prefetch(List.of(ids.get(0), ids.get(1), ids.get(2), "lb-missing1"));
    double afterPrefetch = describes();

    for (String id : ids) {
      assertThat(resolve(id, null).getLoadBalancerId()).isEqualTo(id);
    }
    assertThat(describes())
        .as("one call described all three; resolving them asked nothing more")
        .isEqualTo(afterPrefetch);

    assertThatThrownBy(() -> resolve("lb-missing1", null))
        .as("absent is not remembered: asked again, and refused")
        .isInstanceOf(LoadBalancerRefused.class);
    assertThat(describes()).isEqualTo(afterPrefetch + 1);
    loadBalancers.forget(ids.get(0));
    resolve(ids.get(0), null);
    assertThat(describes()).as("forgotten: described again").isEqualTo(afterPrefetch + 2);
  }

  @AfterEach
  void stop() {
    clb.close();
  }

  LoadBalancer resolve(String named, String recorded) throws Exception {
    LoadBalancerSpecs.Decision plan =
        LoadBalancerSpecs.decide(FrontendAnnotations.SERVICE, Map.of(), false);
    return loadBalancers.resolve(
        named,
        "service.kubernetes.io/tke-existed-lbid",
        recorded,
        LoadBalancers.TAG_SERVICE_UID,
        "uid-1",
        "shop-web",
        plan,
        false);
  }

  @Test
  void aLoadBalancerMadeButNotRecordedIsFoundByItsOwnerTagNotMadeTwice() throws Exception {
    LoadBalancer first = resolve(null, null);

    assertThat(resolve(null, null).getLoadBalancerId()).isEqualTo(first.getLoadBalancerId());
    assertThat(resolve(null, first.getLoadBalancerId()).getLoadBalancerId())
        .isEqualTo(first.getLoadBalancerId());
    assertThat(clb.stateView().getAsJsonArray("loadBalancers")).hasSize(1);
  }

  @Test
  void switchingDirectAccessOffAndOnAgainGetsAFreshLoadBalancer() throws Exception {
    LoadBalancer first = resolve(null, null);
    assertThat(loadBalancers.deleteIfCreatedFor(first, LoadBalancers.TAG_SERVICE_UID, "uid-1"))
        .isTrue();

    LoadBalancer second = resolve(null, first.getLoadBalancerId());

    assertThat(second.getLoadBalancerId()).isNotEqualTo(first.getLoadBalancerId());
    assertThat(second.getStatus()).isEqualTo(1L);
  }

  @Test
  void aNamedLoadBalancerThatDoesNotExistIsRefusedNotReplacedByANewOne() {
    assertThatThrownBy(() -> resolve("lb-typo1234", null))
        .isInstanceOfSatisfying(
            LoadBalancerRefused.class,
            e -> {
              assertThat(e.eventReason()).isEqualTo("LoadBalancerNotFound");
              assertThat(e.gateState())
                  .isEqualTo(
                      io.clbdirect.gate.decide.BackendObservation.State.LOAD_BALANCER_NOT_FOUND);
            })
        .hasMessageContaining(
            "lb-typo1234 named by service.kubernetes.io/tke-existed-lbid does not exist");
    assertThat(clb.stateView().getAsJsonArray("loadBalancers")).isEmpty();
  }

  LoadBalancer create(Map<String, String> annotations, boolean podIpsOutsideVpc) throws Exception {
    LoadBalancerSpecs.Decision plan =
        LoadBalancerSpecs.decide(FrontendAnnotations.SERVICE, annotations, podIpsOutsideVpc);
    return loadBalancers.resolve(
        null,
        "service.kubernetes.io/tke-existed-lbid",
        null,
        LoadBalancers.TAG_SERVICE_UID,
        "uid-2",
        "shop-api",
        plan,
        podIpsOutsideVpc);
  }

  @Test
  void aCreatedLoadBalancerIsInTheClusterVpcNeverTheDefaultOne() throws Exception {
    LoadBalancer lb = resolve(null, null);

    assertThat(lb.getVpcId()).isEqualTo(Networks.CLUSTER_VPC);
    assertThat(lb.getLoadBalancerType()).isEqualTo("OPEN");
    assertThat(lb.getSnatPro()).isNotEqualTo(Boolean.TRUE);
  }

  @Test
  void theSubnetAnnotationMakesAnInternalLoadBalancerWithAVipFromTheSubnet() throws Exception {
    LoadBalancer lb =
        create(
            Map.of(
                "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid",
                Networks.CLUSTER_SUBNET),
            false);

    assertThat(lb.getLoadBalancerType()).isEqualTo("INTERNAL");
    assertThat(lb.getSubnetId()).isEqualTo(Networks.CLUSTER_SUBNET);
    assertThat(lb.getLoadBalancerVips()[0]).startsWith("127.60.");
  }

  @Test
  void globalRouterPodIpsGetSnatProAndExtensiveParametersAreSent() throws Exception {
    LoadBalancer lb =
        create(
            Map.of(
                "service.kubernetes.io/service.extensiveParameters",
                "{\"ProjectId\":3,\"LoadBalancerName\":\"api\"}"),
            true);

    assertThat(lb.getSnatPro()).isTrue();
    assertThat(lb.getProjectId()).isEqualTo(3L);
    assertThat(lb.getLoadBalancerName()).isEqualTo("api");
  }

  @Test
  void aSubnetTheApiRefusesIsACreationRefusalWithTheApiMessage() {
    assertThatThrownBy(
            () ->
                create(
                    Map.of(
                        "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid",
                        Networks.DEFAULT_SUBNET),
                    false))
        .isInstanceOfSatisfying(
            LoadBalancerRefused.class,
            e -> assertThat(e.eventReason()).isEqualTo("LoadBalancerCreationRefused"))
        .hasMessageContaining(
            "the CLB API refused to create INTERNAL load balancer in vpc-cluster1 subnet subnet-default1")
        .hasMessageContaining(Networks.DEFAULT_SUBNET);
    assertThat(clb.stateView().getAsJsonArray("loadBalancers")).isEmpty();
  }

  @Test
  void invalidParametersCreateNothing() {
    assertThatThrownBy(
            () ->
                create(
                    Map.of("service.kubernetes.io/service.extensiveParameters", "{\"Zone\":1}"),
                    false))
        .isInstanceOfSatisfying(
            LoadBalancerRefused.class,
            e -> assertThat(e.eventReason()).isEqualTo("InvalidLoadBalancerParameters"))
        .hasMessageContaining("Zone is not a field of CreateLoadBalancer");
    assertThat(clb.stateView().getAsJsonArray("loadBalancers")).isEmpty();
  }

  @Test
  void aNamedLoadBalancerThatCannotReachThePodsIsRefused() throws Exception {
    com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest request =
        new com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest();
    request.setLoadBalancerType("OPEN"); // no VpcId: the DefaultVPC
    String id =
        loadBalancers
            .gateway()
            .call("CreateLoadBalancer", c -> c.CreateLoadBalancer(request))
            .getLoadBalancerIds()[0];
    LoadBalancer elsewhere = loadBalancers.describe(id);
    assertThat(elsewhere.getVpcId()).isEqualTo(Networks.DEFAULT_VPC);
    LoadBalancerSpecs.Decision plan =
        LoadBalancerSpecs.decide(FrontendAnnotations.SERVICE, Map.of(), false);

    assertThatThrownBy(
            () ->
                loadBalancers.resolve(
                    elsewhere.getLoadBalancerId(),
                    "service.kubernetes.io/tke-existed-lbid",
                    null,
                    LoadBalancers.TAG_SERVICE_UID,
                    "uid-3",
                    "x",
                    plan,
                    false))
        .isInstanceOfSatisfying(
            LoadBalancerRefused.class,
            e -> assertThat(e.eventReason()).isEqualTo("LoadBalancerNetworkMismatch"))
        .hasMessageContaining(
            "is in VPC "
                + Networks.DEFAULT_VPC
                + " but the cluster is in VPC "
                + Networks.CLUSTER_VPC);
  }

  @Test
  void changedCreationParametersAreNotedNotApplied() throws Exception {
    LoadBalancer lb = resolve(null, null);
    LoadBalancerSpecs.Decision internal =
        LoadBalancerSpecs.decide(
            FrontendAnnotations.SERVICE,
            Map.of(
                "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid",
                Networks.CLUSTER_SUBNET),
            false);

    assertThat(
            LoadBalancers.creationNote(
                lb,
                LoadBalancerSpecs.decide(FrontendAnnotations.SERVICE, Map.of(), false),
                LoadBalancers.TAG_SERVICE_UID,
                "uid-1"))
        .isEmpty();
    assertThat(LoadBalancers.creationNote(lb, internal, LoadBalancers.TAG_SERVICE_UID, "uid-1"))
        .hasValueSatisfying(
            note -> assertThat(note).contains("was created as a public load balancer"));
    assertThat(
            LoadBalancers.creationNote(lb, internal, LoadBalancers.TAG_SERVICE_UID, "someone-else"))
        .as("not made for it")
        .isEmpty();
  }
}
