package io.clbdirect.e2e;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import java.util.List;
import java.util.Optional;

/** Reading Pods in the tests' polling loops (API errors become unchecked, for Await). */
final class Pods {

  private final CoreV1Api core;

  Pods(CoreV1Api core) {
    this.core = core;
  }

  V1Pod read(String namespace, String name) {
    try {
      return core.readNamespacedPod(name, namespace).execute();
    } catch (ApiException e) {
      throw new IllegalStateException(e.getCode() + " " + e.getResponseBody(), e);
    }
  }

  List<V1Pod> list(String namespace) {
    try {
      return core.listNamespacedPod(namespace).execute().getItems();
    } catch (ApiException e) {
      throw new IllegalStateException(e.getCode() + " " + e.getResponseBody(), e);
    }
  }

  List<V1Pod> withApp(String namespace, String app) {
    try {
      return core.listNamespacedPod(namespace).labelSelector("app=" + app).execute().getItems();
    } catch (ApiException e) {
      throw new IllegalStateException(e.getCode() + " " + e.getResponseBody(), e);
    }
  }

  static Optional<V1PodCondition> condition(V1Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  static boolean isReady(V1Pod pod) {
    return condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
