package io.clbdirect.gate.decide;

import java.util.Optional;

/**
 * Whether a load balancer can reach the cluster's Pod IPs at all. A load balancer binds addresses
 * of its own VPC; anything else (another VPC, or GlobalRouter Pod IPs from the cluster CIDR) needs
 * SNAT Pro. Binding targets it cannot reach would only hold every rollout forever, so such a load
 * balancer is refused with both sides named. Pure.
 */
public final class NetworkFit {

  private NetworkFit() {}

  /**
   * @param clusterVpcId the cluster's VPC ({@code clb-direct.clb.vpc-id})
   * @param podIpsOutsideVpc Pod IPs come from a GlobalRouter cluster CIDR
   * @param lbVpcId the load balancer's VpcId as DescribeLoadBalancers reports it
   * @param lbSnatPro its SnatPro, null when not reported
   * @return why the load balancer cannot serve this cluster's Pods, or empty when it can
   */
  public static Optional<String> problem(
      String clusterVpcId,
      boolean podIpsOutsideVpc,
      String lbId,
      String lbVpcId,
      Boolean lbSnatPro) {
    boolean snatPro = Boolean.TRUE.equals(lbSnatPro);
    if (snatPro) {
      return Optional.empty();
    }
    if (lbVpcId != null
        && !lbVpcId.isBlank()
        && clusterVpcId != null
        && !lbVpcId.equals(clusterVpcId)) {
      return Optional.of(
          "load balancer "
              + lbId
              + " is in VPC "
              + lbVpcId
              + " but the cluster is in VPC "
              + clusterVpcId
              + ", and SNAT Pro is off on it, so it cannot reach the Pods; enable SNAT Pro on it (with Cloud Connect Network routing) "
              + "or use a load balancer in "
              + clusterVpcId);
    }
    if (podIpsOutsideVpc) {
      return Optional.of(
          "load balancer "
              + lbId
              + " has SNAT Pro off: in GlobalRouter mode Pod IPs come from the cluster CIDR, "
              + "not from VPC subnets, and only a load balancer with SNAT Pro can bind them; enable SNAT Pro on it or let clb-direct "
              + "create one");
    }
    return Optional.empty();
  }

  /**
   * A load balancer clb-direct made for this frontend that no longer matches what the annotations
   * ask for. clb-direct does not migrate a frontend (TKE does not either): it keeps serving where
   * it is.
   *
   * @param createdFingerprint the {@link LoadBalancerSpec#fingerprint()} tagged at creation, or
   *     null for a load balancer made before the tag existed
   */
  public static Optional<String> drift(
      LoadBalancerSpec wanted,
      String lbId,
      String lbType,
      String lbSubnetId,
      String createdFingerprint) {
    String now = describe(wanted.loadBalancerType(), wanted.internalSubnetId());
    String then = describe(lbType, "INTERNAL".equals(lbType) ? lbSubnetId : null);
    boolean differs =
        lbType != null && !now.equals(then)
            || createdFingerprint != null && !createdFingerprint.equals(wanted.fingerprint());
    if (!differs) {
      return Optional.empty();
    }
    return Optional.of(
        "load balancer "
            + lbId
            + " was created as "
            + then
            + " with the creation parameters of that time; the "
            + "annotations now ask for "
            + now
            + (now.equals(then) ? " with other creation parameters" : "")
            + ". clb-direct does not "
            + "move a frontend to another load balancer (TKE does not either) and keeps serving on "
            + lbId
            + ". To apply the change, "
            + "remove the direct-access annotation and add it again (the load balancer clb-direct made is deleted and a new one "
            + "created), or create a new Service or Ingress");
  }

  private static String describe(String type, String subnetId) {
    return "INTERNAL".equals(type)
        ? "an internal load balancer in " + subnetId
        : "a public load balancer";
  }
}
