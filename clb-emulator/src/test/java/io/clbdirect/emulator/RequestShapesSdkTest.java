package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.tencentcloudapi.clb.v20180317.ClbClient;
import com.tencentcloudapi.clb.v20180317.models.*;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.common.profile.Language;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The unmodified SDK in every request shape it can send: TC3 over POST (JSON) and GET (query), and
 * the v1 signature with HmacSHA1 and HmacSHA256 over POST (form body) and GET (query). A relay
 * records what really went over the wire, so each case proves its shape; results are checked with
 * the TC3 POST client.
 */
class RequestShapesSdkTest extends EmulatorFixture {

  enum Shape {
    TC3_POST(
        HttpProfile.REQ_POST, ClientProfile.SIGN_TC3_256, "POST / HTTP/1.1", "application/json"),
    TC3_GET(
        HttpProfile.REQ_GET,
        ClientProfile.SIGN_TC3_256,
        "GET /?",
        "Authorization: TC3-HMAC-SHA256"),
    V1_SHA1_POST(
        HttpProfile.REQ_POST,
        ClientProfile.SIGN_SHA1,
        "POST / HTTP/1.1",
        "SignatureMethod=HmacSHA1"),
    V1_SHA1_GET(HttpProfile.REQ_GET, ClientProfile.SIGN_SHA1, "GET /?", "SignatureMethod=HmacSHA1"),
    V1_SHA256_POST(
        HttpProfile.REQ_POST,
        ClientProfile.SIGN_SHA256,
        "POST / HTTP/1.1",
        "SignatureMethod=HmacSHA256"),
    V1_SHA256_GET(
        HttpProfile.REQ_GET, ClientProfile.SIGN_SHA256, "GET /?", "SignatureMethod=HmacSHA256");

    final String method;
    final String signMethod;
    final String requestLine;
    final String marker;

    Shape(String method, String signMethod, String requestLine, String marker) {
      this.method = method;
      this.signMethod = signMethod;
      this.requestLine = requestLine;
      this.marker = marker;
    }

    boolean v1() {
      return !signMethod.equals(ClientProfile.SIGN_TC3_256);
    }
  }

  /**
   * The SDK configured for {@code shape}, through {@code relay}; with a token and a language, which
   * v1 also signs.
   */
  static ClbClient client(Shape shape, RecordingRelay relay) {
    HttpProfile http = new HttpProfile();
    http.setEndpoint(relay.endpoint());
    http.setProtocol(HttpProfile.REQ_HTTP);
    http.setReqMethod(shape.method);
    http.setReadTimeout(10);
    http.setWriteTimeout(10);
    ClientProfile profile = new ClientProfile();
    profile.setHttpProfile(http);
    profile.setSignMethod(shape.signMethod);
    profile.setLanguage(Language.EN_US);
    return new ClbClient(new Credential(ID, KEY, "sts-token-ignored"), "ap-guangzhou", profile);
  }

