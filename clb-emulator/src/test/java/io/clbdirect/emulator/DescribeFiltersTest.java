package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.clb.v20180317.models.*;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every documented request filter of DescribeLoadBalancers, DescribeTargets and DescribeListeners,
 * each with a value that matches and one that does not: a filter that matches nothing must return
 * nothing, so a client looking up its own load balancer by a filter never gets someone else's.
 */
class DescribeFiltersTest extends EmulatorFixture {

  String a;
  String b;
  String c;
  String aListener;

  @BeforeEach
  void threeLoadBalancers() throws Exception {
    CreateLoadBalancerRequest first = new CreateLoadBalancerRequest();
    first.setLoadBalancerType("OPEN");
    first.setVpcId(Networks.CLUSTER_VPC);
    first.setLoadBalancerName("web-a");
    first.setTags(new TagInfo[] {tag("team", "a"), tag("env", "prod")});
    first.setProjectId(1L);
    first.setZoneId("100001");
    first.setSlaType("clb.c2.medium");
    a = create(first);

    CreateLoadBalancerRequest second = new CreateLoadBalancerRequest();
    second.setLoadBalancerType("OPEN");
    second.setLoadBalancerName("web-b");
    second.setTags(new TagInfo[] {tag("team", "b")});
    second.setProjectId(2L);
    second.setVipIsp("CMCC");
    InternetAccessible internet = new InternetAccessible();
    internet.setInternetChargeType("BANDWIDTH_PACKAGE");
    second.setInternetAccessible(internet);
    b = create(second);

    CreateLoadBalancerRequest third = new CreateLoadBalancerRequest();
    third.setLoadBalancerType("INTERNAL");
    third.setVpcId(Networks.CLUSTER_VPC);
    third.setSubnetId(Networks.CLUSTER_SUBNET);
    third.setLoadBalancerName("db");
    c = create(third);

    aListener = createListener(a, "TCP", 80, null);
    RegisterTargetsRequest register = new RegisterTargetsRequest();
    register.setLoadBalancerId(a);
    register.setListenerId(aListener);
    register.setTargets(new Target[] {eni("127.0.0.1", 8080, 10L)});
    assertThat(await(client.RegisterTargets(register).getRequestId())).isZero();
  }

  String create(CreateLoadBalancerRequest request) throws Exception {
    CreateLoadBalancerResponse response = client.CreateLoadBalancer(request);
    assertThat(await(response.getRequestId())).isZero();
    return response.getLoadBalancerIds()[0];
  }

  static TagInfo tag(String key, String value) {
    TagInfo tag = new TagInfo();
    tag.setTagKey(key);
    tag.setTagValue(value);
    return tag;
  }

  static Filter filter(String name, String... values) {
    Filter filter = new Filter();
    filter.setName(name);
    filter.setValues(values);
    return filter;
  }

  /** The ids DescribeLoadBalancers returns for the request {@code setup} builds, in order. */
  List<String> ids(Consumer<DescribeLoadBalancersRequest> setup) throws Exception {
    DescribeLoadBalancersRequest request = new DescribeLoadBalancersRequest();
    setup.accept(request);
    DescribeLoadBalancersResponse response = client.DescribeLoadBalancers(request);
    List<String> ids =
        Arrays.stream(response.getLoadBalancerSet()).map(LoadBalancer::getLoadBalancerId).toList();
    if (request.getOffset() == null && request.getLimit() == null) {
      assertThat(response.getTotalCount()).isEqualTo(ids.size());
    }
    return ids;
  }

  List<String> byFilters(Filter... filters) throws Exception {
    return ids(r -> r.setFilters(filters));
  }

  void refused(Consumer<DescribeLoadBalancersRequest> setup, String code, String named) {
    DescribeLoadBalancersRequest request = new DescribeLoadBalancersRequest();
    setup.accept(request);
    assertError(() -> client.DescribeLoadBalancers(request), code, named);
  }

