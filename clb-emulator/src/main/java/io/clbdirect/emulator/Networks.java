package io.clbdirect.emulator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The emulated account's networks: VPCs with their subnets, and the Pod CIDRs of GlobalRouter
 * clusters routed inside a VPC. Everything lies inside 127.0.0.0/8, so VIPs handed out from a
 * subnet are real loopback addresses the data path can listen on. CreateLoadBalancer places a load
 * balancer in a VPC (and an internal one in a subnet); RegisterTargets accepts an EniIp only inside
 * the load balancer's VPC, or, with SnatPro, inside any of these networks.
 *
 * <p>The emulator has one loopback address space, so VPCs and cluster CIDRs may not overlap one
 * another (real VPCs may reuse a range; here an address must say which network it is in).
 *
 * @param vpcs exactly one of them {@code isDefault} (where CreateLoadBalancer without VpcId puts
 *     the instance)
 * @param subnets each inside its VPC's CIDR, not overlapping the other subnets of that VPC
 * @param clusterCidrs Pod CIDRs of GlobalRouter clusters, each routed inside a VPC but in no subnet
 */
public record Networks(List<Vpc> vpcs, List<Subnet> subnets, List<ClusterCidr> clusterCidrs) {

  public record Vpc(String vpcId, String cidr, boolean isDefault) {}

  public record Subnet(String subnetId, String vpcId, String cidr) {}

  /** A GlobalRouter cluster's Pod CIDR, routed inside vpcId but not part of any subnet. */
  public record ClusterCidr(String cidr, String vpcId) {}

  public static final String DEFAULT_VPC = "vpc-default1"; // 127.192.0.0/11, IsDefault
  public static final String DEFAULT_SUBNET = "subnet-default1"; // 127.192.0.0/16
  public static final String CLUSTER_VPC = "vpc-cluster1"; // 127.0.0.0/10
  public static final String CLUSTER_SUBNET =
      "subnet-cluster1"; // 127.60.0.0/16 (internal VIPs come from here)
  public static final String GLOBAL_ROUTER_CIDR = "127.128.0.0/10"; // routed in vpc-cluster1

  private static final Cidr LOOPBACK = Cidr.parse("127.0.0.0/8");

  public Networks {
    Objects.requireNonNull(vpcs, "vpcs");
    Objects.requireNonNull(subnets, "subnets");
    Objects.requireNonNull(clusterCidrs, "clusterCidrs");
    vpcs = List.copyOf(vpcs);
    subnets = List.copyOf(subnets);
    clusterCidrs = List.copyOf(clusterCidrs);
    Set<String> ids = new HashSet<>();
    List<Cidr> vpcBlocks = new ArrayList<>();
    for (Vpc vpc : vpcs) {
      requireId(vpc.vpcId(), "VPC", ids);
      Cidr block = loopback(vpc.cidr(), "VPC " + vpc.vpcId());
      for (int i = 0; i < vpcBlocks.size(); i++) {
        if (vpcBlocks.get(i).overlaps(block)) {
          throw new IllegalArgumentException(
              "VPC "
                  + vpc.vpcId()
                  + " ("
                  + block
                  + ") overlaps VPC "
                  + vpcs.get(i).vpcId()
                  + " ("
                  + vpcBlocks.get(i)
                  + "): the emulator's networks share one loopback range, so they may not overlap");
        }
      }
      vpcBlocks.add(block);
    }
    long defaults = vpcs.stream().filter(Vpc::isDefault).count();
    if (defaults != 1) {
      throw new IllegalArgumentException(
          "exactly one VPC must be the default VPC (where CreateLoadBalancer without VpcId lands), found "
              + defaults);
    }
    List<Cidr> subnetBlocks = new ArrayList<>();
    for (Subnet subnet : subnets) {
      requireId(subnet.subnetId(), "subnet", ids);
      Cidr block = loopback(subnet.cidr(), "subnet " + subnet.subnetId());
      int vpcIndex = indexOfVpc(vpcs, subnet.vpcId());
      if (vpcIndex < 0) {
        throw new IllegalArgumentException(
            "subnet "
                + subnet.subnetId()
                + " names VPC "
                + subnet.vpcId()
                + ", which is not defined");
      }
      if (!vpcBlocks.get(vpcIndex).contains(block)) {
        throw new IllegalArgumentException(
            "subnet "
                + subnet.subnetId()
                + " ("
                + block
                + ") is not inside its VPC "
                + subnet.vpcId()
                + " ("
                + vpcBlocks.get(vpcIndex)
                + ")");
      }
      if (block.prefix() > 30) {
        throw new IllegalArgumentException(
            "subnet "
                + subnet.subnetId()
                + " ("
                + block
                + ") is too small: a subnet needs a /30 or larger");
      }
      for (int i = 0; i < subnetBlocks.size(); i++) {
        if (subnets.get(i).vpcId().equals(subnet.vpcId()) && subnetBlocks.get(i).overlaps(block)) {
          throw new IllegalArgumentException(
              "subnet "
                  + subnet.subnetId()
                  + " ("
                  + block
                  + ") overlaps subnet "
                  + subnets.get(i).subnetId()
                  + " ("
                  + subnetBlocks.get(i)
                  + ") in VPC "
                  + subnet.vpcId());
        }
      }
      subnetBlocks.add(block);
    }
    List<Cidr> clusterBlocks = new ArrayList<>();
    for (ClusterCidr cluster : clusterCidrs) {
      Objects.requireNonNull(cluster, "cluster CIDR");
      Cidr block = loopback(cluster.cidr(), "cluster CIDR " + cluster.cidr());
      if (indexOfVpc(vpcs, cluster.vpcId()) < 0) {
        throw new IllegalArgumentException(
            "cluster CIDR " + block + " names VPC " + cluster.vpcId() + ", which is not defined");
      }
      for (int i = 0; i < vpcBlocks.size(); i++) {
        if (vpcBlocks.get(i).overlaps(block)) {
          throw new IllegalArgumentException(
              "cluster CIDR "
                  + block
                  + " overlaps VPC "
                  + vpcs.get(i).vpcId()
                  + " ("
                  + vpcBlocks.get(i)
                  + "): a GlobalRouter Pod CIDR lies outside every VPC range");
        }
      }
      for (Cidr other : clusterBlocks) {
        if (other.overlaps(block)) {
          throw new IllegalArgumentException(
              "cluster CIDR " + block + " overlaps cluster CIDR " + other);
        }
      }
      clusterBlocks.add(block);
    }
  }

