package io.clbdirect.gate.decide;

import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * From a direct-access Service, the Pods it selects and its listeners: the targets each listener should
 * hold, and where each Pod should be bound (for its gate). Pure.
 *
 * @param targets per listener: target address to weight
 * @param bindings per Pod key (namespace/name): where it must be bound and healthy
 */
public record DesiredBackends(Map<BackendGroup, Map<TargetAddress, Integer>> targets, Map<String, List<Binding>> bindings) {

  public static final int DEFAULT_WEIGHT = 10;

  /**
   * @param loadBalancerId the Service's load balancer, or null while it does not exist
   * @param listenerIds Service port number to listener id; a missing entry means that listener is missing
   */
  public static DesiredBackends of(V1Service service, List<V1Pod> selected, String loadBalancerId, Map<Integer, String> listenerIds) {
    String frontend = "Service " + service.getMetadata().getName();
    Map<String, String> annotations = service.getMetadata().getAnnotations() == null ? Map.of() : service.getMetadata().getAnnotations();
    Map<BackendGroup, Map<TargetAddress, Integer>> targets = new HashMap<>();
    Map<String, List<Binding>> bindings = new TreeMap<>();
    List<V1ServicePort> ports = service.getSpec() == null || service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
    for (V1ServicePort port : ports) {
      String listenerId = loadBalancerId == null ? null : listenerIds.get(port.getPort());
      BackendGroup group = listenerId == null ? null : new BackendGroup(loadBalancerId, listenerId, null);
      if (group != null) {
        targets.computeIfAbsent(group, g -> new HashMap<>());
      }
      for (V1Pod pod : selected) {
        BackendRole role = BackendRole.of(pod, annotations);
        Integer targetPort = TargetPorts.resolve(port, pod);
        if (role == BackendRole.NONE || role == BackendRole.REMOVE || targetPort == null) {
          continue;
        }
        TargetAddress address = new TargetAddress(pod.getStatus().getPodIP(), targetPort);
        if (group != null) {
          targets.get(group).put(address, role == BackendRole.DRAIN ? 0 : DEFAULT_WEIGHT);
        }
        if (role == BackendRole.SERVE) {
          bindings.computeIfAbsent(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), k -> new ArrayList<>())
              .add(new Binding(frontend, loadBalancerId, listenerId, group, address));
        }
      }
    }
    return new DesiredBackends(targets, bindings);
  }
}
