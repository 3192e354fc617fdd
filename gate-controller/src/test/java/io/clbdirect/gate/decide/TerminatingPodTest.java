package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminatingPodTest {

  static final BackendGroup GROUP = new BackendGroup("lb-1", "lbl-80", null);
  static final TargetAddress OLD = new TargetAddress("10.0.0.3", 8080);
  static final TargetAddress NEW = new TargetAddress("10.0.0.4", 8080);
  static final TerminatingPod LEAVING =
      new TerminatingPod("shop/old", Instant.parse("2026-12-02T10:00:00Z"));
  static final Map<TargetAddress, TerminatingPod> TERMINATING = Map.of(OLD, LEAVING);

  @Test
  void deregisteringOrWeightZeroIsTheChangeRegisteringIsNot() {
    assertThat(TerminatingPod.changedBy(call("BatchDeregisterTargets", OLD, 0), TERMINATING))
        .containsExactly(LEAVING);
    assertThat(TerminatingPod.changedBy(call("BatchModifyTargetWeight", OLD, 0), TERMINATING))
        .containsExactly(LEAVING);
    assertThat(TerminatingPod.changedBy(call("BatchModifyTargetWeight", OLD, 10), TERMINATING))
        .isEmpty();
    assertThat(TerminatingPod.changedBy(call("BatchRegisterTargets", OLD, 0), TERMINATING))
        .isEmpty();
    assertThat(TerminatingPod.changedBy(call("BatchDeregisterTargets", NEW, 0), TERMINATING))
        .as("not terminating")
        .isEmpty();
  }

  static CallPlan.Call call(String action, TargetAddress target, int weight) {
    return new CallPlan.Call(
        CallPlan.Action.valueOf(action), "lb-1", List.of(new CallPlan.Item(GROUP, target, weight)));
  }
}
