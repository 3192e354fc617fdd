package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.core.WellKnown;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class PodChangeTest {

  /** A gated Pod whose containers are ready and whose only pending gate is clb-direct's. */
  static V1Pod waiting() {
    return new V1Pod()
        .metadata(new V1ObjectMeta().namespace("shop").name("web-1").putLabelsItem("app", "web"))
        .spec(
            new V1PodSpec()
                .addContainersItem(new V1Container().name("c"))
                .addReadinessGatesItem(
                    new V1PodReadinessGate().conditionType(WellKnown.READINESS_GATE)))
        .status(
            new V1PodStatus()
                .phase("Running")
                .podIP("127.0.1.1")
                .addConditionsItem(new V1PodCondition().type("ContainersReady").status("True"))
                .addConditionsItem(new V1PodCondition().type("Ready").status("False")));
  }

  static V1Pod changed(Consumer<V1Pod> change) {
    V1Pod pod = waiting();
    change.accept(pod);
    return pod;
  }

  @Test
  void clbDirectsOwnGateAndTheReadyItCausesChangeNothingOnTheLoadBalancer() {
    V1Pod gateTrue =
        changed(
            p ->
                p.getStatus()
                    .addConditionsItem(
                        new V1PodCondition().type(WellKnown.READINESS_GATE).status("True")));
    V1Pod ready =
        changed(
            p -> {
              p.getStatus()
                  .addConditionsItem(
                      new V1PodCondition().type(WellKnown.READINESS_GATE).status("True"));
              p.getStatus().getConditions().stream()
                  .filter(c -> "Ready".equals(c.getType()))
                  .forEach(c -> c.setStatus("True"));
            });

    assertThat(PodChange.matters(waiting(), gateTrue)).isFalse();
    assertThat(PodChange.matters(gateTrue, ready)).as("registered either way").isFalse();
  }

  @Test
  void whatTheLoadBalancerReadsMatters() {
    assertThat(PodChange.matters(waiting(), changed(p -> p.getStatus().podIP("127.0.1.2"))))
        .isTrue();
    assertThat(
            PodChange.matters(
                waiting(), changed(p -> p.getMetadata().deletionTimestamp(OffsetDateTime.now()))))
        .isTrue();
    assertThat(
            PodChange.matters(waiting(), changed(p -> p.getMetadata().putLabelsItem("app", "api"))))
        .isTrue();
    assertThat(
            PodChange.matters(
                waiting(), changed(p -> p.getStatus().getConditions().get(0).setStatus("False"))))
        .as("containers no longer ready: deregistered")
        .isTrue();
    assertThat(PodChange.matters(waiting(), changed(p -> p.getStatus().phase("Succeeded"))))
        .isTrue();
    assertThat(
            PodChange.matters(
                waiting(),
                changed(
                    p ->
                        p.getStatus()
                            .addConditionsItem(
                                new V1PodCondition()
                                    .type("example.com/other-gate")
                                    .status("False")))))
        .as("another gate may hold the role back")
        .isTrue();
    assertThat(PodChange.matters(null, waiting())).isTrue();
    assertThat(PodChange.matters(waiting(), null)).isTrue();
  }

  @Test
  void fieldsNobodyReadsAreDropped() {
    assertThat(
            PodChange.matters(
                waiting(),
                changed(p -> p.getMetadata().resourceVersion("42").putAnnotationsItem("x", "y"))))
        .isFalse();
    assertThat(PodChange.matters(waiting(), changed(p -> p.getStatus().hostIP("127.0.0.9"))))
        .isFalse();
  }
}
