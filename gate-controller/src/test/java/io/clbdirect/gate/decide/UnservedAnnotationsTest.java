package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UnservedAnnotationsTest {

  @Test
  void tkeAnnotationsClbDirectDoesNotReadAreNamedWithWhatHappensInstead() {
    assertThat(
            UnservedAnnotations.of(
                FrontendAnnotations.SERVICE,
                Map.of(
                    "service.cloud.tencent.com/lb-rs-weight", "{}",
                    "service.kubernetes.io/qcloud-loadbalancer-internet-max-bandwidth-out", "10",
                    "service.cloud.tencent.com/direct-access", "true")))
        .containsExactly(
            "service.cloud.tencent.com/lb-rs-weight is not read by clb-direct: every target has weight 10 (0 while draining)",
            "service.kubernetes.io/qcloud-loadbalancer-internet-max-bandwidth-out is not read by clb-direct: give "
                + "InternetAccessible.InternetMaxBandwidthOut in service.kubernetes.io/service.extensiveParameters");
  }

  @Test
  void eachKindHasItsOwnSpelling() {
    assertThat(
            UnservedAnnotations.of(
                FrontendAnnotations.INGRESS,
                Map.of("service.cloud.tencent.com/lb-rs-weight", "{}")))
        .isEmpty();
    assertThat(
            UnservedAnnotations.of(
                FrontendAnnotations.INGRESS,
                Map.of(
                    "ingress.cloud.tencent.com/lb-rs-weight",
                    "{}",
                    "ingress.cloud.tencent.com/tke-service-config-auto",
                    "true",
                    "kubernetes.io/ingress.rule-mix",
                    "true")))
        .as("rule-mix is served since HTTPS is")
        .hasSize(2);
  }

  @Test
  void servedOrAbsentAnnotationsSayNothing() {
    assertThat(UnservedAnnotations.of(FrontendAnnotations.SERVICE, null)).isEmpty();
    assertThat(
            UnservedAnnotations.of(
                FrontendAnnotations.SERVICE,
                Map.of(
                    "service.cloud.tencent.com/enable-grace-shutdown",
                    "true",
                    "service.cloud.tencent.com/enable-grace-deletion",
                    "true",
                    "service.kubernetes.io/tke-existed-lbid",
                    "lb-1")))
        .isEmpty();
    assertThat(
            UnservedAnnotations.of(
                FrontendAnnotations.INGRESS,
                Map.of("ingress.cloud.tencent.com/enable-grace-deletion", "false")))
        .as("read since issue 17 (GracefulTermination)")
        .isEmpty();
  }
}
