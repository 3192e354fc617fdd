package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clbdirect.emulator.Networks.ClusterCidr;
import io.clbdirect.emulator.Networks.Subnet;
import io.clbdirect.emulator.Networks.Vpc;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The account's networks: the defaults, the --networks syntax, and what the constructor refuses.
 */
class NetworksTest {

  @Test
  void defaultsAreTheDocumentedNetworks() {
    Networks networks = Networks.defaults();
    assertThat(networks.defaultVpc())
        .isEqualTo(new Vpc(Networks.DEFAULT_VPC, "127.192.0.0/11", true));
    assertThat(networks.vpc(Networks.CLUSTER_VPC))
        .contains(new Vpc(Networks.CLUSTER_VPC, "127.0.0.0/10", false));
    assertThat(networks.subnet(Networks.DEFAULT_SUBNET))
        .contains(new Subnet(Networks.DEFAULT_SUBNET, Networks.DEFAULT_VPC, "127.192.0.0/16"));
    assertThat(networks.subnet(Networks.CLUSTER_SUBNET))
        .contains(new Subnet(Networks.CLUSTER_SUBNET, Networks.CLUSTER_VPC, "127.60.0.0/16"));
    assertThat(networks.clusterCidrs())
        .containsExactly(new ClusterCidr(Networks.GLOBAL_ROUTER_CIDR, Networks.CLUSTER_VPC));
    assertThat(networks.vpc("vpc-nothere")).isEmpty();
    assertThat(networks.subnet("subnet-nothere")).isEmpty();
    // The usual public VIP octets lie outside every network.
    assertThat(EmulatorConfig.defaults("id", "key").withVipOctet(91).networks())
        .isEqualTo(networks);
  }

  @Test
  void parseReadsEveryKindOfItem() {
    Networks parsed =
        Networks.parse(
            " vpc:vpc-x=127.0.0.0/10, default-vpc:vpc-d=127.192.0.0/11 ,subnet:subnet-a@vpc-x=127.60.0.0/16,"
                + "cluster-cidr:127.128.0.0/10@vpc-x");
    assertThat(parsed.vpcs())
        .containsExactly(
            new Vpc("vpc-x", "127.0.0.0/10", false), new Vpc("vpc-d", "127.192.0.0/11", true));
    assertThat(parsed.subnets()).containsExactly(new Subnet("subnet-a", "vpc-x", "127.60.0.0/16"));
    assertThat(parsed.clusterCidrs()).containsExactly(new ClusterCidr("127.128.0.0/10", "vpc-x"));
    assertThat(parsed.defaultVpc().vpcId()).isEqualTo("vpc-d");
    assertThat(Networks.parse("default-vpc:vpc-only=127.0.0.0/9").subnets()).isEmpty();
  }

  @Test
  void parseRefusesMalformedItems() {
    assertThatThrownBy(() -> Networks.parse("")).hasMessageContaining("default-vpc");
    assertThatThrownBy(() -> Networks.parse("vpc-x=127.0.0.0/10")).hasMessageContaining("no kind");
    assertThatThrownBy(() -> Networks.parse("router:r=127.0.0.0/10"))
        .hasMessageContaining("unknown kind 'router'");
    assertThatThrownBy(() -> Networks.parse("default-vpc:vpc-d")).hasMessageContaining("ID=CIDR");
    assertThatThrownBy(
            () -> Networks.parse("default-vpc:vpc-d=127.0.0.0/10,subnet:subnet-a=127.0.0.0/16"))
        .hasMessageContaining("ID@VPC=CIDR");
    assertThatThrownBy(
            () -> Networks.parse("default-vpc:vpc-d=127.0.0.0/10,cluster-cidr:127.128.0.0/10"))
        .hasMessageContaining("CIDR@VPC");
    assertThatThrownBy(() -> Networks.parse("default-vpc:vpc-d=127.0.0/10"))
        .hasMessageContaining("VPC vpc-d")
        .hasMessageContaining("not an IPv4 CIDR");
  }

