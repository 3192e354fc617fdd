package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.tencentcloudapi.clb.v20180317.models.DeleteRuleRequest;
import com.tencentcloudapi.clb.v20180317.models.HealthCheck;
import com.tencentcloudapi.clb.v20180317.models.ModifyRuleRequest;
import com.tencentcloudapi.clb.v20180317.models.RegisterTargetsRequest;
import com.tencentcloudapi.clb.v20180317.models.RuleInput;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import com.tencentcloudapi.clb.v20180317.models.Target;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * CreateRule's attributes and ModifyRule through the SDK, read back as DescribeListeners'
 * RuleOutput.
 */
class ModifyRuleTest extends EmulatorFixture {

  ModifyRuleRequest modify(String lb, String listener, String location) {
    ModifyRuleRequest request = new ModifyRuleRequest();
    request.setLoadBalancerId(lb);
    request.setListenerId(listener);
    request.setLocationId(location);
    return request;
  }

  long apply(ModifyRuleRequest request) throws Exception {
    return await(client.ModifyRule(request).getRequestId());
  }

  static HealthCheck httpCheck(String path) {
    HealthCheck check = new HealthCheck();
    check.setHttpCheckPath(path);
    check.setIntervalTime(3L);
    check.setTimeOut(2L);
    check.setHealthNum(2L);
    check.setUnHealthNum(2L);
    return check;
  }

  @Test
  void createRuleStoresEveryAttributeAndDefaultsTheRest() throws Exception {
    String lb = createLoadBalancer("attributes");
    String listener = createListener(lb, "HTTP", 80, null);
    RuleInput configured = rule("shop.example.com", "/api");
    HealthCheck check = httpCheck("/healthz");
    check.setHttpCode(2L | 4L);
    check.setHttpCheckMethod("HEAD");
    configured.setHealthCheck(check);
    configured.setScheduler("IP_HASH");
    configured.setSessionExpireTime(86_400L);
    configured.setForwardType("HTTPS");
    configured.setDefaultServer(true);
    String[] ids =
        createRules(
            lb,
            listener,
            configured,
            rule("shop.example.com", "/"),
            rule("other.example.com", "/"));

    RuleOutput api = describeRule(lb, listener, ids[0]);
    assertThat(api.getDomain()).isEqualTo("shop.example.com");
    assertThat(api.getUrl()).isEqualTo("/api");
    assertThat(api.getScheduler()).isEqualTo("IP_HASH");
    assertThat(api.getSessionExpireTime()).isEqualTo(86_400L);
    assertThat(api.getForwardType()).isEqualTo("HTTPS");
    assertThat(api.getDefaultServer()).isTrue();
    assertThat(api.getHealthCheck().getHttpCheckPath()).isEqualTo("/healthz");
    assertThat(api.getHealthCheck().getHttpCode()).isEqualTo(6L);
    assertThat(api.getHealthCheck().getHttpCheckMethod()).isEqualTo("HEAD");
    assertThat(api.getHealthCheck().getIntervalTime()).isEqualTo(3L);

    RuleOutput root = describeRule(lb, listener, ids[1]);
    assertThat(root.getScheduler()).isEqualTo("WRR");
    assertThat(root.getSessionExpireTime()).isZero();
    assertThat(root.getForwardType()).isEqualTo("HTTP");
    assertThat(root.getDefaultServer()).as("DefaultServer belongs to the domain").isTrue();
    HealthCheck defaults = root.getHealthCheck();
    assertThat(
            List.of(
                defaults.getHealthSwitch(),
                defaults.getTimeOut(),
                defaults.getIntervalTime(),
                defaults.getHealthNum(),
                defaults.getUnHealthNum(),
                defaults.getHttpCode()))
        .containsExactly(1L, 2L, 5L, 3L, 3L, 2L);
    assertThat(defaults.getCheckType()).isEqualTo("HTTP");
    assertThat(defaults.getHttpCheckPath()).isEqualTo("/");
    assertThat(describeRule(lb, listener, ids[2]).getDefaultServer()).isFalse();
  }

