package io.clbdirect.e2e.faults;

import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the checker saw of the cluster over time, sample by sample: for each Pod IP whether its Pod
 * should be served (running, ready, not terminating, selected by a direct-access Service), and the
 * load balancers live direct-access Services recorded. Taking a Pod out of a load balancer between
 * two samples that both say it should be served is a deregistration no current cache could justify.
 * Samples taken while the API server is down are simply missing: nothing can change a Pod then.
 */
final class ClusterHistory {

  /** One Pod seen in one sample. */
  record PodSeen(Instant at, String uid, String name, boolean wanted) {}

  /** The load balancers live direct-access Services recorded in one sample. */
  record ServicesSeen(Instant at, Set<String> loadBalancers) {}

  private final Map<String, List<PodSeen>> byIp = new HashMap<>();
  private final List<ServicesSeen> services = new ArrayList<>();

  synchronized void add(DirectAccessView view) {
    for (V1Pod pod : view.pods()) {
      if (pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
        continue;
      }
      boolean wanted = DirectAccessView.shouldServe(pod) && !view.selecting(pod).isEmpty();
      byIp.computeIfAbsent(pod.getStatus().getPodIP(), ip -> new ArrayList<>())
          .add(
              new PodSeen(
                  view.takenAt(), pod.getMetadata().getUid(), DirectAccessView.name(pod), wanted));
    }
    Set<String> recorded = new HashSet<>();
    for (V1Service service : view.directAccessServices()) {
      String id =
          service.getMetadata().getAnnotations() == null
              ? null
              : service.getMetadata().getAnnotations().get(DirectAccessView.SERVICE_LB_ANNOTATION);
      if (id != null) {
        recorded.add(id);
      }
    }
    services.add(new ServicesSeen(view.takenAt(), recorded));
  }

  /**
   * The Pod with this IP if it was wanted in the last sample before {@code at} and in the first
   * after it, the same Pod both times; else null.
   */
  synchronized String wantedAround(String ip, Instant at) {
    List<PodSeen> seen = byIp.getOrDefault(ip, List.of());
    PodSeen before = null;
    PodSeen after = null;
    for (PodSeen s : seen) {
      if (!s.at().isAfter(at)) {
        before = s;
      } else if (after == null) {
        after = s;
      }
    }
    if (before != null
        && after != null
        && before.wanted()
        && after.wanted()
        && before.uid().equals(after.uid())) {
      return before.name() + " (wanted at " + before.at() + " and " + after.at() + ")";
    }
    return null;
  }

  /** Was the load balancer recorded by a live direct-access Service just before and after? */
  synchronized boolean recordedAround(String loadBalancerId, Instant at) {
    ServicesSeen before = null;
    ServicesSeen after = null;
    for (ServicesSeen s : services) {
      if (!s.at().isAfter(at)) {
        before = s;
      } else if (after == null) {
        after = s;
      }
    }
    return before != null
        && after != null
        && before.loadBalancers().contains(loadBalancerId)
        && after.loadBalancers().contains(loadBalancerId);
  }
}
