package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.HealthCheck;
import com.tencentcloudapi.clb.v20180317.models.ModifyListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.ModifyRuleRequest;
import com.tencentcloudapi.clb.v20180317.models.RuleInput;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The HealthCheck ranges of the API reference, enforced alike by CreateListener, CreateRule,
 * ModifyListener and ModifyRule: each bad value is InvalidParameterValue.Range naming its field,
 * and a refused call changes nothing and locks nothing (the next call is judged on its own).
 */
class HealthCheckValidationTest extends EmulatorFixture {

  record Bad(String field, Consumer<HealthCheck> set) {}

  static final List<Bad> BAD =
      List.of(
          new Bad("HealthSwitch", c -> c.setHealthSwitch(2L)),
          new Bad("TimeOut", c -> c.setTimeOut(1L)),
          new Bad("TimeOut", c -> c.setTimeOut(61L)),
          new Bad("IntervalTime", c -> c.setIntervalTime(1L)),
          new Bad("IntervalTime", c -> c.setIntervalTime(301L)),
          new Bad("HealthNum", c -> c.setHealthNum(1L)),
          new Bad("HealthNum", c -> c.setHealthNum(11L)),
          new Bad("UnHealthNum", c -> c.setUnHealthNum(1L)),
          new Bad("UnHealthNum", c -> c.setUnHealthNum(11L)),
          new Bad("HttpCode", c -> c.setHttpCode(0L)),
          new Bad("HttpCode", c -> c.setHttpCode(32L)),
          new Bad("HttpCheckMethod", c -> c.setHttpCheckMethod("POST")),
          new Bad("CheckType", c -> c.setCheckType("UDP")),
          new Bad("CheckPort", c -> c.setCheckPort(0L)),
          new Bad("CheckPort", c -> c.setCheckPort(65536L)),
          // The SDK's HealthCheck documents that the timeout must be less than the interval.
          new Bad(
              "TimeOut",
              c -> {
                c.setTimeOut(10L);
                c.setIntervalTime(10L);
              }),
          // Against the default IntervalTime of 5 (or the current one when modifying).
          new Bad("TimeOut", c -> c.setTimeOut(5L)));

  static HealthCheck check(Bad bad) {
    HealthCheck check = new HealthCheck();
    bad.set().accept(check);
    return check;
  }

  /** The widest values accepted on every field at once. */
  static HealthCheck edges() {
    HealthCheck check = new HealthCheck();
    check.setHealthSwitch(0L);
    check.setTimeOut(60L);
    check.setIntervalTime(300L);
    check.setHealthNum(10L);
    check.setUnHealthNum(2L);
    check.setHttpCode(31L);
    check.setHttpCheckMethod("head");
    check.setCheckType("HTTP");
    check.setCheckPort(65535L);
    return check;
  }

  @Test
  void createListener() throws Exception {
    String lb = createLoadBalancer("create-listener");
    for (Bad bad : BAD) {
      CreateListenerRequest request = new CreateListenerRequest();
      request.setLoadBalancerId(lb);
      request.setProtocol("TCP");
      request.setPorts(new Long[] {8000L});
      request.setHealthCheck(check(bad));
      assertError(
          () -> client.CreateListener(request),
          "InvalidParameterValue.Range",
          "`" + bad.field() + "`");
    }
    String listener = createListener(lb, "TCP", 8000, edges());
    HealthCheck stored = describeListener(lb, listener).getHealthCheck();
    assertThat(stored.getTimeOut()).isEqualTo(60L);
    assertThat(stored.getHttpCheckMethod()).isEqualTo("HEAD");
  }

  @Test
  void createRule() throws Exception {
    String lb = createLoadBalancer("create-rule");
    String listener = createListener(lb, "HTTP", 80, null);
    for (Bad bad : BAD) {
      RuleInput rule = rule("shop.example.com", "/");
      rule.setHealthCheck(check(bad));
      assertError(
          () -> createRules(lb, listener, rule),
          "InvalidParameterValue.Range",
          "`" + bad.field() + "`");
    }
    RuleInput rule = rule("shop.example.com", "/");
    rule.setHealthCheck(edges());
    String location = createRules(lb, listener, rule)[0];
    assertThat(describeRule(lb, listener, location).getHealthCheck().getIntervalTime())
        .isEqualTo(300L);
  }

  @Test
  void modifyListener() throws Exception {
    String lb = createLoadBalancer("modify-listener");
    String listener = createListener(lb, "TCP", 8000, null);
    for (Bad bad : BAD) {
      ModifyListenerRequest request = new ModifyListenerRequest();
      request.setLoadBalancerId(lb);
      request.setListenerId(listener);
      request.setHealthCheck(check(bad));
      assertError(
          () -> client.ModifyListener(request),
          "InvalidParameterValue.Range",
          "`" + bad.field() + "`");
    }
    assertThat(describeListener(lb, listener).getHealthCheck().getIntervalTime())
        .as("unchanged")
        .isEqualTo(5L);

    ModifyListenerRequest request = new ModifyListenerRequest();
    request.setLoadBalancerId(lb);
    request.setListenerId(listener);
    request.setHealthCheck(edges());
    assertThat(await(client.ModifyListener(request).getRequestId())).isZero();
    assertThat(describeListener(lb, listener).getHealthCheck().getHealthSwitch()).isZero();
  }

  @Test
  void modifyRule() throws Exception {
    String lb = createLoadBalancer("modify-rule");
    String listener = createListener(lb, "HTTP", 80, null);
    String location = createRules(lb, listener, rule("shop.example.com", "/"))[0];
    for (Bad bad : BAD) {
      ModifyRuleRequest request = new ModifyRuleRequest();
      request.setLoadBalancerId(lb);
      request.setListenerId(listener);
      request.setLocationId(location);
      request.setHealthCheck(check(bad));
      assertError(
          () -> client.ModifyRule(request), "InvalidParameterValue.Range", "`" + bad.field() + "`");
    }

    ModifyRuleRequest longer = new ModifyRuleRequest();
    longer.setLoadBalancerId(lb);
    longer.setListenerId(listener);
    longer.setLocationId(location);
    HealthCheck interval = new HealthCheck();
    interval.setIntervalTime(20L);
    longer.setHealthCheck(interval);
    assertThat(await(client.ModifyRule(longer).getRequestId())).isZero();
    // TimeOut is judged against the IntervalTime in force: 10 < 20 now passes.
    ModifyRuleRequest timeout = new ModifyRuleRequest();
    timeout.setLoadBalancerId(lb);
    timeout.setListenerId(listener);
    timeout.setLocationId(location);
    HealthCheck ten = new HealthCheck();
    ten.setTimeOut(10L);
    timeout.setHealthCheck(ten);
    assertThat(await(client.ModifyRule(timeout).getRequestId())).isZero();
    HealthCheck stored = describeRule(lb, listener, location).getHealthCheck();
    assertThat(stored.getTimeOut()).isEqualTo(10L);
    assertThat(stored.getIntervalTime()).isEqualTo(20L);
  }
}