  @Test
  void requestFieldsOfDescribeLoadBalancers() throws Exception {
    assertThat(ids(r -> {})).as("newest first by default").containsExactly(c, b, a);
    assertThat(ids(r -> r.setLoadBalancerIds(new String[] {a}))).containsExactly(a);
    assertThat(ids(r -> r.setLoadBalancerIds(new String[] {"lb-nothere"}))).isEmpty();
    assertThat(ids(r -> r.setLoadBalancerType("INTERNAL"))).containsExactly(c);
    assertThat(ids(r -> r.setLoadBalancerType("OPEN"))).containsExactly(b, a);
    refused(
        r -> r.setLoadBalancerType("PUBLIC"), "InvalidParameterValue.Range", "LoadBalancerType");
    assertThat(ids(r -> r.setForward(1L))).containsExactly(c, b, a);
    assertThat(ids(r -> r.setForward(0L))).as("no classic load balancers").isEmpty();
    refused(r -> r.setForward(2L), "InvalidParameterValue.Range", "Forward");
    assertThat(ids(r -> r.setLoadBalancerName("web")))
        .as("fuzzy: a substring")
        .containsExactly(b, a);
    assertThat(ids(r -> r.setLoadBalancerName("web-a"))).containsExactly(a);
    assertThat(ids(r -> r.setLoadBalancerName("Web-A"))).as("case-sensitive").isEmpty();
    assertThat(ids(r -> r.setDomain(a + ".clb.emulator.invalid"))).containsExactly(a);
    assertThat(ids(r -> r.setDomain("clb.emulator")))
        .as("INTERNAL has no domain")
        .containsExactly(b, a);
    assertThat(ids(r -> r.setDomain("example.com"))).isEmpty();
    assertThat(ids(r -> r.setLoadBalancerVips(new String[] {"127.60.0.2"}))).containsExactly(c);
    assertThat(ids(r -> r.setLoadBalancerVips(new String[] {"127.1.2.3"}))).isEmpty();
    assertThat(ids(r -> r.setBackendPrivateIps(new String[] {"127.0.0.1"}))).containsExactly(a);
    assertThat(ids(r -> r.setBackendPrivateIps(new String[] {"127.0.0.99"}))).isEmpty();
    assertThat(ids(r -> r.setSearchKey(b))).as("by id").containsExactly(b);
    assertThat(ids(r -> r.setSearchKey("127.60."))).as("by VIP").containsExactly(c);
    assertThat(ids(r -> r.setSearchKey("web"))).as("by name").containsExactly(b, a);
    assertThat(ids(r -> r.setSearchKey(a + ".clb"))).as("by domain").containsExactly(a);
    assertThat(ids(r -> r.setSearchKey("zzz"))).isEmpty();
    assertThat(ids(r -> r.setProjectId(1L))).containsExactly(a);
    assertThat(ids(r -> r.setProjectId(9L))).isEmpty();
    assertThat(ids(r -> r.setWithRs(1L))).containsExactly(a);
    assertThat(ids(r -> r.setWithRs(0L))).containsExactly(c, b);
    assertThat(ids(r -> r.setWithRs(-1L))).containsExactly(c, b, a);
    refused(r -> r.setWithRs(2L), "InvalidParameterValue.Range", "WithRs");
    assertThat(ids(r -> r.setVpcId(Networks.CLUSTER_VPC))).containsExactly(c, a);
    assertThat(ids(r -> r.setVpcId(Networks.DEFAULT_VPC))).containsExactly(b);
    assertThat(ids(r -> r.setVpcId("0"))).as("no classic network").isEmpty();
    assertThat(ids(r -> r.setMasterZone("100001"))).containsExactly(a);
    assertThat(ids(r -> r.setMasterZone("100002"))).isEmpty();
    refused(
        r -> r.setBackendPublicIps(new String[] {"1.2.3.4"}),
        "UnsupportedOperation",
        "BackendPublicIps");
    refused(r -> r.setSecurityGroup("sg-12345678"), "UnsupportedOperation", "SecurityGroup");
  }

