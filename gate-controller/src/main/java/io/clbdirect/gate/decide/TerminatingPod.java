package io.clbdirect.gate.decide;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A Pod being deleted that still has (or had) targets: what the deletion-to-CLB-change latency is
 * measured from. Pure.
 *
 * @param key namespace/name
 * @param deletedAt when it was deleted: {@code metadata.deletionTimestamp} minus {@code
 *     deletionGracePeriodSeconds} (the API server puts the kill deadline in the timestamp)
 */
public record TerminatingPod(String key, Instant deletedAt) {

  /**
   * The terminating Pods whose targets this call takes out of service: deregistered, or set to
   * weight 0 (graceful shutdown). A register or a non-zero weight is never a terminating Pod's
   * change.
   */
  public static Set<TerminatingPod> changedBy(
      CallPlan.Call call, Map<TargetAddress, TerminatingPod> terminating) {
    Set<TerminatingPod> changed = new LinkedHashSet<>();
    boolean deregister = call.action() == CallPlan.Action.BatchDeregisterTargets;
    boolean reweight = call.action() == CallPlan.Action.BatchModifyTargetWeight;
    if (!deregister && !reweight) {
      return changed;
    }
    for (CallPlan.Item item : call.items()) {
      TerminatingPod pod = terminating.get(item.target());
      if (pod != null && (deregister || item.weight() == 0)) {
        changed.add(pod);
      }
    }
    return changed;
  }
}
