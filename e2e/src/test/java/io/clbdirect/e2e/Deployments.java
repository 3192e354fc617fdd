package io.clbdirect.e2e;

import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentCondition;
import java.time.Duration;

/** Reading Deployments in the tests' polling loops (API errors become unchecked, for Await). */
final class Deployments {

  private final AppsV1Api apps;

  Deployments(AppsV1Api apps) {
    this.apps = apps;
  }

  V1Deployment read(String namespace, String name) {
    return Unchecked.get(() -> apps.readNamespacedDeployment(name, namespace).execute());
  }

  /**
   * Waits until the Deployment is Available with exactly {@code replicas} available: with the
   * fixtures' maxUnavailable 0 that is every replica Ready, so every gate True.
   */
  V1Deployment awaitAvailable(String namespace, String name, int replicas, Duration timeout) {
    return Await.until(
        timeout,
        "Deployment " + namespace + "/" + name + " Available with " + replicas + " replicas",
        () -> read(namespace, name),
        d ->
            available(d) && Integer.valueOf(replicas).equals(d.getStatus().getAvailableReplicas()));
  }

  /** The Deployment controller's own verdict: condition Available is True. */
  static boolean available(V1Deployment deployment) {
    if (deployment.getStatus() == null || deployment.getStatus().getConditions() == null) {
      return false;
    }
    return deployment.getStatus().getConditions().stream()
        .filter(c -> "Available".equals(c.getType()))
        .map(V1DeploymentCondition::getStatus)
        .anyMatch("True"::equals);
  }
}