  @Test
  void validationNamesWhatIsWrong() {
    Vpc d = new Vpc("vpc-d", "127.192.0.0/11", true);
    Vpc x = new Vpc("vpc-x", "127.0.0.0/10", false);
    assertThatThrownBy(
            () -> new Networks(List.of(new Vpc("vpc-d", "10.0.0.0/8", true)), List.of(), List.of()))
        .hasMessageContaining("vpc-d")
        .hasMessageContaining("not inside 127.0.0.0/8");
    assertThatThrownBy(() -> new Networks(List.of(x), List.of(), List.of()))
        .hasMessageContaining("exactly one VPC must be the default")
        .hasMessageContaining("found 0");
    assertThatThrownBy(
            () ->
                new Networks(
                    List.of(d, new Vpc("vpc-e", "127.0.0.0/10", true)), List.of(), List.of()))
        .hasMessageContaining("found 2");
    assertThatThrownBy(
            () ->
                new Networks(
                    List.of(d, new Vpc("vpc-d", "127.0.0.0/10", false)), List.of(), List.of()))
        .hasMessageContaining("vpc-d is defined twice");
    assertThatThrownBy(
            () ->
                new Networks(
                    List.of(d, x),
                    List.of(new Subnet("vpc-x", "vpc-x", "127.60.0.0/16")),
                    List.of()))
        .hasMessageContaining("vpc-x is defined twice");
    assertThatThrownBy(
            () ->
                new Networks(
                    List.of(d, x),
                    List.of(new Subnet("subnet-a", "vpc-x", "127.64.0.0/16")),
                    List.of()))
        .hasMessageContaining(
            "subnet subnet-a (127.64.0.0/16) is not inside its VPC vpc-x (127.0.0.0/10)");
    assertThatThrownBy(
            () ->
                new Networks(
                    List.of(d, x),
                    List.of(new Subnet("subnet-a", "vpc-y", "127.60.0.0/16")),
                    List.of()))
        .hasMessageContaining("subnet subnet-a names VPC vpc-y, which is not defined");
    assertThatThrownBy(
            () ->
                new Networks(
                    List.of(d, x),
                    List.of(
                        new Subnet("subnet-a", "vpc-x", "127.60.0.0/16"),
                        new Subnet("subnet-b", "vpc-x", "127.60.128.0/17")),
                    List.of()))
        .hasMessageContaining("overlaps subnet subnet-a");
    assertThatThrownBy(
            () ->
                new Networks(
                    List.of(d, new Vpc("vpc-y", "127.200.0.0/16", false)), List.of(), List.of()))
        .hasMessageContaining("VPC vpc-y (127.200.0.0/16) overlaps VPC vpc-d (127.192.0.0/11)");
    assertThatThrownBy(
            () ->
                new Networks(
                    List.of(d, x), List.of(), List.of(new ClusterCidr("127.32.0.0/11", "vpc-x"))))
        .hasMessageContaining("cluster CIDR 127.32.0.0/11 overlaps VPC vpc-x");
    assertThatThrownBy(
            () ->
                new Networks(
                    List.of(d, x), List.of(), List.of(new ClusterCidr("127.128.0.0/10", "vpc-z"))))
        .hasMessageContaining("names VPC vpc-z, which is not defined");
    assertThatThrownBy(
            () ->
                new Networks(
                    List.of(d, x), List.of(), List.of(new ClusterCidr("127.128.0.1/10", "vpc-x"))))
        .hasMessageContaining("not a network address");
    assertThatThrownBy(
            () ->
                new Networks(
                    List.of(d, x),
                    List.of(new Subnet("subnet-a", "vpc-x", "127.60.0.0/31")),
                    List.of()))
        .hasMessageContaining("too small");
  }

  @Test
  void publicVipsMayNotLieInsideANetwork() {
    assertThatThrownBy(() -> EmulatorConfig.defaults("id", "key").withVipOctet(60))
        .hasMessageContaining("127.60.0.0/16")
        .hasMessageContaining("VPC vpc-cluster1");
    assertThatThrownBy(() -> EmulatorConfig.defaults("id", "key").withVipOctet(130))
        .hasMessageContaining("cluster CIDR 127.128.0.0/10");
    assertThat(
            EmulatorConfig.defaults("id", "key")
                .withNetworks(Networks.parse("default-vpc:vpc-d=127.0.0.0/10"))
                .withVipOctet(200)
                .networks()
                .defaultVpc()
                .vpcId())
        .isEqualTo("vpc-d");
  }

  @Test
  void cidrArithmetic() {
    Cidr block = Cidr.parse("127.60.0.0/16");
    assertThat(block.contains("127.60.255.255")).isTrue();
    assertThat(block.contains("127.61.0.0")).isFalse();
    assertThat(block.contains("not-an-ip")).isFalse();
    assertThat(block.contains("127.60.0.256")).isFalse();
    assertThat(Cidr.format(block.last())).isEqualTo("127.60.255.255");
    assertThat(block.size()).isEqualTo(65536);
    assertThat(Cidr.parse("127.0.0.0/10").contains(block)).isTrue();
    assertThat(Cidr.parse("127.0.0.0/8").toString()).isEqualTo("127.0.0.0/8");
  }
}
