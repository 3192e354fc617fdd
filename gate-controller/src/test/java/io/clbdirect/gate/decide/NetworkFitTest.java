package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkFitTest {

  @Test
  void aLoadBalancerInTheClusterVpcFits() {
    assertThat(NetworkFit.problem("vpc-cluster1", false, "lb-1", "vpc-cluster1", false)).isEmpty();
    assertThat(NetworkFit.problem("vpc-cluster1", false, "lb-1", "vpc-cluster1", null)).isEmpty();
  }

  @Test
  void anotherVpcWithoutSnatProIsRefusedNamingBothVpcs() {
    assertThat(NetworkFit.problem("vpc-cluster1", false, "lb-1", "vpc-default1", false))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("lb-1 is in VPC vpc-default1 but the cluster is in VPC vpc-cluster1")
                    .contains("SNAT Pro is off"));
    assertThat(NetworkFit.problem("vpc-cluster1", false, "lb-1", "vpc-default1", true))
        .as("SNAT Pro binds across VPCs")
        .isEmpty();
  }

  @Test
  void globalRouterPodIpsNeedSnatProEvenInTheClusterVpc() {
    assertThat(NetworkFit.problem("vpc-cluster1", true, "lb-1", "vpc-cluster1", false))
        .hasValueSatisfying(
            m -> assertThat(m).contains("lb-1 has SNAT Pro off").contains("GlobalRouter"));
    assertThat(NetworkFit.problem("vpc-cluster1", true, "lb-1", "vpc-cluster1", true)).isEmpty();
  }

  @Test
  void driftIsReportedWhenTheAnnotationsNoLongerDescribeTheLoadBalancer() {
    LoadBalancerSpec internal =
        LoadBalancerSpecs.decide(
                FrontendAnnotations.SERVICE,
                Map.of("service.kubernetes.io/qcloud-loadbalancer-internal-subnetid", "subnet-b"),
                false)
            .spec();
    LoadBalancerSpec open =
        LoadBalancerSpecs.decide(FrontendAnnotations.SERVICE, Map.of(), false).spec();

    assertThat(NetworkFit.drift(open, "lb-1", "OPEN", null, open.fingerprint())).isEmpty();
    assertThat(NetworkFit.drift(internal, "lb-1", "OPEN", null, open.fingerprint()))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("was created as a public load balancer")
                    .contains("now ask for an internal load balancer in subnet-b")
                    .contains("keeps serving on lb-1"));
    assertThat(NetworkFit.drift(internal, "lb-1", "INTERNAL", "subnet-a", null))
        .hasValueSatisfying(
            m -> assertThat(m).contains("created as an internal load balancer in subnet-a"));
    LoadBalancerSpec zoned =
        LoadBalancerSpecs.decide(
                FrontendAnnotations.SERVICE,
                Map.of(
                    "service.kubernetes.io/service.extensiveParameters",
                    "{\"ZoneId\":\"ap-guangzhou-3\"}"),
                false)
            .spec();
    assertThat(NetworkFit.drift(zoned, "lb-1", "OPEN", null, open.fingerprint()))
        .hasValueSatisfying(m -> assertThat(m).contains("with other creation parameters"));
    assertThat(NetworkFit.drift(zoned, "lb-1", "OPEN", null, null))
        .as("made before the tag: only type and subnet compared")
        .isEmpty();
  }
}
