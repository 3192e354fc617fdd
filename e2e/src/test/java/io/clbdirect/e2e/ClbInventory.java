package io.clbdirect.e2e;

import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.TargetRef;
import io.clbdirect.gate.clb.ServiceLoadBalancers;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The emulator's state against the desired state of one direct-access Service and its Pods: load
 * balancers nobody records (orphans), targets of no current Pod (stale), Pods bound nowhere
 * (missing). A converged fault scenario has all three empty.
 */
record ClbInventory(
    Set<String> loadBalancers,
    String recorded,
    Set<String> orphanLoadBalancers,
    Set<String> staleTargets,
    Set<String> missingTargets) {

  static ClbInventory of(
      ClbEmulator clb, CoreV1Api core, Pods pods, String ns, String service, String app, int port)
      throws ApiException {
    V1Service svc = core.readNamespacedService(service, ns).execute();
    Map<String, String> annotations = svc.getMetadata().getAnnotations();
    String recorded =
        annotations == null ? null : annotations.get(ServiceLoadBalancers.RECORDED_LB_ANNOTATION);
    Set<String> lbs = new TreeSet<>();
    for (LoadBalancer lb : clb.state().loadBalancers().values()) {
      lbs.add(lb.loadBalancerId());
    }
    Set<String> orphans = new TreeSet<>(lbs);
    if (recorded != null) {
      orphans.remove(recorded);
    }
    Set<String> wanted = new TreeSet<>();
    List<V1Pod> current = pods.withApp(ns, app);
    for (V1Pod pod : current) {
      if (pod.getMetadata().getDeletionTimestamp() == null
          && pod.getStatus() != null
          && pod.getStatus().getPodIP() != null) {
        wanted.add(pod.getStatus().getPodIP() + ":" + port);
      }
    }
    Set<String> bound = new TreeSet<>();
    for (TargetRef ref : clb.state().targetSnapshot()) {
      if (ref.loadBalancer().loadBalancerId().equals(recorded)) {
        bound.add(ref.target().eniIp() + ":" + ref.target().port());
      }
    }
    Set<String> stale = new TreeSet<>(bound);
    stale.removeAll(wanted);
    Set<String> missing = new TreeSet<>(wanted);
    missing.removeAll(bound);
    return new ClbInventory(lbs, recorded, orphans, stale, missing);
  }

  boolean converged() {
    return recorded != null
        && orphanLoadBalancers.isEmpty()
        && staleTargets.isEmpty()
        && missingTargets.isEmpty();
  }

  String figures() {
    return "load balancers "
        + loadBalancers.size()
        + " (recorded "
        + recorded
        + "), orphans "
        + orphanLoadBalancers.size()
        + orphanLoadBalancers
        + ", stale targets "
        + staleTargets.size()
        + staleTargets
        + ", missing targets "
        + missingTargets.size()
        + missingTargets;
  }
}
