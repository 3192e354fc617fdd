package io.clbdirect.e2e;

import io.clbdirect.core.WellKnown;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reading Pods in the tests' polling loops (API errors become unchecked, for Await). */
final class Pods {

  private final CoreV1Api core;

  Pods(CoreV1Api core) {
    this.core = core;
  }

  V1Pod read(String namespace, String name) {
    return Unchecked.get(() -> core.readNamespacedPod(name, namespace).execute());
  }

  List<V1Pod> list(String namespace) {
    return Unchecked.get(() -> core.listNamespacedPod(namespace).execute().getItems());
  }

  List<V1Pod> withApp(String namespace, String app) {
    return Unchecked.get(
        () -> core.listNamespacedPod(namespace).labelSelector("app=" + app).execute().getItems());
  }

  /**
   * Waits until the webhook is in effect for Pods labelled {@code app=app} in the namespace:
   * registered, honoured by the API server ("within a few seconds") and its Service cache caught
   * up. Probes with dry-run Pods, which nothing runs.
   */
  V1Pod awaitGatedDryRun(String namespace, String app, Duration timeout) {
    return Await.until(
        timeout,
        "the webhook to gate a dry-run Pod of app " + app + " in " + namespace,
        () ->
            Unchecked.get(
                () ->
                    core.createNamespacedPod(namespace, Fixtures.pod("probe", app))
                        .dryRun("All")
                        .execute()),
        Pods::hasGate);
  }

  /** Has clb-direct's readiness gate (the webhook added it). */
  static boolean hasGate(V1Pod pod) {
    List<V1PodReadinessGate> gates = pod.getSpec().getReadinessGates();
    return gates != null
        && gates.stream().anyMatch(g -> WellKnown.READINESS_GATE.equals(g.getConditionType()));
  }

  static Optional<V1PodCondition> condition(V1Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  static boolean isReady(V1Pod pod) {
    return condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
