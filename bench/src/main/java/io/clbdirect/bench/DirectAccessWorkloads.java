package io.clbdirect.bench;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects the gate-controller benchmarks create: direct-access Services, their Pods and
 * Deployments.
 */
final class DirectAccessWorkloads {

  static final String EXISTING_LB = "service.kubernetes.io/tke-existed-lbid";
  static final String GRACE_SHUTDOWN = "service.cloud.tencent.com/enable-grace-shutdown";
  static final int CONTAINER_PORT = 8080;

  private DirectAccessWorkloads() {}

  static void namespace(ApiClient client, String name, Map<String, String> labels)
      throws ApiException {
    new CoreV1Api(client)
        .createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(name).labels(labels)))
        .execute();
  }

  /**
   * A direct-access LoadBalancer Service selecting {@code app=<app>} on port {@code port} → the
   * Pods' named port {@code http}, with graceful shutdown (targets drained before their Pods stop).
   *
   * @param loadBalancerId an existing load balancer to put the listener on, or null for one of its
   *     own
   */
  static V1Service service(String name, String app, int port, String loadBalancerId) {
    Map<String, String> annotations =
        new HashMap<>(Map.of(WebhookWorkload.DIRECT_ACCESS, "true", GRACE_SHUTDOWN, "true"));
    if (loadBalancerId != null) {
      annotations.put(EXISTING_LB, loadBalancerId);
    }
    return new V1Service()
        .metadata(new V1ObjectMeta().name(name).annotations(annotations))
        .spec(
            new V1ServiceSpec()
                .type("LoadBalancer")
                .selector(Map.of("app", app))
                .addPortsItem(
                    new V1ServicePort()
                        .name("http")
                        .port(port)
                        .targetPort(new IntOrString("http"))));
  }

  /**
   * A Pod of {@code app} serving {@code http} on 8080; with {@code gate}, it carries the readiness
   * gate itself (no webhook needed).
   */
  static V1Pod pod(String name, String app, boolean gate) {
    V1PodSpec spec = podSpec();
    if (gate) {
      spec.addReadinessGatesItem(new V1PodReadinessGate().conditionType(WebhookWorkload.GATE));
    }
    return new V1Pod()
        .metadata(new V1ObjectMeta().name(name).labels(Map.of("app", app)))
        .spec(spec);
  }

  /**
   * {@code replicas} Pods of {@code app}, rolled one surge Pod at a time with none unavailable (as
   * the sandbox's example).
   */
  static V1Deployment deployment(String name, String app, int replicas) {
    return new V1Deployment()
        .metadata(new V1ObjectMeta().name(name))
        .spec(
            new V1DeploymentSpec()
                .replicas(replicas)
                .selector(new V1LabelSelector().matchLabels(Map.of("app", app)))
                .template(
                    new V1PodTemplateSpec()
                        .metadata(new V1ObjectMeta().labels(Map.of("app", app)))
                        .spec(podSpec())));
  }

  private static V1PodSpec podSpec() {
    // overhead: client-java sends {} for an unset map, which the API server rejects without a
    // RuntimeClass
    return new V1PodSpec()
        .overhead(null)
        .terminationGracePeriodSeconds(30L)
        .addContainersItem(
            new V1Container()
                .name("web")
                .image("example.com/web:1")
                .addPortsItem(new V1ContainerPort().name("http").containerPort(CONTAINER_PORT)));
  }

  /**
   * Waits until the Deployment's newest generation is rolled out: every replica updated and
   * available, no old one left.
   */
  static void awaitRolledOut(AppsV1Api apps, String ns, String name, int replicas, Duration timeout)
      throws ApiException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      V1Deployment d = apps.readNamespacedDeployment(name, ns).execute();
      var st = d.getStatus();
      if (st != null
          && st.getObservedGeneration() != null
          && st.getObservedGeneration() >= d.getMetadata().getGeneration()
          && Integer.valueOf(replicas).equals(st.getUpdatedReplicas())
          && Integer.valueOf(replicas).equals(st.getAvailableReplicas())
          && Integer.valueOf(replicas).equals(st.getReplicas())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Deployment " + ns + "/" + name + " not rolled out after " + timeout + ": " + st);
      }
      Sleep.millis(50);
    }
  }

  /** The Service's VIP once clb-direct has recorded it in the status. */
  static String awaitVip(ApiClient client, String namespace, String service, Duration timeout) {
    CoreV1Api core = new CoreV1Api(client);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        V1Service s = core.readNamespacedService(service, namespace).execute();
        if (s.getStatus() != null
            && s.getStatus().getLoadBalancer() != null
            && s.getStatus().getLoadBalancer().getIngress() != null
            && !s.getStatus().getLoadBalancer().getIngress().isEmpty()) {
          return s.getStatus().getLoadBalancer().getIngress().get(0).getIp();
        }
      } catch (ApiException e) {
        // not there yet
      }
      Sleep.millis(100);
    }
    throw new IllegalStateException(
        "Service " + namespace + "/" + service + " got no VIP within " + timeout);
  }

  /**
   * Deletes what the namespaces hold now, without waiting for the namespace controller:
   * Deployments, Pods, and Services with their finalizers dropped (clb-direct is stopped by then,
   * so nothing would remove them, and a later benchmark's clb-direct must not find direct-access
   * Services of a load balancer from an emulator long gone); then the namespaces themselves.
   */
  static void deleteNamespaces(ApiClient client, List<String> namespaces) {
    CoreV1Api core = new CoreV1Api(client);
    AppsV1Api apps = new AppsV1Api(client);
    for (String ns : namespaces) {
      try {
        apps.deleteCollectionNamespacedDeployment(ns).execute();
        core.deleteCollectionNamespacedPod(ns).gracePeriodSeconds(0).execute();
        core.deleteCollectionNamespacedService(ns).execute();
        for (V1Service left : core.listNamespacedService(ns).execute().getItems()) {
          PatchUtils.patch(
              V1Service.class,
              () ->
                  core.patchNamespacedService(
                          left.getMetadata().getName(),
                          ns,
                          new V1Patch("{\"metadata\":{\"finalizers\":null}}"))
                      .buildCall(null),
              V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
              client);
        }
        core.deleteNamespace(ns).execute();
      } catch (ApiException e) {
        if (e.getCode() != 404) {
          System.err.println(
              "could not clean up namespace "
                  + ns
                  + ": "
                  + e.getCode()
                  + " "
                  + e.getResponseBody());
        }
      }
    }
  }
}
