package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.clb.v20180317.models.*;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * CreateLoadBalancer against the account's networks (default VPC, subnets, internal VIPs) and the
 * creation attributes DescribeLoadBalancers reports; which EniIp a load balancer may bind, with and
 * without SnatPro.
 */
class LoadBalancerNetworksTest extends EmulatorFixture {

  static CreateLoadBalancerRequest request(String type) {
    CreateLoadBalancerRequest request = new CreateLoadBalancerRequest();
    request.setLoadBalancerType(type);
    return request;
  }

  String create(CreateLoadBalancerRequest request) throws Exception {
    CreateLoadBalancerResponse response = client.CreateLoadBalancer(request);
    assertThat(await(response.getRequestId())).isZero();
    return response.getLoadBalancerIds()[0];
  }

  LoadBalancer describe(String lb) throws Exception {
    DescribeLoadBalancersRequest describe = new DescribeLoadBalancersRequest();
    describe.setLoadBalancerIds(new String[] {lb});
    return client.DescribeLoadBalancers(describe).getLoadBalancerSet()[0];
  }

  RegisterTargetsRequest register(String lb, String listener, Target... targets) {
    RegisterTargetsRequest register = new RegisterTargetsRequest();
    register.setLoadBalancerId(lb);
    register.setListenerId(listener);
    register.setTargets(targets);
    return register;
  }

  @Test
  void withoutVpcIdAnOpenLoadBalancerLandsInTheDefaultVpc() throws Exception {
    LoadBalancer lb = describe(create(request("OPEN")));
    assertThat(lb.getVpcId()).isEqualTo(Networks.DEFAULT_VPC);
    assertThat(lb.getSubnetId()).isEmpty();
    assertThat(lb.getLoadBalancerVips()[0]).startsWith("127.91.");
    assertThat(lb.getSnatPro()).isFalse();
    assertThat(lb.getAddressIPVersion()).isEqualTo("ipv4");
    assertThat(lb.getVipIsp()).isEqualTo("BGP");
    assertThat(lb.getProjectId()).isZero();
    assertThat(lb.getSlaType()).isEmpty();
    assertThat(lb.getChargeType()).isEqualTo("POSTPAID_BY_HOUR");
    assertThat(lb.getNetworkAttributes().getInternetChargeType())
        .isEqualTo("TRAFFIC_POSTPAID_BY_HOUR");
    assertThat(lb.getNetworkAttributes().getInternetMaxBandwidthOut()).isEqualTo(10L);
    assertThat(lb.getLoadBalancerPassToTarget()).isFalse();
    assertThat(lb.getTargetCount())
        .as("an AdditionalFields field, absent unless asked for")
        .isNull();
  }