  @Test
  void orderPagesAndAdditionalFields() throws Exception {
    assertThat(
            ids(
                r -> {
                  r.setOrderBy("LoadBalancerName");
                  r.setOrderType(0L);
                }))
        .containsExactly(c, a, b);
    assertThat(ids(r -> r.setOrderBy("LoadBalancerName"))).containsExactly(b, a, c);
    assertThat(
            ids(
                r -> {
                  r.setOrderBy("CreateTime");
                  r.setOrderType(0L);
                }))
        .containsExactly(a, b, c);
    assertThat(
            ids(
                r -> {
                  r.setOrderBy("LoadBalancerType");
                  r.setOrderType(0L);
                }))
        .containsExactly(c, a, b);
    assertThat(
            ids(
                r -> {
                  r.setOrderBy("Domain");
                  r.setOrderType(0L);
                }))
        .first()
        .isEqualTo(c);
    assertThat(
            ids(
                r -> {
                  r.setOffset(1L);
                  r.setLimit(1L);
                }))
        .containsExactly(b);
    refused(r -> r.setOrderBy("Name"), "InvalidParameterValue.Range", "OrderBy");
    refused(r -> r.setOrderType(2L), "InvalidParameterValue.Range", "OrderType");
    refused(r -> r.setLimit(101L), "InvalidParameterValue.Range", "Limit");

    DescribeLoadBalancersRequest counted = new DescribeLoadBalancersRequest();
    counted.setAdditionalFields(new String[] {"TargetCount"});
    counted.setLoadBalancerIds(new String[] {a, b});
    assertThat(client.DescribeLoadBalancers(counted).getLoadBalancerSet())
        .extracting(LoadBalancer::getTargetCount)
        .containsExactly(0L, 1L);
    refused(
        r -> r.setAdditionalFields(new String[] {"Everything"}),
        "InvalidParameterValue.Range",
        "AdditionalFields");
  }

  @Test
  void everyDocumentedFilterOfDescribeLoadBalancers() throws Exception {
    assertThat(byFilters(filter("charge-type", "POSTPAID_BY_HOUR"))).containsExactly(c, b, a);
    assertThat(byFilters(filter("charge-type", "PREPAID"))).isEmpty();
    assertThat(byFilters(filter("internet-charge-type", "BANDWIDTH_PACKAGE"))).containsExactly(b);
    assertThat(byFilters(filter("internet-charge-type", "TRAFFIC_POSTPAID_BY_HOUR")))
        .containsExactly(a);
    assertThat(byFilters(filter("internet-charge-type", "BANDWIDTH_PREPAID"))).isEmpty();
    assertThat(byFilters(filter("master-zone-id", "100001"))).containsExactly(a);
    assertThat(byFilters(filter("master-zone-id", "100002"))).isEmpty();
    assertThat(byFilters(filter("tag-key", "team"))).containsExactly(b, a);
    assertThat(byFilters(filter("tag-key", "env", "nothing"))).containsExactly(a);
    assertThat(byFilters(filter("tag-key", "owner"))).isEmpty();
    assertThat(byFilters(filter("tag:team", "a"))).containsExactly(a);
    assertThat(byFilters(filter("tag:team", "a", "b"))).containsExactly(b, a);
    assertThat(byFilters(filter("tag:team", "c"))).isEmpty();
    assertThat(byFilters(filter("tag:owner", "a"))).isEmpty();
    assertThat(byFilters(filter("vip-isp", "INTERNAL"))).containsExactly(c);
    assertThat(byFilters(filter("vip-isp", "CMCC"))).containsExactly(b);
    assertThat(byFilters(filter("vip-isp", "CUCC"))).isEmpty();
    assertThat(byFilters(filter("sla-type", "clb.c2.medium"))).containsExactly(a);
    assertThat(byFilters(filter("sla-type", "clb.c4.xlarge"))).isEmpty();
    assertThat(byFilters(filter("exclusive", "0"))).containsExactly(c, b, a);
    assertThat(byFilters(filter("exclusive", "1"))).isEmpty();
    assertThat(byFilters(filter("tag-key", "team"), filter("vip-isp", "CMCC")))
        .as("filters combine with AND")
        .containsExactly(b);
    assertThat(byFilters(filter("tag:team", "a"), filter("vip-isp", "CMCC"))).isEmpty();

    refused(
        r -> r.setFilters(new Filter[] {filter("function-name", "hello")}),
        "UnsupportedOperation",
        "function-name");
    refused(
        r -> r.setFilters(new Filter[] {filter("color", "red")}),
        "InvalidParameterValue.InvalidFilter",
        "color");
    refused(
        r -> r.setFilters(new Filter[] {filter("tag-value", "a")}),
        "InvalidParameterValue.InvalidFilter",
        "tag-value");
    refused(
        r -> r.setFilters(new Filter[] {filter("vip-isp", "ANY")}),
        "InvalidParameterValue.Range",
        "vip-isp");
    refused(
        r -> r.setFilters(new Filter[] {filter("charge-type", "FREE")}),
        "InvalidParameterValue.Range",
        "charge-type");
    refused(
        r -> r.setFilters(new Filter[] {filter("tag-key")}), "MissingParameter", "Filters.Values");
    Filter[] eleven = new Filter[11];
    Arrays.fill(eleven, filter("tag-key", "team"));
    refused(r -> r.setFilters(eleven), "InvalidParameterValue.Length", "Filters");
    String[] many = new String[101];
    Arrays.fill(many, "x");
    refused(
        r -> r.setFilters(new Filter[] {filter("tag-key", many)}),
        "InvalidParameterValue.Length",
        "tag-key");
  }

