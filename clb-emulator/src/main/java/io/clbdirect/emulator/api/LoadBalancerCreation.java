package io.clbdirect.emulator.api;

import io.clbdirect.emulator.Networks;
import io.clbdirect.emulator.model.LoadBalancerAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CreateLoadBalancer's request, read and checked against the API reference (the SDK's
 * CreateLoadBalancerRequest documentation) and the account's {@link Networks}. Every field read
 * here is stored and reported by DescribeLoadBalancers; a value the reference does not allow, or a
 * combination it rules out, is refused with a message naming the field.
 *
 * @param subnet the subnet the VIP comes from (INTERNAL), or the IPv6FullChain subnet (OPEN); else
 *     null
 * @param vip the requested VIP, or null for the next free one
 */
record LoadBalancerCreation(
    String type,
    String name,
    int number,
    Map<String, String> tags,
    LoadBalancerAttributes attributes,
    Networks.Subnet subnet,
    String vip) {

  static final Set<String> SLA_TYPES =
      Set.of(
          "clb.c2.medium",
          "clb.c3.small",
          "clb.c3.medium",
          "clb.c4.small",
          "clb.c4.medium",
          "clb.c4.large",
          "clb.c4.xlarge");
  static final Set<String> PUBLIC_ISPS = Set.of("BGP", "CMCC", "CTCC", "CUCC");
  static final Set<String> INTERNET_CHARGE_TYPES =
      Set.of(
          "TRAFFIC_POSTPAID_BY_HOUR",
          "BANDWIDTH_POSTPAID_BY_HOUR",
          "BANDWIDTH_PACKAGE",
          "BANDWIDTH_PREPAID");
  static final Set<String> BANDWIDTH_PACKAGE_TYPES =
      Set.of(
          "SINGLEISP",
          "BGP",
          "HIGH_QUALITY_BGP",
          "SINGLEISP_CMCC",
          "SINGLEISP_CTCC",
          "SINGLEISP_CUCC");

  /** A zone as its numeric id (100001) or its name (ap-guangzhou-1): the reference accepts both. */
  private static final Pattern ZONE =
      Pattern.compile("\\d{1,12}|[a-z]{2,}-[a-z]+(-[a-z]+)*-\\d{1,3}");

  /** The documented fields this does not read are refused before, by {@link RequestFields}. */
  static LoadBalancerCreation read(Params p, Networks networks) {
    String type = p.string("LoadBalancerType");
    if (!type.equals("OPEN") && !type.equals("INTERNAL")) {
      throw new ApiError(
          "InvalidParameterValue",
          "`LoadBalancerType` must be OPEN or INTERNAL, got " + type + ".");
    }
    boolean open = type.equals("OPEN");
    Integer forward = p.optInt("Forward");
    if (forward != null && forward != 1) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`Forward` can only be 1 (a CLB instance), got " + forward + ".");
    }
    int number = p.optInt("Number") == null ? 1 : p.optInt("Number");
    if (number < 1 || number > 20) {
      throw new ApiError("InvalidParameterValue.Range", "`Number` must be 1..20.");
    }
    String name = p.optString("LoadBalancerName");
    if (name != null) {
      Attributes.text("LoadBalancerName", name, 80);
      if (number > 1) {
        // choice: the reference says the name takes effect only when one instance is created;
        // rather
        // than drop it, the emulator refuses it.
        throw new ApiError(
            "InvalidParameterValue",
            "`LoadBalancerName` takes effect only when one load balancer is created, but `Number` is "
                + number
                + ".");
      }
    }
    String version = addressIpVersion(p, open);

    Networks.Vpc vpc;
    if (p.has("VpcId")) {
      String vpcId = p.optString("VpcId");
      vpc =
          networks
              .vpc(vpcId)
              .orElseThrow(
                  () ->
                      new ApiError(
                          "InvalidParameterValue",
                          "`VpcId` "
                              + vpcId
                              + " does not exist (the emulator's VPCs: "
                              + String.join(
                                  ", ", networks.vpcs().stream().map(Networks.Vpc::vpcId).toList())
                              + ")."));
    } else if (!open) {
      throw new ApiError(
          "MissingParameter",
          "The request is missing a required parameter `VpcId`: an INTERNAL load balancer needs its VPC.");
    } else {
      vpc = networks.defaultVpc();
    }
    boolean takesSubnet = !open || version.equals("IPv6FullChain");
    Networks.Subnet subnet = null;
    if (p.has("SubnetId")) {
      String subnetId = p.optString("SubnetId");
      if (!takesSubnet) {
        throw new ApiError(
            "InvalidParameterValue",
            "`SubnetId` "
                + subnetId
                + " is not supported for an OPEN "
                + version
                + " load balancer (the reference: only INTERNAL and IPv6FullChain instances take a subnet).");
      }
      subnet =
          networks
              .subnet(subnetId)
              .orElseThrow(
                  () ->
                      new ApiError(
                          "InvalidParameterValue", "`SubnetId` " + subnetId + " does not exist."));
      if (!subnet.vpcId().equals(vpc.vpcId())) {
        throw new ApiError(
            "InvalidParameterValue",
            "`SubnetId` "
                + subnetId
                + " belongs to VPC "
                + subnet.vpcId()
                + ", not to "
                + (p.has("VpcId") ? "`VpcId` " : "the default VPC ")
                + vpc.vpcId()
                + ".");
      }
    } else if (takesSubnet) {
      throw new ApiError(
          "MissingParameter",
          "The request is missing a required parameter `SubnetId`: "
              + (open
                  ? "an IPv6FullChain load balancer needs a subnet."
                  : "an INTERNAL load balancer takes its VIP from a subnet."));
    }

    String vip = p.optString("Vip");
    if (vip != null) {
      if (number > 1) {
        throw new ApiError(
            "InvalidParameterValue",
            "`Vip` " + vip + " names one address, but `Number` is " + number + ".");
      }
      if (open && version.equals("IPV6")) {
        throw new ApiError(
            "InvalidParameterValue", "`Vip` is not supported for an IPV6 (NAT64) load balancer.");
      }
      if (open && version.equals("IPv6FullChain")) {
        throw new ApiError(
            "UnsupportedOperation",
            "`Vip` of an IPv6FullChain load balancer is not implemented by the emulator "
                + "(its VIPs are IPv4 loopback addresses).");
      }
    }

    Integer projectId = p.optInt("ProjectId");
    if (projectId != null && projectId < 0) {
      throw new ApiError(
          "InvalidParameterValue.Range", "`ProjectId` must be 0 or more, got " + projectId + ".");
    }

    String zoneId = zone(p, "ZoneId", open, version);
    String masterZoneId = zone(p, "MasterZoneId", open, version);
    String slaveZoneId = zone(p, "SlaveZoneId", open, version);
    if (zoneId != null && masterZoneId != null && !zoneId.equals(masterZoneId)) {
      throw new ApiError(
          "InvalidParameterValue",
          "`ZoneId` " + zoneId + " and `MasterZoneId` " + masterZoneId + " name different zones.");
    }
    String masterZone = masterZoneId != null ? masterZoneId : zoneId;
    if (slaveZoneId != null && masterZoneId == null) {
      throw new ApiError(
          "InvalidParameterValue",
          "`SlaveZoneId` is the backup of a `MasterZoneId`, which is missing.");
    }
    if (slaveZoneId != null && slaveZoneId.equals(masterZoneId)) {
      throw new ApiError(
          "InvalidParameterValue",
          "`SlaveZoneId` must differ from `MasterZoneId` (" + masterZoneId + ").");
    }

    String slaType = oneOf(p.optString("SlaType"), "SlaType", SLA_TYPES);
    String vipIsp = oneOf(p.optString("VipIsp"), "VipIsp", PUBLIC_ISPS);
    if (vipIsp != null && !open) {
      throw new ApiError("InvalidParameterValue", "`VipIsp` applies only to OPEN load balancers.");
    }

    String chargeType = open ? "TRAFFIC_POSTPAID_BY_HOUR" : null;
    Long bandwidth = open ? 10L : null;
    String packageType = null;
    Params internet = p.object("InternetAccessible");
    if (internet != null) {
      if (!open && slaType == null) {
        throw new ApiError(
            "InvalidParameterValue",
            "`InternetAccessible` applies to OPEN load balancers and to INTERNAL ones with a `SlaType`.");
      }
      String givenCharge =
          oneOf(
              internet.optString("InternetChargeType"),
              "InternetAccessible.InternetChargeType",
              INTERNET_CHARGE_TYPES);
      chargeType = givenCharge != null ? givenCharge : chargeType;
      Integer givenBandwidth = internet.optInt("InternetMaxBandwidthOut");
      if (givenBandwidth != null) {
        int max = slaType == null ? 2048 : 61440;
        if (givenBandwidth < 1 || givenBandwidth > max) {
          throw new ApiError(
              "InvalidParameterValue.Range",
              "`InternetAccessible.InternetMaxBandwidthOut` must be 1.."
                  + max
                  + " Mbps"
                  + (slaType == null ? " for a shared instance" : " for a " + slaType + " instance")
                  + ", got "
                  + givenBandwidth
                  + ".");
        }
        bandwidth = givenBandwidth.longValue();
      }
      packageType =
          oneOf(
              internet.optString("BandwidthpkgSubType"),
              "InternetAccessible.BandwidthpkgSubType",
              BANDWIDTH_PACKAGE_TYPES);
      if (packageType != null && !"BANDWIDTH_PACKAGE".equals(chargeType)) {
        throw new ApiError(
            "InvalidParameterValue",
            "`InternetAccessible.BandwidthpkgSubType` needs `InternetChargeType` BANDWIDTH_PACKAGE, got "
                + chargeType
                + ".");
      }
    }
    if (vipIsp != null && !vipIsp.equals("BGP") && !"BANDWIDTH_PACKAGE".equals(chargeType)) {
      throw new ApiError(
          "InvalidParameterValue",
          "`VipIsp` "
              + vipIsp
              + " needs `InternetAccessible.InternetChargeType` BANDWIDTH_PACKAGE, got "
              + chargeType
              + ".");
    }

    String lbChargeType = p.optString("LBChargeType");
    if ("PREPAID".equals(lbChargeType)) {
      throw new ApiError(
          "UnsupportedOperation",
          "`LBChargeType` PREPAID is not implemented by the emulator (instances are POSTPAID_BY_HOUR).");
    }
    if (lbChargeType != null && !lbChargeType.equals("POSTPAID_BY_HOUR")) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`LBChargeType` must be POSTPAID_BY_HOUR or PREPAID, got " + lbChargeType + ".");
    }

    Map<String, String> tags = new LinkedHashMap<>();
    List<Params> tagParams = p.objects("Tags");
    if (tagParams.size() > 20) {
      throw ApiError.tooMany("Tags", 20);
    }
    for (Params tag : tagParams) {
      tags.put(tag.string("TagKey"), tag.string("TagValue"));
    }

    LoadBalancerAttributes attributes =
        new LoadBalancerAttributes(
            vpc.vpcId(),
            subnet == null ? null : subnet.subnetId(),
            Boolean.TRUE.equals(p.optBoolean("SnatPro")),
            version,
            masterZone,
            slaveZoneId,
            open ? (vipIsp == null ? "BGP" : vipIsp) : "INTERNAL",
            chargeType,
            bandwidth,
            packageType,
            projectId == null ? 0 : projectId,
            slaType == null ? "" : slaType,
            Boolean.TRUE.equals(p.optBoolean("LoadBalancerPassToTarget")),
            "POSTPAID_BY_HOUR");
    return new LoadBalancerCreation(type, name, number, tags, attributes, subnet, vip);
  }

  /**
   * IPV4 (default), IPV6 or IPv6FullChain, given in any case; only OPEN load balancers take another
   * than IPV4.
   */
  private static String addressIpVersion(Params p, boolean open) {
    String given = p.optString("AddressIPVersion");
    if (given == null) {
      return "IPV4";
    }
    String version =
        switch (given.toUpperCase(Locale.ROOT)) {
          case "IPV4" -> "IPV4";
          case "IPV6" -> "IPV6";
          case "IPV6FULLCHAIN" -> "IPv6FullChain";
          default ->
              throw new ApiError(
                  "InvalidParameterValue.Range",
                  "`AddressIPVersion` must be IPV4, IPV6 or IPv6FullChain, got " + given + ".");
        };
    if (!open && !version.equals("IPV4")) {
      throw new ApiError(
          "InvalidParameterValue",
          "`AddressIPVersion` " + given + " applies only to OPEN load balancers.");
    }
    return version;
  }

  /**
   * A zone field: a numeric zone id or a zone name, for OPEN IPv4 load balancers only (the
   * reference).
   */
  private static String zone(Params p, String field, boolean open, String version) {
    String zone = p.optString(field);
    if (zone == null) {
      return null;
    }
    if (!ZONE.matcher(zone).matches()) {
      throw new ApiError(
          "InvalidParameterValue",
          "`"
              + field
              + "` must be a zone id such as 100001 or a zone name such as ap-guangzhou-1, got "
              + zone
              + ".");
    }
    if (!open || !version.equals("IPV4")) {
      throw new ApiError(
          "InvalidParameterValue", "`" + field + "` applies only to OPEN IPV4 load balancers.");
    }
    return zone;
  }

  private static String oneOf(String value, String field, Set<String> allowed) {
    if (value != null && !allowed.contains(value)) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`"
              + field
              + "` must be one of "
              + String.join(", ", allowed.stream().sorted().toList())
              + ", got "
              + value
              + ".");
    }
    return value;
  }
}