  @Test
  void anInternalLoadBalancerNeedsItsVpcAndSubnetAndTakesItsVipFromTheSubnet() throws Exception {
    assertError(() -> client.CreateLoadBalancer(request("INTERNAL")), "MissingParameter", "VpcId");
    CreateLoadBalancerRequest noSubnet = request("INTERNAL");
    noSubnet.setVpcId(Networks.CLUSTER_VPC);
    assertError(() -> client.CreateLoadBalancer(noSubnet), "MissingParameter", "SubnetId");

    CreateLoadBalancerRequest internal = request("INTERNAL");
    internal.setVpcId(Networks.CLUSTER_VPC);
    internal.setSubnetId(Networks.CLUSTER_SUBNET);
    internal.setNumber(2L);
    CreateLoadBalancerResponse created = client.CreateLoadBalancer(internal);
    assertThat(await(created.getRequestId())).isZero();
    LoadBalancer first = describe(created.getLoadBalancerIds()[0]);
    LoadBalancer second = describe(created.getLoadBalancerIds()[1]);
    assertThat(first.getLoadBalancerVips()).containsExactly("127.60.0.2");
    assertThat(second.getLoadBalancerVips()).containsExactly("127.60.0.3");
    assertThat(first.getVpcId()).isEqualTo(Networks.CLUSTER_VPC);
    assertThat(first.getSubnetId()).isEqualTo(Networks.CLUSTER_SUBNET);
    assertThat(first.getVipIsp()).isEqualTo("INTERNAL");
    assertThat(first.getNetworkAttributes()).isNull();
    assertThat(first.getDomain()).isEmpty();

    Quota internalQuota = null;
    for (Quota quota : client.DescribeQuota(new DescribeQuotaRequest()).getQuotaSet()) {
      if (quota.getQuotaId().equals("TOTAL_INTERNAL_CLB_QUOTA")) {
        internalQuota = quota;
      }
    }
    assertThat(internalQuota.getQuotaCurrent()).isEqualTo(2L);

    CreateLoadBalancerRequest chosen = request("INTERNAL");
    chosen.setVpcId(Networks.CLUSTER_VPC);
    chosen.setSubnetId(Networks.CLUSTER_SUBNET);
    chosen.setVip("127.60.7.7");
    assertThat(describe(create(chosen)).getLoadBalancerVips()).containsExactly("127.60.7.7");
    assertError(() -> client.CreateLoadBalancer(chosen), "ResourceInUse", "127.60.7.7");
    chosen.setVip("127.61.0.9");
    assertError(
        () -> client.CreateLoadBalancer(chosen),
        "InvalidParameterValue",
        "not inside subnet subnet-cluster1");
    chosen.setVip("127.60.0.1");
    assertError(() -> client.CreateLoadBalancer(chosen), "InvalidParameterValue", "reserved");
  }

  @Test
  void unknownVpcOrSubnetAndASubnetOfAnotherVpcAreRefusedByName() throws Exception {
    CreateLoadBalancerRequest unknownVpc = request("OPEN");
    unknownVpc.setVpcId("vpc-nothere");
    assertError(
        () -> client.CreateLoadBalancer(unknownVpc), "InvalidParameterValue", "vpc-nothere");

    CreateLoadBalancerRequest unknownSubnet = request("INTERNAL");
    unknownSubnet.setVpcId(Networks.CLUSTER_VPC);
    unknownSubnet.setSubnetId("subnet-nothere");
    assertError(
        () -> client.CreateLoadBalancer(unknownSubnet), "InvalidParameterValue", "subnet-nothere");

    CreateLoadBalancerRequest otherVpc = request("INTERNAL");
    otherVpc.setVpcId(Networks.CLUSTER_VPC);
    otherVpc.setSubnetId(Networks.DEFAULT_SUBNET);
    assertError(
        () -> client.CreateLoadBalancer(otherVpc),
        "InvalidParameterValue",
        "`SubnetId` subnet-default1 belongs to VPC vpc-default1, not to `VpcId` vpc-cluster1");

    CreateLoadBalancerRequest openWithSubnet = request("OPEN");
    openWithSubnet.setSubnetId(Networks.DEFAULT_SUBNET);
    assertError(
        () -> client.CreateLoadBalancer(openWithSubnet), "InvalidParameterValue", "SubnetId");
  }