  @Test
  void modifyRuleChangesOnlyTheFieldsGivenAndOnlyTheHealthCheckSubFieldsGiven() throws Exception {
    String lb = createLoadBalancer("modify");
    String listener = createListener(lb, "HTTP", 80, null);
    RuleInput input = rule("shop.example.com", "/v1");
    input.setHealthCheck(httpCheck("/healthz"));
    String location = createRules(lb, listener, input)[0];

    ModifyRuleRequest some = modify(lb, listener, location);
    some.setUrl("/v2");
    HealthCheck pathOnly = new HealthCheck();
    pathOnly.setHttpCheckPath("/ready");
    some.setHealthCheck(pathOnly);
    some.setScheduler("LEAST_CONN");
    some.setSessionExpireTime(30L);
    some.setForwardType("GRPC");
    String task = client.ModifyRule(some).getRequestId();
    assertCode(() -> client.ModifyRule(some), "FailedOperation.ResourceInOperating");
    assertThat(await(task)).isZero();

    RuleOutput after = describeRule(lb, listener, location);
    assertThat(after.getUrl()).isEqualTo("/v2");
    assertThat(after.getScheduler()).isEqualTo("LEAST_CONN");
    assertThat(after.getSessionExpireTime()).isEqualTo(30L);
    assertThat(after.getForwardType()).isEqualTo("GRPC");
    assertThat(after.getHealthCheck().getHttpCheckPath()).isEqualTo("/ready");
    assertThat(after.getHealthCheck().getIntervalTime()).as("not sent, so kept").isEqualTo(3L);
    assertThat(after.getHealthCheck().getHealthNum()).as("not sent, so kept").isEqualTo(2L);

    ModifyRuleRequest schedulerOnly = modify(lb, listener, location);
    schedulerOnly.setScheduler("WRR");
    assertThat(apply(schedulerOnly)).isZero();
    RuleOutput last = describeRule(lb, listener, location);
    assertThat(last.getScheduler()).isEqualTo("WRR");
    assertThat(last.getUrl()).isEqualTo("/v2");
    assertThat(last.getSessionExpireTime()).isEqualTo(30L);
    assertThat(last.getForwardType()).isEqualTo("GRPC");
    assertThat(last.getHealthCheck().getHttpCheckPath()).isEqualTo("/ready");
  }

  @Test
  void unknownIdsClashingUrlsAndValuesOutOfRange() throws Exception {
    String lb = createLoadBalancer("errors");
    String listener = createListener(lb, "HTTP", 80, null);
    String tcp = createListener(lb, "TCP", 81, null);
    String[] ids =
        createRules(lb, listener, rule("shop.example.com", "/a"), rule("shop.example.com", "/b"));

    assertCode(
        () -> client.ModifyRule(modify("lb-missing0", listener, ids[0])),
        "InvalidParameter.LBIdNotFound");
    assertCode(
        () -> client.ModifyRule(modify(lb, "lbl-missing0", ids[0])),
        "InvalidParameter.ListenerIdNotFound");
    assertCode(
        () -> client.ModifyRule(modify(lb, listener, "loc-missing0")),
        "InvalidParameter.LocationNotFound");
    assertCode(() -> client.ModifyRule(modify(lb, listener, null)), "MissingParameter");
    assertCode(
        () -> client.ModifyRule(modify(lb, tcp, ids[0])), "InvalidParameter.ProtocolCheckFailed");

    ModifyRuleRequest clash = modify(lb, listener, ids[0]);
    clash.setUrl("/b");
    assertCode(() -> client.ModifyRule(clash), "InvalidParameterValue.Duplicate");
    ModifyRuleRequest emptyUrl = modify(lb, listener, ids[0]);
    emptyUrl.setUrl("");
    assertError(() -> client.ModifyRule(emptyUrl), "InvalidParameterValue.Length", "`Url`");
    ModifyRuleRequest scheduler = modify(lb, listener, ids[0]);
    scheduler.setScheduler("RANDOM");
    assertError(() -> client.ModifyRule(scheduler), "InvalidParameterValue.Range", "`Scheduler`");
    for (long seconds : new long[] {1, 29, 86_401}) {
      ModifyRuleRequest session = modify(lb, listener, ids[0]);
      session.setSessionExpireTime(seconds);
      assertError(
          () -> client.ModifyRule(session), "InvalidParameterValue.Range", "`SessionExpireTime`");
    }
    ModifyRuleRequest forward = modify(lb, listener, ids[0]);
    forward.setForwardType("FTP");
    assertError(() -> client.ModifyRule(forward), "InvalidParameterValue.Range", "`ForwardType`");

    RuleInput badScheduler = rule("shop.example.com", "/c");
    badScheduler.setScheduler("wrr");
    assertError(
        () -> createRules(lb, listener, badScheduler),
        "InvalidParameterValue.Range",
        "`Scheduler`");
    RuleInput badSession = rule("shop.example.com", "/c");
    badSession.setSessionExpireTime(10L);
    assertError(
        () -> createRules(lb, listener, badSession),
        "InvalidParameterValue.Range",
        "`SessionExpireTime`");
    RuleInput badForward = rule("shop.example.com", "/c");
    badForward.setForwardType("TCP");
    assertError(
        () -> createRules(lb, listener, badForward),
        "InvalidParameterValue.Range",
        "`ForwardType`");

    // Nothing of the refused calls applied.
    assertThat(describeListener(lb, listener).getRules())
        .extracting(RuleOutput::getUrl)
        .containsExactly("/a", "/b");
  }

