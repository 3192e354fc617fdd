package io.clbdirect.e2e.faults;

import io.clbdirect.core.WellKnown;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1Service;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What differs between the CLB (the emulator) and the desired state derived from the cluster, and
 * between the gates and what they should say: empty once everything converged.
 *
 * <ul>
 *   <li>{@code orphans}: a load balancer no Service or Ingress (of any namespace) records; a
 *       listener for no Service port; a rule on an L4 Service's listener; a target no running
 *       selected Pod wants.
 *   <li>{@code missing}: a recorded load balancer, a listener or a target that should exist and
 *       does not, or a wanted target at a weight other than 10.
 *   <li>{@code staleGates}: a gated, running Pod whose gate is not True once converged (selected:
 *       bound and Alive should have made it True; not selected: it should be released).
 *   <li>{@code missingGates}: a Pod selected by a direct-access Service it was created after, but
 *       without the readiness gate (the webhook let it through ungated).
 * </ul>
 */
public record Divergence(
    List<String> orphans,
    List<String> missing,
    List<String> staleGates,
    List<String> missingGates) {

  static final long WEIGHT = 10;

  public boolean converged() {
    return orphans.isEmpty() && missing.isEmpty() && staleGates.isEmpty() && missingGates.isEmpty();
  }

  public int wrongGates() {
    return staleGates.size() + missingGates.size();
  }

  public List<String> all() {
    List<String> all = new ArrayList<>();
    orphans.forEach(o -> all.add("orphan " + o));
    missing.forEach(m -> all.add("missing " + m));
    staleGates.forEach(g -> all.add("stale gate " + g));
    missingGates.forEach(g -> all.add("no gate " + g));
    return all;
  }

  public static Divergence between(DirectAccessView cluster, EmulatorSnapshot clb) {
    List<String> orphans = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    Set<String> recorded = cluster.recordedLoadBalancers();
    for (String id : clb.loadBalancers().keySet()) {
      if (!recorded.contains(id)) {
        orphans.add("load balancer " + id);
      }
    }
    for (V1Service service : cluster.directAccessServices()) {
      String name = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
      Map<String, String> annotations = service.getMetadata().getAnnotations();
      String id = annotations.get(DirectAccessView.SERVICE_LB_ANNOTATION);
      EmulatorSnapshot.LoadBalancer lb = id == null ? null : clb.loadBalancers().get(id);
      if (lb == null) {
        missing.add("load balancer of Service " + name + " (recorded: " + id + ")");
        continue;
      }
      Map<String, EmulatorSnapshot.Listener> byPort = new HashMap<>();
      lb.listeners().forEach(l -> byPort.put(l.protocol() + "/" + l.port(), l));
      Set<String> wantedPorts = new HashSet<>();
      for (DirectAccessView.DesiredListener want : cluster.desired(service)) {
        String key = want.protocol() + "/" + want.port();
        wantedPorts.add(key);
        EmulatorSnapshot.Listener have = byPort.get(key);
        if (have == null) {
          missing.add("listener " + key + " on " + id + " for " + name);
          continue;
        }
        have.rules().forEach(r -> orphans.add("rule " + r.locationId() + " on L4 listener " + key));
        Set<String> bound = new HashSet<>();
        for (EmulatorSnapshot.Target target : have.targets()) {
          bound.add(target.key());
          if (!want.targets().contains(target.key())) {
            orphans.add("target " + target.key() + " on " + id + " " + key);
          } else if (target.weight() != WEIGHT) {
            missing.add(
                "weight " + WEIGHT + " of " + target.key() + " (is " + target.weight() + ")");
          }
        }
        for (String target : want.targets()) {
          if (!bound.contains(target)) {
            missing.add("target " + target + " on " + id + " " + key);
          }
        }
      }
      byPort.keySet().stream()
          .filter(k -> !wantedPorts.contains(k))
          .forEach(k -> orphans.add("listener " + k + " on " + id));
    }
    return new Divergence(orphans, missing, staleGates(cluster), missingGates(cluster));
  }

  private static List<String> staleGates(DirectAccessView cluster) {
    List<String> stale = new ArrayList<>();
    for (V1Pod pod : cluster.pods()) {
      if (!DirectAccessView.hasReadinessGate(pod) || !DirectAccessView.shouldServe(pod)) {
        continue;
      }
      V1PodCondition gate = DirectAccessView.condition(pod, WellKnown.READINESS_GATE).orElse(null);
      if (gate == null || !"True".equals(gate.getStatus())) {
        stale.add(
            DirectAccessView.name(pod)
                + (gate == null ? " (no condition)" : " (" + gate.getReason() + ")"));
      }
    }
    return stale;
  }

  private static List<String> missingGates(DirectAccessView cluster) {
    List<String> ungated = new ArrayList<>();
    for (V1Pod pod : cluster.pods()) {
      if (DirectAccessView.hasReadinessGate(pod)
          || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      OffsetDateTime created = pod.getMetadata().getCreationTimestamp();
      for (V1Service service : cluster.selecting(pod)) {
        // Seconds only: a Pod created in the same second as the Service may rightly predate it.
        if (created.isAfter(service.getMetadata().getCreationTimestamp())) {
          ungated.add(
              DirectAccessView.name(pod)
                  + " (selected by "
                  + service.getMetadata().getName()
                  + ")");
          break;
        }
      }
    }
    return ungated;
  }
}
