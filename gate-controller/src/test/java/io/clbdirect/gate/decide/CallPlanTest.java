package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallPlanTest {

  static final BackendGroup WEB = new BackendGroup("lb-1", "lbl-80", null);
  static final BackendGroup API = new BackendGroup("lb-1", "lbl-9090", null);
  static final BackendGroup OTHER_LB = new BackendGroup("lb-2", "lbl-80", null);

  static TargetAddress t(int i) {
    return new TargetAddress("10.0." + (i / 250) + "." + (i % 250 + 1), 8080);
  }

  @Test
  void diffRegistersMissingReweightsChangedAndDeregistersOnlyOwnedLeftovers() {
    Map<TargetAddress, Integer> desired = Map.of(t(1), 10, t(2), 0, t(3), 10);
    Map<TargetAddress, Integer> actual = Map.of(t(2), 10, t(3), 10, t(4), 10, t(5), 10);

    TargetChanges changes =
        TargetChanges.diff(WEB, desired, actual, target -> !target.equals(t(5)));

    assertThat(changes.register()).containsOnly(Map.entry(t(1), 10));
    assertThat(changes.reweight()).containsOnly(Map.entry(t(2), 0));
    assertThat(changes.deregister()).containsExactly(t(4));
    assertThat(
            TargetChanges.diff(WEB, desired, Map.of(t(1), 10, t(2), 0, t(3), 10), t -> true)
                .isEmpty())
        .isTrue();
  }

  @Test
  void coalescesAcrossListenersOfOneLoadBalancerUpToFiveHundredPerCall() {
    Map<TargetAddress, Integer> many = new HashMap<>();
    for (int i = 0; i < 700; i++) {
      many.put(t(i), 10);
    }
    Map<TargetAddress, Integer> few = Map.of(t(1), 10, t(2), 10);

    List<CallPlan.Call> calls =
        CallPlan.plan(
            List.of(
                TargetChanges.diff(WEB, many, Map.of(), t -> true),
                TargetChanges.diff(API, few, Map.of(), t -> true),
                TargetChanges.diff(OTHER_LB, few, Map.of(), t -> true)));

    assertThat(calls)
        .extracting(CallPlan.Call::action, CallPlan.Call::loadBalancerId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(CallPlan.Action.BatchRegisterTargets, "lb-1"),
            org.assertj.core.groups.Tuple.tuple(CallPlan.Action.BatchRegisterTargets, "lb-1"),
            org.assertj.core.groups.Tuple.tuple(CallPlan.Action.BatchRegisterTargets, "lb-2"));
    assertThat(calls.get(0).items()).hasSize(500);
    assertThat(calls.get(1).items()).hasSize(202);
    assertThat(calls.stream().mapToInt(c -> c.items().size()).sum()).isEqualTo(704);
    assertThat(calls.size()).isEqualTo(CallPlan.minimumCalls(702) + CallPlan.minimumCalls(2));
  }

  @Test
  void registersBeforeReweightingBeforeDeregisteringOnEachLoadBalancer() {
    TargetChanges rollout =
        TargetChanges.diff(WEB, Map.of(t(1), 10, t(2), 0), Map.of(t(2), 10, t(3), 10), t -> true);

    List<String> order = new ArrayList<>();
    CallPlan.plan(List.of(rollout)).forEach(call -> order.add(call.action().name()));

    assertThat(order)
        .containsExactly(
            "BatchRegisterTargets", "BatchModifyTargetWeight", "BatchDeregisterTargets");
  }

  @Test
  void nothingToDoMeansNoCalls() {
    assertThat(
            CallPlan.plan(
                List.of(TargetChanges.diff(WEB, Map.of(t(1), 10), Map.of(t(1), 10), t -> true))))
        .isEmpty();
  }
}