  long await(ClbClient sdk, String taskId) throws Exception {
    DescribeTaskStatusRequest request = new DescribeTaskStatusRequest();
    request.setTaskId(taskId);
    Instant deadline = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(deadline)) {
      long status = sdk.DescribeTaskStatus(request).getStatus();
      if (status != 2) {
        return status;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("task " + taskId + " still running");
  }

  static TagInfo tag(String key, String value) {
    TagInfo tag = new TagInfo();
    tag.setTagKey(key);
    tag.setTagValue(value);
    return tag;
  }

  static Target instance(String id, long port, long weight) {
    Target target = new Target();
    target.setInstanceId(id);
    target.setPort(port);
    target.setWeight(weight);
    return target;
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void readsAndWritesNestedArraysInEveryShape(Shape shape) throws Exception {
    try (RecordingRelay relay = new RecordingRelay(clb.port())) {
      ClbClient sdk = client(shape, relay);

      // A write with an array of objects: Tags.N.TagKey / Tags.N.TagValue in the flattened shapes.
      CreateLoadBalancerRequest create = new CreateLoadBalancerRequest();
      create.setLoadBalancerType("OPEN");
      create.setLoadBalancerName("shape-" + shape.name().toLowerCase());
      create.setTags(
          new TagInfo[] {tag("team", shape.name()), tag("clb-direct.io/cluster", "test")});
      CreateLoadBalancerResponse created = sdk.CreateLoadBalancer(create);
      assertThat(await(sdk, created.getRequestId())).isZero();
      String lb = created.getLoadBalancerIds()[0];

      // Reads with an array of strings and with Filters.N.Values.M, plus integers (Limit, Offset).
      DescribeLoadBalancersRequest byId = new DescribeLoadBalancersRequest();
      byId.setLoadBalancerIds(new String[] {lb});
      byId.setLimit(10L);
      byId.setOffset(0L);
      LoadBalancer[] found = sdk.DescribeLoadBalancers(byId).getLoadBalancerSet();
      assertThat(found).extracting(LoadBalancer::getLoadBalancerId).containsExactly(lb);
      assertThat(found[0].getTags())
          .extracting(TagInfo::getTagKey, TagInfo::getTagValue)
          .contains(tuple("team", shape.name()));
      Filter team = new Filter();
      team.setName("tag:team");
      team.setValues(new String[] {"nobody", shape.name()});
      DescribeLoadBalancersRequest byTag = new DescribeLoadBalancersRequest();
      byTag.setFilters(new Filter[] {team});
      assertThat(sdk.DescribeLoadBalancers(byTag).getLoadBalancerSet())
          .extracting(LoadBalancer::getLoadBalancerId)
          .containsExactly(lb);

      // Integers in an array and in a nested object: Ports.0, HealthCheck.IntervalTime.
      CreateListenerRequest listen = new CreateListenerRequest();
      listen.setLoadBalancerId(lb);
      listen.setProtocol("TCP");
      listen.setPorts(new Long[] {8000L + shape.ordinal()});
      listen.setHealthCheck(tcpCheck());
      CreateListenerResponse listening = sdk.CreateListener(listen);
      assertThat(await(sdk, listening.getRequestId())).isZero();
      String listener = listening.getListenerIds()[0];
      assertThat(describeListener(lb, listener).getHealthCheck().getIntervalTime()).isEqualTo(3L);

      // Targets.N.InstanceId / .Port / .Weight, checked with the TC3 POST client.
      clb.registerInstanceAddress("ins-shape1", "127.0.0.1");
      clb.registerInstanceAddress("ins-shape2", "127.0.0.1");
      RegisterTargetsRequest register = new RegisterTargetsRequest();
      register.setLoadBalancerId(lb);
      register.setListenerId(listener);
      register.setTargets(
          new Target[] {instance("ins-shape1", 9001, 20), instance("ins-shape2", 9002, 0)});
      assertThat(await(sdk, sdk.RegisterTargets(register).getRequestId())).isZero();
      DescribeTargetsRequest targets = new DescribeTargetsRequest();
      targets.setLoadBalancerId(lb);
      assertThat(client.DescribeTargets(targets).getListeners()[0].getTargets())
          .extracting(Backend::getInstanceId, Backend::getPort, Backend::getWeight)
          .containsExactlyInAnyOrder(
              tuple("ins-shape1", 9001L, 20L), tuple("ins-shape2", 9002L, 0L));

      // A boolean: Rules.0.DefaultServer=true in the flattened shapes.
      CreateListenerRequest web = new CreateListenerRequest();
      web.setLoadBalancerId(lb);
      web.setProtocol("HTTP");
      web.setPorts(new Long[] {80L});
      CreateListenerResponse webListening = sdk.CreateListener(web);
      assertThat(await(sdk, webListening.getRequestId())).isZero();
      RuleInput rule = rule("shape.example.com", "/api");
      rule.setDefaultServer(true);
      rule.setSessionExpireTime(60L);
      CreateRuleRequest createRule = new CreateRuleRequest();
      createRule.setLoadBalancerId(lb);
      createRule.setListenerId(webListening.getListenerIds()[0]);
      createRule.setRules(new RuleInput[] {rule});
      CreateRuleResponse rules = sdk.CreateRule(createRule);
      assertThat(await(sdk, rules.getRequestId())).isZero();
      RuleOutput described =
          describeRule(lb, webListening.getListenerIds()[0], rules.getLocationIds()[0]);
      assertThat(described.getDefaultServer()).isTrue();
      assertThat(described.getSessionExpireTime()).isEqualTo(60L);

      // Errors come back in the same envelope whatever the shape.
      assertCode(() -> sdk.DescribeTargets(new DescribeTargetsRequest()), "MissingParameter");

      String wire = relay.sent();
      assertThat(wire).contains(shape.requestLine, shape.marker);
      assertThat(
              Pattern.compile("^Authorization: TC3", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE)
                  .matcher(wire)
                  .find())
          .as("TC3 Authorization header sent")
          .isEqualTo(!shape.v1());
      if (shape.method.equals(HttpProfile.REQ_GET)) {
        assertThat(wire)
            .doesNotContain("POST /")
            .contains("Targets.0.InstanceId=ins-shape1", "Tags.1.TagKey=");
      } else {
        assertThat(wire).doesNotContain("GET /");
      }
    }
  }
}
