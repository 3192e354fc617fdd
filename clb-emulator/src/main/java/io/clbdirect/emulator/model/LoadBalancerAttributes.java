package io.clbdirect.emulator.model;

import java.util.Objects;

/**
 * What CreateLoadBalancer fixed about an instance besides its name, type, VIP and tags;
 * DescribeLoadBalancers reports all of it.
 *
 * @param vpcId the VPC the instance (and its targets, without SnatPro) belongs to
 * @param subnetId the subnet its VIP came from (INTERNAL, or OPEN IPv6FullChain); null otherwise
 * @param snatPro whether targets outside the VPC may be bound (cross-VPC binding)
 * @param addressIPVersion {@code IPV4}, {@code IPV6} (NAT64) or {@code IPv6FullChain} as requested;
 *     the VIP stays IPv4
 * @param masterZone ZoneId or MasterZoneId as given (a numeric id such as 100001 or a name such as
 *     ap-guangzhou-1), or null
 * @param backupZone SlaveZoneId as given, or null
 * @param vipIsp BGP, CMCC, CTCC or CUCC for OPEN; INTERNAL for internal instances
 * @param internetChargeType InternetAccessible.InternetChargeType, or null (INTERNAL without
 *     SlaType)
 * @param internetMaxBandwidthOut InternetAccessible.InternetMaxBandwidthOut in Mbps, or null
 * @param bandwidthpkgSubType InternetAccessible.BandwidthpkgSubType, or null
 * @param projectId 0 is the default project
 * @param slaType a performance-capacity spec such as clb.c2.medium, or "" for a shared instance
 * @param passToTarget LoadBalancerPassToTarget
 * @param chargeType the instance's charge type (LBChargeType): POSTPAID_BY_HOUR
 */
public record LoadBalancerAttributes(
    String vpcId,
    String subnetId,
    boolean snatPro,
    String addressIPVersion,
    String masterZone,
    String backupZone,
    String vipIsp,
    String internetChargeType,
    Long internetMaxBandwidthOut,
    String bandwidthpkgSubType,
    long projectId,
    String slaType,
    boolean passToTarget,
    String chargeType) {

  public LoadBalancerAttributes {
    Objects.requireNonNull(vpcId, "vpcId");
    Objects.requireNonNull(addressIPVersion, "addressIPVersion");
    Objects.requireNonNull(vipIsp, "vipIsp");
    Objects.requireNonNull(slaType, "slaType");
    Objects.requireNonNull(chargeType, "chargeType");
  }

  /**
   * What CreateLoadBalancer gives a {@code type} instance in {@code vpcId} when no other field is
   * set.
   */
  public static LoadBalancerAttributes defaults(String type, String vpcId) {
    boolean open = !"INTERNAL".equals(type);
    return new LoadBalancerAttributes(
        vpcId,
        null,
        false,
        "IPV4",
        null,
        null,
        open ? "BGP" : "INTERNAL",
        open ? "TRAFFIC_POSTPAID_BY_HOUR" : null,
        open ? 10L : null,
        null,
        0,
        "",
        false,
        "POSTPAID_BY_HOUR");
  }
}