  @Test
  void oneDefaultDomainPerListenerMovedByDefaultServerTrue() throws Exception {
    String lb = createLoadBalancer("default");
    String listener = createListener(lb, "HTTP", 80, null);
    RuleInput a = rule("a.example.com", "/");
    a.setDefaultServer(true);
    String aRoot = createRules(lb, listener, a)[0];
    String aApi = createRules(lb, listener, rule("a.example.com", "/api"))[0];
    assertThat(describeRule(lb, listener, aApi).getDefaultServer())
        .as("a new rule of the default domain")
        .isTrue();

    RuleInput b = rule("b.example.com", "/");
    b.setDefaultServer(true);
    String bRoot = createRules(lb, listener, b)[0];
    assertThat(describeRule(lb, listener, bRoot).getDefaultServer()).isTrue();
    assertThat(describeRule(lb, listener, aRoot).getDefaultServer()).isFalse();
    assertThat(describeRule(lb, listener, aApi).getDefaultServer()).isFalse();

    RuleInput c = rule("c.example.com", "/");
    c.setDefaultServer(true);
    RuleInput d = rule("d.example.com", "/");
    d.setDefaultServer(true);
    assertError(() -> createRules(lb, listener, c, d), "InvalidParameter", "DefaultServer");

    // Deleting the default domain's last rule ends it: a new rule of that domain is not the
    // default.
    DeleteRuleRequest delete = new DeleteRuleRequest();
    delete.setLoadBalancerId(lb);
    delete.setListenerId(listener);
    delete.setLocationIds(new String[] {bRoot});
    assertThat(await(client.DeleteRule(delete).getRequestId())).isZero();
    String bAgain = createRules(lb, listener, rule("b.example.com", "/"))[0];
    assertThat(describeListener(lb, listener).getRules())
        .extracting(RuleOutput::getLocationId, RuleOutput::getDefaultServer)
        .containsExactlyInAnyOrder(tuple(aRoot, false), tuple(aApi, false), tuple(bAgain, false));
  }

  @Test
  void aRuleWhoseCheckPathAnswers404GoesDeadAndModifyRuleToA200PathBringsItBack() throws Exception {
    String lb = createLoadBalancer("health");
    String listener = createListener(lb, "HTTP", 80, null);
    List<String> probed = new CopyOnWriteArrayList<>();
    int port = httpBackend("app", probed);
    RuleInput input = rule("app.example.com", "/");
    input.setHealthCheck(httpCheck("/missing"));
    String location = createRules(lb, listener, input)[0];
    RegisterTargetsRequest register = new RegisterTargetsRequest();
    register.setLoadBalancerId(lb);
    register.setListenerId(listener);
    register.setLocationId(location);
    register.setTargets(new Target[] {eni("127.0.0.1", port, 10L)});
    assertThat(await(client.RegisterTargets(register).getRequestId())).isZero();
    awaitHealth(lb, "127.0.0.1", port, "Dead");
    assertThat(probed).contains("/missing").doesNotContain("/healthz");

    ModifyRuleRequest healthz = modify(lb, listener, location);
    HealthCheck path = new HealthCheck();
    path.setHttpCheckPath("/healthz");
    healthz.setHealthCheck(path);
    assertThat(apply(healthz)).isZero();
    assertThat(awaitHealth(lb, "127.0.0.1", port, "Alive").getHealthStatus()).isTrue();
    assertThat(probed).contains("/healthz");

    ModifyRuleRequest off = modify(lb, listener, location);
    HealthCheck switchOff = new HealthCheck();
    switchOff.setHealthSwitch(0L);
    off.setHealthCheck(switchOff);
    assertThat(apply(off)).isZero();
    awaitHealth(lb, "127.0.0.1", port, "Close");
    assertThat(describeRule(lb, listener, location).getHealthCheck().getHttpCheckPath())
        .isEqualTo("/healthz");
  }
}
