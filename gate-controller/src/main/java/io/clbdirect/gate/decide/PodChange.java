package io.clbdirect.gate.decide;

import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Whether a Pod update can change what the gate-controller wants on a load balancer: its IP, phase,
 * deletion, labels, host network, readiness gates, named ports and its {@link BackendRole role}.
 * Updates of anything else — above all clb-direct's own gate patches and the kubelet's heartbeats
 * of unrelated fields — are dropped before they reach a workqueue. Pure.
 */
public final class PodChange {

  /** Deletion is compared on its own, so the frontend's termination settings do not matter here. */
  private static final GracefulTermination ANY =
      GracefulTermination.none(FrontendAnnotations.SERVICE);

  private PodChange() {}

  public static boolean matters(V1Pod before, V1Pod after) {
    if (before == null || after == null) {
      return true;
    }
    return !Objects.equals(ip(before), ip(after))
        || !Objects.equals(phase(before), phase(after))
        || !Objects.equals(
            before.getMetadata().getDeletionTimestamp(), after.getMetadata().getDeletionTimestamp())
        || !Objects.equals(before.getMetadata().getLabels(), after.getMetadata().getLabels())
        || !Objects.equals(hostNetwork(before), hostNetwork(after))
        || !Objects.equals(
            before.getSpec() == null ? null : before.getSpec().getReadinessGates(),
            after.getSpec() == null ? null : after.getSpec().getReadinessGates())
        || BackendRole.of(before, ANY) != BackendRole.of(after, ANY)
        || !otherConditions(before).equals(otherConditions(after))
        || !Objects.equals(ports(before), ports(after));
  }

  private static String ip(V1Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPodIP();
  }

  private static String phase(V1Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  private static Boolean hostNetwork(V1Pod pod) {
    return pod.getSpec() == null ? null : pod.getSpec().getHostNetwork();
  }

  /** Named container ports: a Service's named targetPort resolves through them. */
  private static Object ports(V1Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getContainers() == null
        ? null
        : pod.getSpec().getContainers().stream().map(c -> c.getPorts()).toList();
  }

  /**
   * Condition type to status for the conditions other than Ready, ContainersReady and clb-direct's
   * own gate: another readiness gate may hold the role back. Ready itself is left out, because the
   * role already says what it means here: when clb-direct's gate turns True the kubelet sets Ready,
   * and the Pod serves either way, so that event is dropped.
   */
  private static Map<String, String> otherConditions(V1Pod pod) {
    Map<String, String> found = new TreeMap<>();
    List<V1PodCondition> conditions =
        pod.getStatus() == null || pod.getStatus().getConditions() == null
            ? List.of()
            : pod.getStatus().getConditions();
    for (V1PodCondition condition : conditions) {
      String type = condition.getType();
      if (!io.clbdirect.core.WellKnown.READINESS_GATE.equals(type)
          && !"Ready".equals(type)
          && !"ContainersReady".equals(type)) {
        found.put(type, condition.getStatus());
      }
    }
    return found;
  }
}
