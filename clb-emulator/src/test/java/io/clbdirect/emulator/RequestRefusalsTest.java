package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.tencentcloudapi.clb.v20180317.models.*;
import org.junit.jupiter.api.Test;

/**
 * Samples of the rule that no request field is silently ignored, through the SDK and raw requests:
 * a documented field the emulator does not implement is UnsupportedOperation naming it and the
 * action, an undocumented one UnknownParameter naming it; and combinations the handlers would
 * otherwise have to drop or resolve by order are refused.
 */
class RequestRefusalsTest extends EmulatorFixture {

  @Test
  void documentedButNotImplementedFieldsAreRefusedByName() throws Exception {
    String lb = createLoadBalancer("refusals");
    CreateListenerRequest create = new CreateListenerRequest();
    create.setLoadBalancerId(lb);
    create.setProtocol("TCP");
    create.setPorts(new Long[] {80L});
    HealthCheck check = tcpCheck();
    check.setSourceIpType(1L);
    create.setHealthCheck(check);
    assertError(
        () -> client.CreateListener(create),
        "UnsupportedOperation",
        "`HealthCheck.SourceIpType` of CreateListener");
    create.setHealthCheck(tcpCheck());
    create.setKeepaliveEnable(1L);
    assertError(
        () -> client.CreateListener(create),
        "UnsupportedOperation",
        "`KeepaliveEnable` of CreateListener");

    String l7 = createListener(lb, "HTTP", 81, null);
    CreateRuleRequest rule = new CreateRuleRequest();
    rule.setLoadBalancerId(lb);
    rule.setListenerId(l7);
    RuleInput http2 = rule("a.example.com", "/");
    http2.setHttp2(true);
    rule.setRules(new RuleInput[] {http2});
    assertError(
        () -> client.CreateRule(rule), "UnsupportedOperation", "`Rules[].Http2` of CreateRule");

    String location = createRules(lb, l7, rule("a.example.com", "/"))[0];
    ModifyRuleRequest modify = new ModifyRuleRequest();
    modify.setLoadBalancerId(lb);
    modify.setListenerId(l7);
    modify.setLocationId(location);
    OAuth oauth = new OAuth();
    oauth.setOAuthEnable(true);
    modify.setOAuth(oauth);
    assertError(() -> client.ModifyRule(modify), "UnsupportedOperation", "`OAuth` of ModifyRule");

    String tcp = createListener(lb, "TCP", 82, null);
    ModifyTargetWeightRequest weight = new ModifyTargetWeightRequest();
    weight.setLoadBalancerId(lb);
    weight.setListenerId(tcp);
    Target tagged = eni("127.0.0.1", 8080, 5L);
    tagged.setTag("blue");
    weight.setTargets(new Target[] {tagged});
    assertError(
        () -> client.ModifyTargetWeight(weight),
        "UnsupportedOperation",
        "`Targets[].Tag` of ModifyTargetWeight");

    DeleteLoadBalancerRequest delete = new DeleteLoadBalancerRequest();
    delete.setLoadBalancerIds(new String[] {lb});
    delete.setForceDelete(true);
    assertError(
        () -> client.DeleteLoadBalancer(delete),
        "UnsupportedOperation",
        "`ForceDelete` of DeleteLoadBalancer");
  }

  @Test
  void undocumentedFieldsAreUnknownParameters() throws Exception {
    SignedHttp raw = new SignedHttp(clb.endpoint(), ID, KEY);
    JsonObject answer = raw.post("DescribeQuota", "{\"Foo\":1}");
    assertThat(error(answer)).isEqualTo("UnknownParameter");
    assertThat(answer.getAsJsonObject("Error").get("Message").getAsString()).contains("`Foo`");
    String lb = createLoadBalancer("unknown");
    String listener = createListener(lb, "TCP", 80, null);
    JsonObject nested =
        raw.post(
            "RegisterTargets",
            "{\"LoadBalancerId\":\""
                + lb
                + "\",\"ListenerId\":\""
                + listener
                + "\",\"Targets\":[{\"EniIp\":\"127.0.0.1\",\"Port\":80,\"Colour\":\"red\"}]}");
    assertThat(error(nested)).isEqualTo("UnknownParameter");
    assertThat(nested.getAsJsonObject("Error").get("Message").getAsString())
        .contains("`Targets[].Colour`")
        .contains("RegisterTargets");
  }

