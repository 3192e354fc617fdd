package io.clbdirect.emulator.api;

import io.clbdirect.emulator.Cidr;
import io.clbdirect.emulator.Networks;
import io.clbdirect.emulator.model.LoadBalancer;

/**
 * Which EniIp a load balancer may bind: an address inside its own VPC; with SnatPro (cross-VPC
 * binding) also an address in any other configured VPC or GlobalRouter cluster CIDR. An address in
 * no configured network is refused either way. InstanceId targets are not checked.
 *
 * <p>choice: the refusal is {@code InvalidParameter} (RegisterTargets' documented code for a bad
 * target) naming the address, the load balancer's VPC and CIDR, and whether SnatPro is on; the
 * reference documents the rule (SnatPro: "是否支持绑定跨地域/跨Vpc绑定IP的功能") but not the error.
 */
final class TargetNetworks {

  private final Networks networks;

  TargetNetworks(Networks networks) {
    this.networks = networks;
  }

  void check(LoadBalancer lb, String eniIp) {
    Networks.Vpc vpc =
        networks
            .vpc(lb.vpcId())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "load balancer "
                            + lb.loadBalancerId()
                            + " is in VPC "
                            + lb.vpcId()
                            + ", which the emulator's networks do not define"));
    if (Cidr.parse(vpc.cidr()).contains(eniIp)) {
      return;
    }
    String own = "the load balancer's VPC " + vpc.vpcId() + " (" + vpc.cidr() + ")";
    if (!lb.snatPro()) {
      throw new ApiError(
          "InvalidParameter",
          "EniIp "
              + eniIp
              + " of load balancer "
              + lb.loadBalancerId()
              + " is outside "
              + own
              + " and SnatPro is off: only a load balancer created with SnatPro binds addresses of other VPCs or cluster CIDRs.");
    }
    boolean known =
        networks.vpcs().stream().anyMatch(v -> Cidr.parse(v.cidr()).contains(eniIp))
            || networks.clusterCidrs().stream().anyMatch(c -> Cidr.parse(c.cidr()).contains(eniIp));
    if (!known) {
      throw new ApiError(
          "InvalidParameter",
          "EniIp "
              + eniIp
              + " of load balancer "
              + lb.loadBalancerId()
              + " is outside "
              + own
              + " and in no other VPC or cluster CIDR the emulator knows, so even with SnatPro on it cannot be bound.");
    }
  }
}
