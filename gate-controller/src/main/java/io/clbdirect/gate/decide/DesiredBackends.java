package io.clbdirect.gate.decide;

import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * From a direct-access Service (or Ingress), the Pods it selects and its listeners (or rules): the
 * targets each should hold, and where each Pod should be bound (for its gate). Pure.
 *
 * @param targets per listener: target address to weight
 * @param bindings per Pod key (namespace/name): where it must be bound and healthy
 * @param terminating target address of a Pod being deleted (weight 0 or no target wanted) to that
 *     Pod, for the deletion-to-CLB-change latency
 */
public record DesiredBackends(
    Map<BackendGroup, Map<TargetAddress, Integer>> targets,
    Map<String, List<Binding>> bindings,
    Map<TargetAddress, TerminatingPod> terminating) {

  public static final int DEFAULT_WEIGHT = 10;

  /**
   * As {@link #of(V1Service, List, String, Map, GracefulTermination)} with the Service's own
   * annotations and TKE's cluster default for graceful deletion taken as off. Enough where only the
   * bindings are used (no load balancer yet: no targets are wanted, and no termination policy
   * changes a binding).
   */
  public static DesiredBackends of(
      V1Service service,
      List<V1Pod> selected,
      String loadBalancerId,
      Map<Integer, String> listenerIds) {
    return of(
        service,
        selected,
        loadBalancerId,
        listenerIds,
        GracefulTermination.of(
            FrontendAnnotations.SERVICE, annotations(service.getMetadata()), false));
  }

  /**
   * @param loadBalancerId the Service's load balancer, or null while it does not exist
   * @param listenerIds Service port number to listener id; a missing entry means that listener is
   *     missing
   * @param termination how the Service takes deleted Pods out (from its annotations and TKE's
   *     cluster default)
   */
  public static DesiredBackends of(
      V1Service service,
      List<V1Pod> selected,
      String loadBalancerId,
      Map<Integer, String> listenerIds,
      GracefulTermination termination) {
    String frontend = "Service " + service.getMetadata().getName();
    Builder builder = new Builder();
    List<V1ServicePort> ports =
        service.getSpec() == null || service.getSpec().getPorts() == null
            ? List.of()
            : service.getSpec().getPorts();
    for (V1ServicePort port : ports) {
      String listenerId = loadBalancerId == null ? null : listenerIds.get(port.getPort());
      BackendGroup group =
          listenerId == null ? null : new BackendGroup(loadBalancerId, listenerId, null);
      builder.add(frontend, termination, port, selected, loadBalancerId, listenerId, group);
    }
    return builder.build();
  }

  /**
   * As {@link #ofIngress(V1Ingress, IngressRoutes, Function, Function, String, Map, Map,
   * GracefulTermination)} with the Ingress's own annotations and TKE's cluster default for graceful
   * deletion taken as off: enough where only the bindings are used.
   */
  public static DesiredBackends ofIngress(
      V1Ingress ingress,
      IngressRoutes routes,
      Function<String, V1Service> services,
      Function<V1Service, List<V1Pod>> selected,
      String loadBalancerId,
      Map<IngressRoutes.Scheme, String> listenerIds,
      Map<IngressRoutes.RuleKey, String> locationIds) {
    return ofIngress(
        ingress,
        routes,
        services,
        selected,
        loadBalancerId,
        listenerIds,
        locationIds,
        GracefulTermination.of(
            FrontendAnnotations.INGRESS, annotations(ingress.getMetadata()), false));
  }

  /**
   * The targets of every rule of a direct-access Ingress: each rule holds the Pods of its backend
   * Service, on the target port of the Service port the rule names.
   *
   * @param services the Ingress's namespace's Services by name (null when missing)
   * @param selected the Pods a Service selects
   * @param listenerIds the HTTP:80 and HTTPS:443 listeners; one missing has no entry
   * @param locationIds rule to LocationId; a missing entry means that rule does not exist yet
   * @param termination how the Ingress takes deleted Pods out (from its annotations and TKE's
   *     cluster default)
   */
  public static DesiredBackends ofIngress(
      V1Ingress ingress,
      IngressRoutes routes,
      Function<String, V1Service> services,
      Function<V1Service, List<V1Pod>> selected,
      String loadBalancerId,
      Map<IngressRoutes.Scheme, String> listenerIds,
      Map<IngressRoutes.RuleKey, String> locationIds,
      GracefulTermination termination) {
    Builder builder = new Builder();
    for (IngressRoutes.Route route : routes.routes()) {
      V1Service service = services.apply(route.serviceName());
      if (service == null || service.getSpec() == null || service.getSpec().getPorts() == null) {
        continue; // no Service, no Pods to bind; the rule still exists so the CLB answers 503, as
        // Kubernetes would
      }
      String listenerId = listenerIds.get(route.rule().scheme());
      String locationId = listenerId == null ? null : locationIds.get(route.rule());
      BackendGroup group =
          locationId == null ? null : new BackendGroup(loadBalancerId, listenerId, locationId);
      String frontend = "Ingress " + ingress.getMetadata().getName() + " (" + route.rule() + ")";
      for (V1ServicePort port : service.getSpec().getPorts()) {
        if (route.targets(port)) {
          builder.add(
              frontend,
              termination,
              port,
              selected.apply(service),
              loadBalancerId,
              listenerId,
              group);
        }
      }
    }
    return builder.build();
  }

  private static Map<String, String> annotations(V1ObjectMeta metadata) {
    return metadata == null || metadata.getAnnotations() == null
        ? Map.of()
        : metadata.getAnnotations();
  }

  /** Collects targets per group and bindings per Pod across a frontend's listeners or rules. */
  private static final class Builder {

    private final Map<BackendGroup, Map<TargetAddress, Integer>> targets = new HashMap<>();
    private final Map<String, List<Binding>> bindings = new TreeMap<>();
    private final Map<TargetAddress, TerminatingPod> terminating = new HashMap<>();

    void add(
        String frontend,
        GracefulTermination termination,
        V1ServicePort port,
        List<V1Pod> pods,
        String loadBalancerId,
        String listenerId,
        BackendGroup group) {
      if (group != null) {
        targets.computeIfAbsent(group, g -> new HashMap<>());
      }
      for (V1Pod pod : pods) {
        BackendRole role = BackendRole.of(pod, termination);
        Integer targetPort = TargetPorts.resolve(port, pod);
        noteTerminating(pod, role, targetPort);
        if (role == BackendRole.NONE || role == BackendRole.REMOVE || targetPort == null) {
          continue;
        }
        TargetAddress address = new TargetAddress(pod.getStatus().getPodIP(), targetPort);
        if (group != null) {
          targets.get(group).put(address, role == BackendRole.DRAIN ? 0 : DEFAULT_WEIGHT);
        }
        if (role == BackendRole.SERVE) {
          bindings
              .computeIfAbsent(
                  pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(),
                  k -> new ArrayList<>())
              .add(new Binding(frontend, loadBalancerId, listenerId, group, address));
        }
      }
    }

    /** A deleted Pod with an IP: its targets are going to weight 0 (DRAIN) or away (REMOVE). */
    private void noteTerminating(V1Pod pod, BackendRole role, Integer targetPort) {
      if ((role != BackendRole.DRAIN && role != BackendRole.REMOVE)
          || targetPort == null
          || pod.getMetadata() == null
          || pod.getMetadata().getDeletionTimestamp() == null
          || pod.getStatus() == null
          || pod.getStatus().getPodIP() == null
          || pod.getStatus().getPodIP().isEmpty()) {
        return;
      }
      terminating.put(
          new TargetAddress(pod.getStatus().getPodIP(), targetPort),
          new TerminatingPod(
              pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(),
              deletedAt(pod.getMetadata())));
    }

    /**
     * When the Pod was deleted. The API server sets {@code deletionTimestamp} to the delete call's
     * time <em>plus</em> the grace period (the moment the kubelet may kill it), and that period in
     * {@code deletionGracePeriodSeconds}; the difference is the delete call, in whole seconds.
     */
    private static java.time.Instant deletedAt(V1ObjectMeta metadata) {
      Long grace = metadata.getDeletionGracePeriodSeconds();
      java.time.Instant deadline = metadata.getDeletionTimestamp().toInstant();
      return grace == null || grace < 0 ? deadline : deadline.minusSeconds(grace);
    }

    DesiredBackends build() {
      return new DesiredBackends(targets, bindings, terminating);
    }
  }
}
