package io.clbdirect.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cases of kubelet's own generate_test.go, with its exact reasons and messages. */
class PodReadinessTest {

  static V1PodReadinessGate gate(String type) {
    return new V1PodReadinessGate().conditionType(type);
  }

  static V1PodCondition condition(String type, String status) {
    return new V1PodCondition().type(type).status(status);
  }

  @Test
  void readyWithoutGatesWhenContainersAreReady() {
    V1PodCondition ready = PodReadiness.ready(List.of(), List.of(), List.of());
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isNull();
  }

  @Test
  void unreadyContainersWinOverGates() {
    V1PodCondition ready =
        PodReadiness.ready(List.of("app", "sidecar"), List.of(gate("g")), List.of());
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("ContainersNotReady");
    assertThat(ready.getMessage()).isEqualTo("containers with unready status: [app sidecar]");
  }

  @Test
  void missingGateCondition() {
    V1PodCondition ready = PodReadiness.ready(List.of(), List.of(gate("gate1")), List.of());
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("ReadinessGatesNotReady");
    assertThat(ready.getMessage())
        .isEqualTo("corresponding condition of pod readiness gate \"gate1\" does not exist.");
  }

  @Test
  void falseGateConditionAndSeveralGatesJoinedByComma() {
    V1PodCondition ready =
        PodReadiness.ready(
            List.of(),
            List.of(gate("gate1"), gate("gate2"), gate("gate3")),
            List.of(condition("gate1", "False"), condition("gate3", "True")));
    assertThat(ready.getMessage())
        .isEqualTo(
            "the status of pod readiness gate \"gate1\" is not \"True\", but False, "
                + "corresponding condition of pod readiness gate \"gate2\" does not exist.");
  }

  @Test
  void allGatesTrue() {
    V1PodCondition ready =
        PodReadiness.ready(
            List.of(),
            List.of(gate("gate1"), gate("gate2")),
            List.of(
                condition("gate1", "True"),
                condition("gate2", "True"),
                condition("Ready", "False")));
    assertThat(ready.getStatus()).isEqualTo("True");
  }
}