  @Test
  void filtersOfDescribeTargets() throws Exception {
    String l7 = createListener(a, "HTTP", 81, null);
    String[] rules = createRules(a, l7, rule("a.example.com", "/"), rule("b.example.com", "/"));
    RegisterTargetsRequest tcp = new RegisterTargetsRequest();
    tcp.setLoadBalancerId(a);
    tcp.setListenerId(aListener);
    Target blue = eni("127.0.0.2", 9000, 10L);
    blue.setTag("blue");
    tcp.setTargets(new Target[] {blue});
    assertThat(await(client.RegisterTargets(tcp).getRequestId())).isZero();
    RegisterTargetsRequest web = new RegisterTargetsRequest();
    web.setLoadBalancerId(a);
    web.setListenerId(l7);
    web.setLocationId(rules[0]);
    Target green = eni("127.0.0.3", 9000, 10L);
    green.setTag("green");
    web.setTargets(new Target[] {green, eni("127.0.0.2", 9001, 10L)});
    assertThat(await(client.RegisterTargets(web).getRequestId())).isZero();

    assertThat(targets(r -> {}))
        .containsExactly(
            aListener + ":127.0.0.1:8080",
            aListener + ":127.0.0.2:9000",
            rules[0] + ":127.0.0.3:9000",
            rules[0] + ":127.0.0.2:9001",
            rules[1] + ":");
    assertThat(targets(r -> r.setFilters(new Filter[] {filter("location-id", rules[0])})))
        .containsExactly(rules[0] + ":127.0.0.3:9000", rules[0] + ":127.0.0.2:9001");
    assertThat(targets(r -> r.setFilters(new Filter[] {filter("location-id", "loc-nothere")})))
        .isEmpty();
    assertThat(targets(r -> r.setFilters(new Filter[] {filter("private-ip-address", "127.0.0.2")})))
        .containsExactly(aListener + ":127.0.0.2:9000", rules[0] + ":127.0.0.2:9001");
    assertThat(
            targets(r -> r.setFilters(new Filter[] {filter("private-ip-address", "127.0.0.99")})))
        .isEmpty();
    assertThat(targets(r -> r.setFilters(new Filter[] {filter("tag", "green")})))
        .containsExactly(rules[0] + ":127.0.0.3:9000");
    assertThat(targets(r -> r.setFilters(new Filter[] {filter("tag", "red")}))).isEmpty();
    assertThat(
            targets(
                r ->
                    r.setFilters(
                        new Filter[] {
                          filter("tag", "blue"), filter("private-ip-address", "127.0.0.3")
                        })))
        .isEmpty();
    assertThat(targets(r -> r.setProtocol("HTTP")))
        .containsExactly(
            rules[0] + ":127.0.0.3:9000", rules[0] + ":127.0.0.2:9001", rules[1] + ":");
    assertThat(targets(r -> r.setPort(80L)))
        .containsExactly(aListener + ":127.0.0.1:8080", aListener + ":127.0.0.2:9000");
    assertThat(targets(r -> r.setPort(82L))).isEmpty();
    assertThat(targets(r -> r.setListenerIds(new String[] {"lbl-nothere"}))).isEmpty();

    DescribeTargetsRequest bad = new DescribeTargetsRequest();
    bad.setLoadBalancerId(a);
    bad.setFilters(new Filter[] {filter("instance-id", "ins-1")});
    assertError(
        () -> client.DescribeTargets(bad), "InvalidParameterValue.InvalidFilter", "instance-id");
    bad.setFilters(null);
    bad.setProtocol("FTP");
    assertError(() -> client.DescribeTargets(bad), "InvalidParameterValue.Range", "Protocol");
    bad.setProtocol(null);
    bad.setPort(70000L);
    assertError(() -> client.DescribeTargets(bad), "InvalidParameterValue.Range", "Port");
    bad.setPort(null);
    String[] many = new String[21];
    Arrays.fill(many, aListener);
    bad.setListenerIds(many);
    assertError(() -> client.DescribeTargets(bad), "InvalidParameterValue.Length", "ListenerIds");
  }

