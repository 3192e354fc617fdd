package io.clbdirect.e2e.faults;

import io.clbdirect.core.WellKnown;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.NetworkingV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster as clb-direct should see it, read from the API server at {@code takenAt}: the
 * Services, Ingresses and Pods of the namespaces under test, and from them the desired CLB state of
 * each direct-access {@code LoadBalancer} Service (one listener per port, one target per selected
 * running Pod). Ingresses are read for the load balancers they record (so those are not orphans);
 * their rules are not compared (no fault scenario here uses one).
 */
public record DirectAccessView(
    Instant takenAt,
    List<String> namespaces,
    List<V1Service> services,
    List<V1Ingress> ingresses,
    List<V1Pod> pods) {

  public static final String SERVICE_LB_ANNOTATION = "service.kubernetes.io/loadbalance-id";
  public static final String INGRESS_LB_ANNOTATION = "kubernetes.io/ingress.qcloud-loadbalance-id";

  /** A listener clb-direct should have made, and the targets it should hold. */
  public record DesiredListener(String protocol, int port, Set<String> targets) {}

  public static DirectAccessView read(CoreV1Api core, NetworkingV1Api networking, List<String> ns)
      throws ApiException {
    Instant takenAt = Instant.now();
    // Services and Ingresses of every namespace: a load balancer recorded by another test's
    // Service is not an orphan. Pods only of the namespaces under test.
    List<V1Service> services = core.listServiceForAllNamespaces().execute().getItems();
    List<V1Ingress> ingresses = networking.listIngressForAllNamespaces().execute().getItems();
    List<V1Pod> pods = new ArrayList<>();
    for (String namespace : ns) {
      pods.addAll(core.listNamespacedPod(namespace).execute().getItems());
    }
    return new DirectAccessView(takenAt, List.copyOf(ns), services, ingresses, pods);
  }

  /** Live {@code LoadBalancer} Services with direct access on, in the namespaces under test. */
  public List<V1Service> directAccessServices() {
    return services.stream()
        .filter(s -> namespaces.contains(s.getMetadata().getNamespace()))
        .filter(s -> s.getMetadata().getDeletionTimestamp() == null)
        .filter(s -> "LoadBalancer".equals(s.getSpec().getType()))
        .filter(s -> "true".equalsIgnoreCase(annotation(s.getMetadata().getAnnotations())))
        .toList();
  }

  /** Every load balancer id a Service or Ingress records, in any namespace. */
  public Set<String> recordedLoadBalancers() {
    Set<String> ids = new LinkedHashSet<>();
    for (V1Service s : services) {
      Map<String, String> a = s.getMetadata().getAnnotations();
      if (a != null && a.get(SERVICE_LB_ANNOTATION) != null) {
        ids.add(a.get(SERVICE_LB_ANNOTATION));
      }
    }
    for (V1Ingress i : ingresses) {
      Map<String, String> a = i.getMetadata().getAnnotations();
      if (a != null && a.get(INGRESS_LB_ANNOTATION) != null) {
        ids.add(a.get(INGRESS_LB_ANNOTATION));
      }
    }
    return ids;
  }

  /** The Pods a Service selects (same namespace, labels match its selector). */
  public List<V1Pod> selected(V1Service service) {
    Map<String, String> selector = service.getSpec().getSelector();
    if (selector == null || selector.isEmpty()) {
      return List.of();
    }
    return pods.stream()
        .filter(p -> p.getMetadata().getNamespace().equals(service.getMetadata().getNamespace()))
        .filter(
            p ->
                p.getMetadata().getLabels() != null
                    && p.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
        .toList();
  }

  /** The direct-access Services selecting the Pod. */
  public List<V1Service> selecting(V1Pod pod) {
    return directAccessServices().stream().filter(s -> selected(s).contains(pod)).toList();
  }

  /**
   * One listener per Service port; targets: every selected Pod that runs with an IP, is not being
   * deleted and whose containers are ready, at its resolved target port ({@code eni:IP:PORT}).
   */
  public List<DesiredListener> desired(V1Service service) {
    List<DesiredListener> listeners = new ArrayList<>();
    for (V1ServicePort port : service.getSpec().getPorts()) {
      Set<String> targets = new LinkedHashSet<>();
      for (V1Pod pod : selected(service)) {
        if (shouldServe(pod)) {
          targetPort(pod, port)
              .ifPresent(p -> targets.add("eni:" + pod.getStatus().getPodIP() + ":" + p));
        }
      }
      listeners.add(
          new DesiredListener(
              port.getProtocol() == null ? "TCP" : port.getProtocol(), port.getPort(), targets));
    }
    return listeners;
  }

  /** Running, with an IP, not being deleted, containers ready: a Pod that should be bound. */
  public static boolean shouldServe(V1Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null
        && pod.getStatus() != null
        && "Running".equals(pod.getStatus().getPhase())
        && pod.getStatus().getPodIP() != null
        && condition(pod, "ContainersReady").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** The Service port's target port on this Pod: a number, or a named container port. */
  public static Optional<Integer> targetPort(V1Pod pod, V1ServicePort port) {
    if (port.getTargetPort() == null) {
      return Optional.of(port.getPort());
    }
    if (port.getTargetPort().isInteger()) {
      return Optional.of(port.getTargetPort().getIntValue());
    }
    for (V1Container container : pod.getSpec().getContainers()) {
      if (container.getPorts() != null) {
        for (V1ContainerPort p : container.getPorts()) {
          if (port.getTargetPort().getStrValue().equals(p.getName())) {
            return Optional.of(p.getContainerPort());
          }
        }
      }
    }
    return Optional.empty();
  }

  public static boolean hasReadinessGate(V1Pod pod) {
    return pod.getSpec().getReadinessGates() != null
        && pod.getSpec().getReadinessGates().stream()
            .anyMatch(g -> WellKnown.READINESS_GATE.equals(g.getConditionType()));
  }

  public static Optional<V1PodCondition> condition(V1Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  public static String name(V1Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private static String annotation(Map<String, String> annotations) {
    return annotations == null ? null : annotations.get(WellKnown.SERVICE_DIRECT_ACCESS);
  }
}