  /** Exactly the networks documented on the constants above. */
  public static Networks defaults() {
    return new Networks(
        List.of(
            new Vpc(DEFAULT_VPC, "127.192.0.0/11", true),
            new Vpc(CLUSTER_VPC, "127.0.0.0/10", false)),
        List.of(
            new Subnet(DEFAULT_SUBNET, DEFAULT_VPC, "127.192.0.0/16"),
            new Subnet(CLUSTER_SUBNET, CLUSTER_VPC, "127.60.0.0/16")),
        List.of(new ClusterCidr(GLOBAL_ROUTER_CIDR, CLUSTER_VPC)));
  }

  /**
   * The networks a {@code --networks} flag describes: comma-separated items, each one of
   *
   * <ul>
   *   <li>{@code default-vpc:ID=CIDR} – the default VPC (exactly one);
   *   <li>{@code vpc:ID=CIDR} – another VPC;
   *   <li>{@code subnet:ID@VPC=CIDR} – a subnet of VPC;
   *   <li>{@code cluster-cidr:CIDR@VPC} – a GlobalRouter cluster's Pod CIDR routed in VPC.
   * </ul>
   *
   * For example {@code
   * default-vpc:vpc-d=127.192.0.0/11,vpc:vpc-x=127.0.0.0/10,subnet:subnet-a@vpc-x=127.60.0.0/16,cluster-cidr:127.128.0.0/10@vpc-x}.
   * The spec replaces the defaults entirely.
   */
  public static Networks parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(
          "an empty network spec: give at least default-vpc:ID=CIDR");
    }
    List<Vpc> vpcs = new ArrayList<>();
    List<Subnet> subnets = new ArrayList<>();
    List<ClusterCidr> clusters = new ArrayList<>();
    for (String raw : spec.split(",")) {
      String item = raw.trim();
      int colon = item.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "network item '"
                + item
                + "' has no kind: use default-vpc:, vpc:, subnet: or cluster-cidr:");
      }
      String kind = item.substring(0, colon);
      String rest = item.substring(colon + 1);
      switch (kind) {
        case "vpc", "default-vpc" -> {
          String[] idCidr = split(rest, '=', item, "ID=CIDR");
          vpcs.add(new Vpc(idCidr[0], idCidr[1], kind.equals("default-vpc")));
        }
        case "subnet" -> {
          String[] nameCidr = split(rest, '=', item, "ID@VPC=CIDR");
          String[] idVpc = split(nameCidr[0], '@', item, "ID@VPC=CIDR");
          subnets.add(new Subnet(idVpc[0], idVpc[1], nameCidr[1]));
        }
        case "cluster-cidr" -> {
          String[] cidrVpc = split(rest, '@', item, "CIDR@VPC");
          clusters.add(new ClusterCidr(cidrVpc[0], cidrVpc[1]));
        }
        default ->
            throw new IllegalArgumentException(
                "network item '"
                    + item
                    + "': unknown kind '"
                    + kind
                    + "' (use default-vpc, vpc, subnet or cluster-cidr)");
      }
    }
    return new Networks(vpcs, subnets, clusters);
  }

  public Optional<Vpc> vpc(String id) {
    return vpcs.stream().filter(v -> v.vpcId().equals(id)).findFirst();
  }

  public Optional<Subnet> subnet(String id) {
    return subnets.stream().filter(s -> s.subnetId().equals(id)).findFirst();
  }

  public Vpc defaultVpc() {
    return vpcs.stream().filter(Vpc::isDefault).findFirst().orElseThrow();
  }

  private static String[] split(String text, char separator, String item, String shape) {
    int at = text.indexOf(separator);
    if (at <= 0 || at == text.length() - 1) {
      throw new IllegalArgumentException("network item '" + item + "' must look like " + shape);
    }
    return new String[] {text.substring(0, at).trim(), text.substring(at + 1).trim()};
  }

  private static void requireId(String id, String what, Set<String> ids) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("a " + what + " without an id");
    }
    if (!ids.add(id)) {
      throw new IllegalArgumentException("network id " + id + " is defined twice");
    }
  }

  private static Cidr loopback(String cidr, String what) {
    Cidr block;
    try {
      block = Cidr.parse(cidr);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
    if (!LOOPBACK.contains(block)) {
      throw new IllegalArgumentException(
          what
              + ": "
              + block
              + " is not inside 127.0.0.0/8 (the emulator only uses loopback addresses)");
    }
    return block;
  }

  private static int indexOfVpc(List<Vpc> vpcs, String id) {
    for (int i = 0; i < vpcs.size(); i++) {
      if (vpcs.get(i).vpcId().equals(id)) {
        return i;
      }
    }
    return -1;
  }
}