  @Test
  void aTcpConnectionThroughAnInternalVipReachesTheBackend() throws Exception {
    CreateLoadBalancerRequest internal = request("INTERNAL");
    internal.setVpcId(Networks.CLUSTER_VPC);
    internal.setSubnetId(Networks.CLUSTER_SUBNET);
    String lb = create(internal);
    String vip = vip(lb);
    assertThat(Cidr.parse("127.60.0.0/16").contains(vip)).isTrue();
    int vipPort;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName(vip))) {
      vipPort = free.getLocalPort();
    }
    String listener = createListener(lb, "TCP", vipPort, tcpCheck());
    int port = backend("inside", "127.0.0.1");
    assertThat(
            await(
                client.RegisterTargets(register(lb, listener, eni("127.0.0.1", port, 10L)))
                    .getRequestId()))
        .isZero();
    awaitHealth(lb, "127.0.0.1", port, "Alive");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(vip, vipPort), 2000);
      socket.setSoTimeout(2000);
      InputStream in = socket.getInputStream();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim()).isEqualTo("inside");
    }
  }

  @Test
  void anEniIpOutsideTheVpcNeedsSnatProAndAKnownNetwork() throws Exception {
    String plain = createLoadBalancer("plain");
    String plainListener = createListener(plain, "TCP", 80, null);
    // 127.128.0.5 is a GlobalRouter Pod address: routed in the cluster VPC but outside its CIDR.
    assertError(
        () ->
            client.RegisterTargets(
                register(
                    plain,
                    plainListener,
                    eni("127.0.0.1", 8080, 10L),
                    eni("127.128.0.5", 8080, 10L))),
        "InvalidParameter",
        "EniIp 127.128.0.5 of load balancer "
            + plain
            + " is outside the load balancer's VPC vpc-cluster1 (127.0.0.0/10)"
            + " and SnatPro is off");
    assertError(
        () -> client.RegisterTargets(register(plain, plainListener, eni("127.192.0.9", 8080, 10L))),
        "InvalidParameter",
        "SnatPro is off");
    DescribeTargetsRequest targets = new DescribeTargetsRequest();
    targets.setLoadBalancerId(plain);
    assertThat(client.DescribeTargets(targets).getListeners()[0].getTargets())
        .as("a refused call binds nothing")
        .isEmpty();

    BatchTarget inside = new BatchTarget();
    inside.setListenerId(plainListener);
    inside.setEniIp("127.0.0.1");
    inside.setPort(8080L);
    BatchTarget outside = new BatchTarget();
    outside.setListenerId(plainListener);
    outside.setEniIp("127.128.0.5");
    outside.setPort(8080L);
    BatchRegisterTargetsRequest batch = new BatchRegisterTargetsRequest();
    batch.setLoadBalancerId(plain);
    batch.setTargets(new BatchTarget[] {inside, outside});
    assertError(() -> client.BatchRegisterTargets(batch), "InvalidParameter", "127.128.0.5");
    assertThat(client.DescribeTargets(targets).getListeners()[0].getTargets())
        .as("the whole batch is refused")
        .isEmpty();

    Target instance = new Target();
    instance.setInstanceId("ins-anywhere");
    instance.setPort(8080L);
    assertThat(
            await(client.RegisterTargets(register(plain, plainListener, instance)).getRequestId()))
        .as("InstanceId is not checked")
        .isZero();

    CreateLoadBalancerRequest snat = request("OPEN");
    snat.setVpcId(Networks.CLUSTER_VPC);
    snat.setSnatPro(true);
    String withSnat = create(snat);
    assertThat(describe(withSnat).getSnatPro()).isTrue();
    String snatListener = createListener(withSnat, "TCP", 80, null);
    assertThat(
            await(
                client.RegisterTargets(
                        register(
                            withSnat,
                            snatListener,
                            eni("127.128.0.5", 8080, 10L),
                            eni("127.192.0.9", 8080, 10L),
                            eni("127.0.0.1", 8080, 10L)))
                    .getRequestId()))
        .isZero();
    assertError(
        () ->
            client.RegisterTargets(register(withSnat, snatListener, eni("127.100.0.1", 8080, 10L))),
        "InvalidParameter",
        "EniIp 127.100.0.1 of load balancer "
            + withSnat
            + " is outside the load balancer's VPC vpc-cluster1 (127.0.0.0/10) and in no other");
    assertError(
        () -> client.RegisterTargets(register(withSnat, snatListener, eni("10.0.0.7", 8080, 10L))),
        "InvalidParameter",
        "10.0.0.7");
    batch.setLoadBalancerId(withSnat);
    inside.setListenerId(snatListener);
    outside.setListenerId(snatListener);
    outside.setPort(9090L);
    assertThat(client.BatchRegisterTargets(batch).getFailListenerIdSet()).isEmpty();

    // Deregistering is never checked: a target bound before is always removable.
    DeregisterTargetsRequest deregister = new DeregisterTargetsRequest();
    deregister.setLoadBalancerId(withSnat);
    deregister.setListenerId(snatListener);
    deregister.setTargets(new Target[] {eni("127.128.0.5", 8080, null)});
    assertThat(await(client.DeregisterTargets(deregister).getRequestId())).isZero();
  }

  @Test
  void creationAttributesAreStoredAndReported() throws Exception {
    CreateLoadBalancerRequest open = request("OPEN");
    open.setVpcId(Networks.CLUSTER_VPC);
    open.setLoadBalancerName("attributes");
    open.setMasterZoneId("ap-guangzhou-3");
    open.setSlaveZoneId("ap-guangzhou-4");
    open.setVipIsp("CMCC");
    InternetAccessible internet = new InternetAccessible();
    internet.setInternetChargeType("BANDWIDTH_PACKAGE");
    internet.setInternetMaxBandwidthOut(4000L);
    internet.setBandwidthpkgSubType("SINGLEISP_CMCC");
    open.setInternetAccessible(internet);
    open.setProjectId(7L);
    open.setSlaType("clb.c3.small");
    open.setLoadBalancerPassToTarget(true);
    open.setVip("127.91.200.9");
    open.setLBChargeType("POSTPAID_BY_HOUR");
    String id = create(open);
    LoadBalancer lb = describe(id);
    assertThat(lb.getLoadBalancerName()).isEqualTo("attributes");
    assertThat(lb.getMasterZone().getZone()).isEqualTo("ap-guangzhou-3");
    assertThat(lb.getMasterZone().getZoneRegion()).isEqualTo("ap-guangzhou");
    assertThat(lb.getBackupZoneSet())
        .extracting(ZoneInfo::getZone)
        .containsExactly("ap-guangzhou-4");
    assertThat(lb.getVipIsp()).isEqualTo("CMCC");
    assertThat(lb.getNetworkAttributes().getInternetChargeType()).isEqualTo("BANDWIDTH_PACKAGE");
    assertThat(lb.getNetworkAttributes().getInternetMaxBandwidthOut()).isEqualTo(4000L);
    assertThat(lb.getNetworkAttributes().getBandwidthpkgSubType()).isEqualTo("SINGLEISP_CMCC");
    assertThat(lb.getProjectId()).isEqualTo(7L);
    assertThat(lb.getSlaType()).isEqualTo("clb.c3.small");
    assertThat(lb.getLoadBalancerPassToTarget()).isTrue();
    assertThat(lb.getLoadBalancerVips()).containsExactly("127.91.200.9");
    assertThat(lb.getDomain()).isEqualTo(id + ".clb.emulator.invalid");

    CreateLoadBalancerRequest zoned = request("OPEN");
    zoned.setZoneId("100003");
    assertThat(describe(create(zoned)).getMasterZone().getZoneId()).isEqualTo(100003L);

    CreateLoadBalancerRequest v6 = request("OPEN");
    v6.setAddressIPVersion("ipv6fullchain");
    assertError(() -> client.CreateLoadBalancer(v6), "MissingParameter", "SubnetId");
    v6.setSubnetId(Networks.DEFAULT_SUBNET);
    LoadBalancer fullChain = describe(create(v6));
    assertThat(fullChain.getAddressIPVersion()).isEqualTo("ipv6");
    assertThat(fullChain.getIPv6Mode()).isEqualTo("IPv6FullChain");
    assertThat(fullChain.getSubnetId()).isEqualTo(Networks.DEFAULT_SUBNET);
    assertThat(fullChain.getLoadBalancerVips()[0])
        .as("the VIP stays an IPv4 loopback address")
        .startsWith("127.91.");

    CreateLoadBalancerRequest nat64 = request("OPEN");
    nat64.setAddressIPVersion("IPV6");
    assertThat(describe(create(nat64)).getIPv6Mode()).isEqualTo("IPv6Nat64");
  }

  @Test
  void creationValuesOutsideTheReferenceAreRefusedByName() {
    CreateLoadBalancerRequest r = request("OPEN");
    r.setSlaType("clb.c9.huge");
    assertError(() -> client.CreateLoadBalancer(r), "InvalidParameterValue.Range", "SlaType");
    CreateLoadBalancerRequest isp = request("OPEN");
    isp.setVipIsp("CMCC");
    assertError(() -> client.CreateLoadBalancer(isp), "InvalidParameterValue", "BANDWIDTH_PACKAGE");
    CreateLoadBalancerRequest internalIsp = request("INTERNAL");
    internalIsp.setVpcId(Networks.CLUSTER_VPC);
    internalIsp.setSubnetId(Networks.CLUSTER_SUBNET);
    internalIsp.setVipIsp("BGP");
    assertError(() -> client.CreateLoadBalancer(internalIsp), "InvalidParameterValue", "VipIsp");
    CreateLoadBalancerRequest bandwidth = request("OPEN");
    InternetAccessible tooMuch = new InternetAccessible();
    tooMuch.setInternetMaxBandwidthOut(4000L);
    bandwidth.setInternetAccessible(tooMuch);
    assertError(
        () -> client.CreateLoadBalancer(bandwidth),
        "InvalidParameterValue.Range",
        "InternetMaxBandwidthOut");
    CreateLoadBalancerRequest charge = request("OPEN");
    InternetAccessible unknownCharge = new InternetAccessible();
    unknownCharge.setInternetChargeType("FREE");
    charge.setInternetAccessible(unknownCharge);
    assertError(
        () -> client.CreateLoadBalancer(charge),
        "InvalidParameterValue.Range",
        "InternetChargeType");
    CreateLoadBalancerRequest version = request("OPEN");
    version.setAddressIPVersion("IPV5");
    assertError(
        () -> client.CreateLoadBalancer(version),
        "InvalidParameterValue.Range",
        "AddressIPVersion");
    CreateLoadBalancerRequest zone = request("OPEN");
    zone.setZoneId("guangzhou");
    assertError(() -> client.CreateLoadBalancer(zone), "InvalidParameterValue", "ZoneId");
    CreateLoadBalancerRequest slave = request("OPEN");
    slave.setSlaveZoneId("ap-guangzhou-4");
    assertError(() -> client.CreateLoadBalancer(slave), "InvalidParameterValue", "MasterZoneId");
    CreateLoadBalancerRequest named = request("OPEN");
    named.setNumber(2L);
    named.setLoadBalancerName("two");
    assertError(
        () -> client.CreateLoadBalancer(named), "InvalidParameterValue", "LoadBalancerName");
    CreateLoadBalancerRequest forward = request("OPEN");
    forward.setForward(0L);
    assertError(() -> client.CreateLoadBalancer(forward), "InvalidParameterValue.Range", "Forward");
    CreateLoadBalancerRequest prepaid = request("OPEN");
    prepaid.setLBChargeType("PREPAID");
    assertError(() -> client.CreateLoadBalancer(prepaid), "UnsupportedOperation", "LBChargeType");
    CreateLoadBalancerRequest egress = request("OPEN");
    egress.setEgress("default");
    assertError(() -> client.CreateLoadBalancer(egress), "UnsupportedOperation", "Egress");
    CreateLoadBalancerRequest snatIps = request("OPEN");
    SnatIp snatIp = new SnatIp();
    snatIp.setSubnetId(Networks.CLUSTER_SUBNET);
    snatIps.setSnatIps(new SnatIp[] {snatIp});
    assertError(() -> client.CreateLoadBalancer(snatIps), "UnsupportedOperation", "SnatIps");
    CreateLoadBalancerRequest publicVip = request("OPEN");
    publicVip.setVip("127.60.0.9");
    assertError(
        () -> client.CreateLoadBalancer(publicVip), "InvalidParameterValue", "127.91.0.0/16");
  }
}
