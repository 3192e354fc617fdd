package io.clbdirect.e2e.faults;

import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Invariant 1 for one True gate and one of its targets, pure: what is wrong, if anything (see
 * {@link ContinuousInvariants} and docs/reliability.md for the definition and its one window).
 */
final class GateCheck {

  private GateCheck() {}

  /**
   * @param pod a non-terminating Pod whose gate is True ({@code LoadBalancerNetworkGroupReady})
   * @param firstAlive when the emulator first reported the target Alive, null if never
   * @param bound whether the target is bound in the snapshot taken at {@code snapshotAt}, before
   *     the Pod was read
   * @param now used when the gate carries no transition time
   */
  static List<String> problems(
      V1Pod pod,
      V1PodCondition gate,
      Instant firstAlive,
      boolean bound,
      Instant snapshotAt,
      Instant now) {
    List<String> problems = new ArrayList<>();
    if (firstAlive == null) {
      problems.add("gate True, target never Alive");
      return problems;
    }
    // Whole seconds: a gate set at 12:00:00.900 reads 12:00:00.
    Instant gateTime =
        gate.getLastTransitionTime() == null
            ? now
            : gate.getLastTransitionTime().toInstant().plusSeconds(1);
    if (firstAlive.isAfter(gateTime)) {
      problems.add(
          "gate True at " + gate.getLastTransitionTime() + ", target first Alive at " + firstAlive);
    }
    // The window: bound, Alive and gated between the snapshot and the Pod read.
    if (DirectAccessView.shouldServe(pod) && !bound && firstAlive.isBefore(snapshotAt)) {
      problems.add("gate True, Pod running, target not bound in the CLB");
    }
    return problems;
  }
}
