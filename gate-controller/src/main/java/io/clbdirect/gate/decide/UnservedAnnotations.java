package io.clbdirect.gate.decide;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TKE annotations a direct-access Service or Ingress may carry that clb-direct does not act on,
 * each with what happens instead: a user moving from TKE's controllers is told, not silently
 * ignored. Pure.
 */
public final class UnservedAnnotations {

  private static final Map<String, String> SERVICE = new LinkedHashMap<>();
  private static final Map<String, String> INGRESS = new LinkedHashMap<>();

  static {
    // enable-grace-deletion is read (GracefulTermination), and what differs from TKE is told in its
    // own Event.
    for (String prefix : List.of("service.cloud.tencent.com/", "ingress.cloud.tencent.com/")) {
      Map<String, String> table = prefix.startsWith("service") ? SERVICE : INGRESS;
      table.put(
          prefix + "enable-grace-shutdown-tkex",
          "only terminating Pods go to weight 0 first (enable-grace-shutdown); "
              + "a not-ready Pod is deregistered");
      table.put(prefix + "lb-rs-weight", "every target has weight 10 (0 while draining)");
      table.put(
          prefix + "tke-service-config-auto",
          "no config is generated; name one with " + prefix + "tke-service-config");
    }
    SERVICE.put(
        "service.cloud.tencent.com/security-groups",
        "set the security groups on the load balancer itself, or reuse one that has "
            + "them (tke-existed-lbid)");
    SERVICE.put(
        "service.cloud.tencent.com/pass-to-target",
        "give LoadBalancerPassToTarget in service.kubernetes.io/service.extensiveParameters");
    SERVICE.put(
        "service.kubernetes.io/qcloud-loadbalancer-internet-charge-type",
        "give InternetAccessible.InternetChargeType in service.kubernetes.io/service.extensiveParameters");
    SERVICE.put(
        "service.kubernetes.io/qcloud-loadbalancer-internet-max-bandwidth-out",
        "give InternetAccessible.InternetMaxBandwidthOut in service.kubernetes.io/service.extensiveParameters");
    for (String nodeOnly :
        List.of(
            "service.kubernetes.io/local-svc-only-bind-node-with-pod",
            "service.cloud.tencent.com/local-svc-weighted-balance",
            "service.kubernetes.io/qcloud-loadbalancer-backends-label")) {
      SERVICE.put(nodeOnly, "it selects nodes, and direct access binds Pods, never nodes");
    }
  }

  private UnservedAnnotations() {}

  /**
   * @return one sentence per annotation present that clb-direct does not act on; empty when none
   */
  public static List<String> of(FrontendAnnotations kind, Map<String, String> annotations) {
    List<String> found = new ArrayList<>();
    if (annotations == null) {
      return found;
    }
    (kind == FrontendAnnotations.SERVICE ? SERVICE : INGRESS)
        .forEach(
            (key, instead) -> {
              if (annotations.containsKey(key)) {
                found.add(key + " is not read by clb-direct: " + instead);
              }
            });
    return found;
  }
}