  /**
   * DescribeTargets' answer flattened: "listener-or-rule:ip:port" per target, "rule:" for a rule
   * without targets.
   */
  List<String> targets(Consumer<DescribeTargetsRequest> setup) throws Exception {
    DescribeTargetsRequest request = new DescribeTargetsRequest();
    request.setLoadBalancerId(a);
    setup.accept(request);
    List<String> seen = new java.util.ArrayList<>();
    for (ListenerBackend listener : client.DescribeTargets(request).getListeners()) {
      if (listener.getTargets() != null) {
        for (Backend t : listener.getTargets()) {
          seen.add(
              listener.getListenerId() + ":" + t.getPrivateIpAddresses()[0] + ":" + t.getPort());
        }
      }
      if (listener.getRules() != null) {
        for (RuleTargets rule : listener.getRules()) {
          if (rule.getTargets().length == 0) {
            seen.add(rule.getLocationId() + ":");
          }
          for (Backend t : rule.getTargets()) {
            seen.add(rule.getLocationId() + ":" + t.getPrivateIpAddresses()[0] + ":" + t.getPort());
          }
        }
      }
    }
    return seen;
  }

  @Test
  void filtersOfDescribeListeners() throws Exception {
    createListener(a, "UDP", 80, null);
    DescribeListenersRequest request = new DescribeListenersRequest();
    request.setLoadBalancerId(a);
    assertThat(client.DescribeListeners(request).getListeners()).hasSize(2);
    request.setProtocol("UDP");
    assertThat(client.DescribeListeners(request).getListeners())
        .extracting(Listener::getProtocol)
        .containsExactly("UDP");
    request.setProtocol("TCP_SSL");
    assertThat(client.DescribeListeners(request).getListeners()).isEmpty();
    request.setProtocol(null);
    request.setPort(80L);
    assertThat(client.DescribeListeners(request).getListeners()).hasSize(2);
    request.setPort(81L);
    assertThat(client.DescribeListeners(request).getListeners()).isEmpty();
    request.setPort(null);
    request.setListenerIds(new String[] {aListener});
    assertThat(client.DescribeListeners(request).getListeners())
        .extracting(Listener::getListenerId)
        .containsExactly(aListener);
    request.setListenerIds(new String[] {"lbl-nothere"});
    assertThat(client.DescribeListeners(request).getListeners()).isEmpty();
    request.setListenerIds(null);
    request.setProtocol("FTP");
    assertError(() -> client.DescribeListeners(request), "InvalidParameterValue.Range", "Protocol");
    request.setProtocol(null);
    request.setPort(0L);
    assertError(() -> client.DescribeListeners(request), "InvalidParameterValue.Range", "Port");
  }
}