  @Test
  void combinationsAreRefusedRatherThanResolvedByOrder() throws Exception {
    String lb = createLoadBalancer("combinations");
    String tcp = createListener(lb, "TCP", 80, null);
    String l7 = createListener(lb, "HTTP", 81, null);
    String location = createRules(lb, l7, rule("a.example.com", "/"))[0];

    DeleteRuleRequest both = new DeleteRuleRequest();
    both.setLoadBalancerId(lb);
    both.setListenerId(l7);
    both.setLocationIds(new String[] {location});
    both.setDomain("a.example.com");
    both.setUrl("/");
    assertError(() -> client.DeleteRule(both), "InvalidParameter", "LocationIds");

    CreateRuleRequest domains = new CreateRuleRequest();
    domains.setLoadBalancerId(lb);
    domains.setListenerId(l7);
    RuleInput twice = rule("b.example.com", "/");
    twice.setDomains(new String[] {"b.example.com"});
    domains.setRules(new RuleInput[] {twice});
    assertError(() -> client.CreateRule(domains), "InvalidParameter", "Domains");
    RuleInput multi = new RuleInput();
    multi.setUrl("/");
    multi.setDomains(new String[] {"b.example.com", "c.example.com"});
    domains.setRules(new RuleInput[] {multi});
    assertError(() -> client.CreateRule(domains), "UnsupportedOperation", "Domains");
    RuleInput single = new RuleInput();
    single.setUrl("/");
    single.setDomains(new String[] {"b.example.com"});
    assertThat(createRules(lb, l7, single)).hasSize(1);

    RegisterTargetsRequest onTcp = new RegisterTargetsRequest();
    onTcp.setLoadBalancerId(lb);
    onTcp.setListenerId(tcp);
    onTcp.setLocationId(location);
    onTcp.setTargets(new Target[] {eni("127.0.0.1", 8080, 10L)});
    assertError(
        () -> client.RegisterTargets(onTcp), "InvalidParameter", "`LocationId` names a rule");
    onTcp.setLocationId(null);
    Target typed = eni("127.0.0.1", 8080, 10L);
    typed.setType("VM");
    onTcp.setTargets(new Target[] {typed});
    assertError(() -> client.RegisterTargets(onTcp), "InvalidParameterValue.Range", "Type");
    typed.setType("ENI");
    assertThat(await(client.RegisterTargets(onTcp).getRequestId())).isZero();

    BatchTarget located = new BatchTarget();
    located.setListenerId(tcp);
    located.setLocationId(location);
    located.setEniIp("127.0.0.1");
    located.setPort(8081L);
    BatchRegisterTargetsRequest batch = new BatchRegisterTargetsRequest();
    batch.setLoadBalancerId(lb);
    batch.setTargets(new BatchTarget[] {located});
    assertThat(client.BatchRegisterTargets(batch).getFailListenerIdSet()).containsExactly(tcp);

    CreateListenerRequest names = new CreateListenerRequest();
    names.setLoadBalancerId(lb);
    names.setProtocol("TCP");
    names.setPorts(new Long[] {90L, 91L});
    names.setListenerNames(new String[] {"only-one"});
    assertError(() -> client.CreateListener(names), "InvalidParameter", "ListenerNames");

    DescribeTaskStatusRequest status = new DescribeTaskStatusRequest();
    status.setTaskId("task-a");
    status.setDealName("task-b");
    assertError(() -> client.DescribeTaskStatus(status), "InvalidParameter", "DealName");

    DescribeTargetHealthRequest health = new DescribeTargetHealthRequest();
    health.setLoadBalancerIds(new String[] {lb});
    health.setLocationIds(new String[] {location});
    LoadBalancerHealth[] lbs = client.DescribeTargetHealth(health).getLoadBalancers();
    assertThat(lbs[0].getListeners()).extracting(ListenerHealth::getListenerId).containsExactly(l7);
    assertThat(lbs[0].getListeners()[0].getRules())
        .extracting(RuleHealth::getLocationId)
        .containsExactly(location);
    health.setLocationIds(new String[] {"loc-nothere"});
    assertThat(client.DescribeTargetHealth(health).getLoadBalancers()[0].getListeners()).isEmpty();
  }

  @Test
  void anIdempotentRetryAnswersWithTheFirstCallsDealName() throws Exception {
    CreateLoadBalancerRequest request = new CreateLoadBalancerRequest();
    request.setLoadBalancerType("OPEN");
    request.setClientToken("retry-me");
    CreateLoadBalancerResponse first = client.CreateLoadBalancer(request);
    CreateLoadBalancerResponse again = client.CreateLoadBalancer(request);
    assertThat(again.getLoadBalancerIds()).containsExactly(first.getLoadBalancerIds());
    assertThat(again.getDealName()).isEqualTo(first.getDealName());
    DescribeTaskStatusRequest status = new DescribeTaskStatusRequest();
    status.setDealName(again.getDealName());
    assertThat(client.DescribeTaskStatus(status).getLoadBalancerIds())
        .containsExactly(first.getLoadBalancerIds());
  }
}
