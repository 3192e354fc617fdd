package io.clbdirect.e2e.faults;

import static io.clbdirect.e2e.faults.CheckerFixtures.T0;
import static io.clbdirect.e2e.faults.CheckerFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.core.WellKnown;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Invariant 1: a True gate needs its target Alive first, and bound, but for the one window. */
class GateCheckTest {

  static final Instant GATE_AT = T0.plusSeconds(30).toInstant(); // whole seconds, as stored

  static V1PodCondition gate() {
    return new V1PodCondition()
        .type(WellKnown.READINESS_GATE)
        .status("True")
        .reason("LoadBalancerNetworkGroupReady")
        .lastTransitionTime(T0.plusSeconds(30));
  }

  static final V1Pod RUNNING = pod("a", 1, "True", false);

  @Test
  void aliveBeforeTheGateAndBoundIsFine() {
    assertThat(
            GateCheck.problems(
                RUNNING, gate(), GATE_AT.minusMillis(500), true, GATE_AT.plusSeconds(5), GATE_AT))
        .isEmpty();
  }

  @Test
  void aliveWithinTheGatesSecondIsFineAfterItIsNot() {
    assertThat(
            GateCheck.problems(
                RUNNING, gate(), GATE_AT.plusMillis(900), true, GATE_AT.plusSeconds(5), GATE_AT))
        .as("the gate's time is truncated to the second")
        .isEmpty();
    assertThat(
            GateCheck.problems(
                RUNNING, gate(), GATE_AT.plusMillis(1500), true, GATE_AT.plusSeconds(5), GATE_AT))
        .singleElement()
        .asString()
        .contains("first Alive at");
  }

  @Test
  void neverAliveIsABreach() {
    assertThat(GateCheck.problems(RUNNING, gate(), null, true, GATE_AT, GATE_AT))
        .containsExactly("gate True, target never Alive");
  }

  @Test
  void notBoundIsABreachUnlessItAllHappenedAfterTheSnapshot() {
    Instant snapshot = GATE_AT.plusSeconds(5);
    assertThat(
            GateCheck.problems(RUNNING, gate(), GATE_AT.minusSeconds(1), false, snapshot, GATE_AT))
        .containsExactly("gate True, Pod running, target not bound in the CLB");
    assertThat(
            GateCheck.problems(
                RUNNING, gate(), GATE_AT.minusSeconds(1), false, GATE_AT.minusSeconds(2), GATE_AT))
        .as("bound, Alive and gated between the snapshot and the Pod read")
        .isEmpty();
  }

  @Test
  void aPodWithoutReadyContainersMayBeUnboundWithItsGateTrue() {
    V1Pod notReady = pod("b", 2, "True", false);
    notReady.getStatus().getConditions().get(0).status("False"); // ContainersReady
    assertThat(
            GateCheck.problems(
                notReady, gate(), GATE_AT.minusSeconds(1), false, GATE_AT.plusSeconds(5), GATE_AT))
        .isEmpty();
  }
}
