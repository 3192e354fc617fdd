package io.clbdirect.gate.decide;

import io.clbdirect.core.WellKnown;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import java.util.List;

/** What the load balancer should do with a Pod that a direct-access frontend selects. Pure. */
public enum BackendRole {
  /** Registered with its normal weight: Ready, or held back only by clb-direct's own gate. */
  SERVE,
  /**
   * Registered with weight 0: terminating with graceful shutdown or deletion, so no new connections
   * arrive.
   */
  DRAIN,
  /** Not registered (deregistered if it is). */
  REMOVE,
  /**
   * Nothing can be registered: no Pod IP yet, or host network. Existing targets are left to the
   * diff.
   */
  NONE;

  /**
   * @param termination how the Service or Ingress the Pod backs takes deleted Pods out (TKE's grace
   *     shutdown and grace deletion)
   */
  public static BackendRole of(V1Pod pod, GracefulTermination termination) {
    if (pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
      return NONE;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return REMOVE;
    }
    if (pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null) {
      return termination.drainsDeletedPods() ? DRAIN : REMOVE;
    }
    if (pod.getStatus() == null
        || pod.getStatus().getPodIP() == null
        || pod.getStatus().getPodIP().isEmpty()) {
      return NONE;
    }
    List<V1PodCondition> conditions =
        pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions();
    if (isTrue(conditions, "Ready")) {
      return SERVE;
    }
    // Not Ready. If the only thing missing is our own gate, the Pod must be registered, or the gate
    // (which waits for the CLB to see it healthy) could never open.
    if (isTrue(conditions, "ContainersReady") && onlyOurGateIsPending(pod, conditions)) {
      return SERVE;
    }
    return REMOVE;
  }

  private static boolean onlyOurGateIsPending(V1Pod pod, List<V1PodCondition> conditions) {
    List<V1PodReadinessGate> gates =
        pod.getSpec() == null || pod.getSpec().getReadinessGates() == null
            ? List.of()
            : pod.getSpec().getReadinessGates();
    boolean ours = false;
    for (V1PodReadinessGate gate : gates) {
      if (WellKnown.READINESS_GATE.equals(gate.getConditionType())) {
        ours = true;
      } else if (!isTrue(conditions, gate.getConditionType())) {
        return false;
      }
    }
    return ours;
  }

  private static boolean isTrue(List<V1PodCondition> conditions, String type) {
    return conditions.stream()
        .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
