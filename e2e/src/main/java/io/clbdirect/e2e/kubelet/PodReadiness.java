package io.clbdirect.e2e.kubelet;

import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import java.util.ArrayList;
import java.util.List;

/**
 * The Pod's {@code Ready} condition exactly as the kubelet computes it
 * (pkg/kubelet/status/generate.go): ContainersReady first, then every readiness gate's condition
 * must exist and be True; reasons and messages are the kubelet's own. Pure.
 */
public final class PodReadiness {

  public static final String CONTAINERS_NOT_READY = "ContainersNotReady";
  public static final String READINESS_GATES_NOT_READY = "ReadinessGatesNotReady";

  private PodReadiness() {}

  /**
   * @param unreadyContainers names of containers that are not ready (empty when all are)
   * @param gates the Pod's {@code spec.readinessGates}
   * @param conditions the Pod's current {@code status.conditions}
   * @return the {@code Ready} condition without timestamps
   */
  public static V1PodCondition ready(
      List<String> unreadyContainers,
      List<V1PodReadinessGate> gates,
      List<V1PodCondition> conditions) {
    if (!unreadyContainers.isEmpty()) {
      return new V1PodCondition()
          .type("Ready")
          .status("False")
          .reason(CONTAINERS_NOT_READY)
          .message("containers with unready status: [" + String.join(" ", unreadyContainers) + "]");
    }
    List<String> unready = new ArrayList<>();
    for (V1PodReadinessGate gate : gates == null ? List.<V1PodReadinessGate>of() : gates) {
      V1PodCondition condition = find(conditions, gate.getConditionType());
      if (condition == null) {
        unready.add(
            "corresponding condition of pod readiness gate \""
                + gate.getConditionType()
                + "\" does not exist.");
      } else if (!"True".equals(condition.getStatus())) {
        unready.add(
            "the status of pod readiness gate \""
                + gate.getConditionType()
                + "\" is not \"True\", but "
                + condition.getStatus());
      }
    }
    if (!unready.isEmpty()) {
      return new V1PodCondition()
          .type("Ready")
          .status("False")
          .reason(READINESS_GATES_NOT_READY)
          .message(String.join(", ", unready));
    }
    return new V1PodCondition().type("Ready").status("True");
  }

  static V1PodCondition find(List<V1PodCondition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    for (V1PodCondition condition : conditions) {
      if (type.equals(condition.getType())) {
        return condition;
      }
    }
    return null;
  }
}
