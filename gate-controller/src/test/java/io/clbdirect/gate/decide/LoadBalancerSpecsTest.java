package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadBalancerSpecsTest {

  static final String SUBNET = "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid";
  static final String EXTENSIVE = "service.kubernetes.io/service.extensiveParameters";

  @Test
  void noAnnotationsMeanAPublicLoadBalancerWithoutSnatPro() {
    LoadBalancerSpecs.Decision decision =
        LoadBalancerSpecs.decide(FrontendAnnotations.SERVICE, Map.of(), false);

    assertThat(decision.problems()).isEmpty();
    assertThat(decision.spec().loadBalancerType()).isEqualTo("OPEN");
    assertThat(decision.spec().snatPro()).isFalse();
  }

  @Test
  void theSubnetAnnotationMakesItInternalInThatSubnet() {
    LoadBalancerSpec spec =
        LoadBalancerSpecs.decide(
                FrontendAnnotations.SERVICE, Map.of(SUBNET, " subnet-cluster1 "), false)
            .spec();

    assertThat(spec.loadBalancerType()).isEqualTo("INTERNAL");
    assertThat(spec.internalSubnetId()).isEqualTo("subnet-cluster1");
  }

  @Test
  void ingressesReadTheirOwnAnnotations() {
    LoadBalancerSpec spec =
        LoadBalancerSpecs.decide(
                FrontendAnnotations.INGRESS,
                Map.of(
                    "kubernetes.io/ingress.subnetId",
                    "subnet-a",
                    "kubernetes.io/ingress.extensiveParameters",
                    "{\"VipIsp\":\"CMCC\"}",
                    SUBNET,
                    "subnet-ignored"),
                false)
            .spec();

    assertThat(spec.internalSubnetId()).isEqualTo("subnet-a");
    assertThat(spec.extensiveParameters().get("VipIsp").getAsString()).isEqualTo("CMCC");
  }

  @Test
  void globalRouterPodIpsAlwaysGetSnatPro() {
    assertThat(
            LoadBalancerSpecs.decide(FrontendAnnotations.SERVICE, Map.of(), true).spec().snatPro())
        .isTrue();
    assertThat(
            LoadBalancerSpecs.decide(
                    FrontendAnnotations.SERVICE, Map.of(EXTENSIVE, "{\"SnatPro\":true}"), false)
                .spec()
                .snatPro())
        .as("asked for by the user")
        .isTrue();
    LoadBalancerSpecs.Decision refused =
        LoadBalancerSpecs.decide(
            FrontendAnnotations.SERVICE, Map.of(EXTENSIVE, "{\"SnatPro\":false}"), true);
    assertThat(refused.spec()).isNull();
    assertThat(refused.problems())
        .singleElement()
        .asString()
        .contains("SnatPro false cannot work here");
  }

  @Test
  void badParametersOrAnEmptySubnetStopACreation() {
    LoadBalancerSpecs.Decision decision =
        LoadBalancerSpecs.decide(
            FrontendAnnotations.SERVICE,
            Map.of(SUBNET, "", EXTENSIVE, "{\"VpcId\":\"vpc-x\"}"),
            false);

    assertThat(decision.spec()).isNull();
    assertThat(decision.problems()).hasSize(2);
  }

  @Test
  void aReusedLoadBalancerIgnoresCreationParametersAndSaysSo() {
    LoadBalancerSpecs.Decision decision =
        LoadBalancerSpecs.decide(
            FrontendAnnotations.SERVICE,
            Map.of(
                "service.kubernetes.io/tke-existed-lbid",
                "lb-1234",
                SUBNET,
                "subnet-a",
                EXTENSIVE,
                "{not json"),
            false);

    assertThat(decision.problems()).as("nothing is created, so nothing can be refused").isEmpty();
    assertThat(decision.ignored())
        .hasSize(2)
        .allSatisfy(
            i -> assertThat(i).contains("is ignored: this Service reuses load balancer lb-1234"));
  }

  @Test
  void theFingerprintFollowsWhatWasAskedNotHowItWasWritten() {
    LoadBalancerSpec a =
        LoadBalancerSpecs.decide(
                FrontendAnnotations.SERVICE,
                Map.of(EXTENSIVE, "{\"ZoneId\":\"z\",\"VipIsp\":\"CTCC\"}"),
                false)
            .spec();
    LoadBalancerSpec b =
        LoadBalancerSpecs.decide(
                FrontendAnnotations.SERVICE,
                Map.of(EXTENSIVE, "{ \"VipIsp\":\"CTCC\", \"ZoneId\":\"z\" }"),
                true)
            .spec();
    LoadBalancerSpec c =
        LoadBalancerSpecs.decide(
                FrontendAnnotations.SERVICE,
                Map.of(EXTENSIVE, "{\"ZoneId\":\"y\",\"VipIsp\":\"CTCC\"}"),
                false)
            .spec();

    assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).hasSize(24);
    assertThat(c.fingerprint()).isNotEqualTo(a.fingerprint());
  }
}
