package io.clbdirect.gate.controller;

import com.google.gson.JsonObject;
import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.HealthCheck;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.ModifyListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.ModifyRuleRequest;
import com.tencentcloudapi.clb.v20180317.models.RuleInput;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import io.clbdirect.core.tkeconfig.AttributeChanges;
import io.clbdirect.core.tkeconfig.ClbAttributeMapping;
import io.clbdirect.core.tkeconfig.ClbAttributes;
import io.clbdirect.core.tkeconfig.ClbSettings;
import io.clbdirect.core.tkeconfig.TkeServiceConfigParser;
import io.clbdirect.core.tkeconfig.TkeServiceConfigSpec;
import io.clbdirect.gate.clb.ListenerSettings;
import io.clbdirect.gate.decide.IngressRoutes;
import java.util.List;
import java.util.Optional;

/**
 * A valid TkeServiceConfig as CLB listener and rule attributes: the pure mapping ({@link
 * ClbAttributeMapping}) decides which attributes to set, this class copies them into SDK requests,
 * and the load-balancer reconcile sends them. A modified health check is sent whole — what the CLB
 * has, with the configured fields changed — so the CLB never has to guess about the fields left
 * out.
 */
final class TkeListenerSettings implements ListenerSettings {

  /** A parsed config: settings to apply, or the errors that make it unusable. */
  record Parsed(ListenerSettings settings, List<String> errors) {}

  private final TkeServiceConfigSpec spec;

  private TkeListenerSettings(TkeServiceConfigSpec spec) {
    this.spec = spec;
  }

  /**
   * @param resource the whole TkeServiceConfig as the API server serves it
   */
  static Parsed parse(JsonObject resource) {
    TkeServiceConfigParser.Result result = TkeServiceConfigParser.parse(resource);
    return result.isValid()
        ? new Parsed(new TkeListenerSettings(result.spec()), List.of())
        : new Parsed(null, result.errors());
  }

  @Override
  public void onCreate(String protocol, int port, CreateListenerRequest request) {
    Optional<ClbSettings> settings = spec.settingsForL4Listener(protocol, port);
    if (settings.isEmpty()) {
      return;
    }
    ClbAttributes wanted = ClbAttributeMapping.forCreate(settings.get());
    request.setHealthCheck(overlay(request.getHealthCheck(), wanted));
    if (wanted.sessionExpireTime() != null) {
      request.setSessionExpireTime(wanted.sessionExpireTime());
    }
    if (wanted.scheduler() != null) {
      request.setScheduler(wanted.scheduler());
    }
  }

  @Override
  public Optional<ModifyListenerRequest> modification(String loadBalancerId, Listener listener) {
    Optional<ClbSettings> settings =
        spec.settingsForL4Listener(listener.getProtocol(), listener.getPort().intValue());
    if (settings.isEmpty()) {
      return Optional.empty();
    }
    AttributeChanges changes =
        ClbAttributeMapping.diff(
            settings.get(),
            current(
                listener.getHealthCheck(),
                listener.getSessionExpireTime(),
                listener.getScheduler(),
                null));
    if (changes.isEmpty()) {
      return Optional.empty();
    }
    ClbAttributes changed = changes.attributes();
    ModifyListenerRequest request = new ModifyListenerRequest();
    request.setLoadBalancerId(loadBalancerId);
    request.setListenerId(listener.getListenerId());
    if (touchesHealthCheck(changed)) {
      request.setHealthCheck(overlay(copy(listener.getHealthCheck()), changed));
    }
    request.setSessionExpireTime(changed.sessionExpireTime());
    request.setScheduler(changed.scheduler());
    return Optional.of(request);
  }

  @Override
  public void onCreate(
      String protocol, int port, String vip, IngressRoutes.RuleKey rule, RuleInput input) {
    Optional<ClbSettings> settings =
        spec.settingsForL7Rule(protocol, port, rule.domain(), rule.url(), vip);
    if (settings.isEmpty()) {
      return;
    }
    ClbAttributes wanted = ClbAttributeMapping.forCreate(settings.get());
    input.setHealthCheck(overlay(input.getHealthCheck(), wanted));
    if (wanted.sessionExpireTime() != null) {
      input.setSessionExpireTime(wanted.sessionExpireTime());
    }
    if (wanted.scheduler() != null) {
      input.setScheduler(wanted.scheduler());
    }
    if (wanted.forwardType() != null) {
      input.setForwardType(wanted.forwardType());
    }
  }

  @Override
  public Optional<ModifyRuleRequest> modification(
      String loadBalancerId, String vip, Listener listener, RuleOutput rule) {
    Optional<ClbSettings> settings =
        spec.settingsForL7Rule(
            listener.getProtocol(),
            listener.getPort().intValue(),
            rule.getDomain(),
            rule.getUrl(),
            vip);
    if (settings.isEmpty()) {
      return Optional.empty();
    }
    AttributeChanges changes =
        ClbAttributeMapping.diff(
            settings.get(),
            current(
                rule.getHealthCheck(),
                rule.getSessionExpireTime(),
                rule.getScheduler(),
                rule.getForwardType()));
    if (changes.isEmpty()) {
      return Optional.empty();
    }
    ClbAttributes changed = changes.attributes();
    ModifyRuleRequest request = new ModifyRuleRequest();
    request.setLoadBalancerId(loadBalancerId);
    request.setListenerId(listener.getListenerId());
    request.setLocationId(rule.getLocationId());
    if (touchesHealthCheck(changed)) {
      request.setHealthCheck(overlay(copy(rule.getHealthCheck()), changed));
    }
    request.setSessionExpireTime(changed.sessionExpireTime());
    request.setScheduler(changed.scheduler());
    request.setForwardType(changed.forwardType());
    return Optional.of(request);
  }

  private static ClbAttributes current(
      HealthCheck check, Long sessionExpireTime, String scheduler, String forwardType) {
    HealthCheck c = check == null ? new HealthCheck() : check;
    return new ClbAttributes(
        c.getHealthSwitch(),
        c.getTimeOut(),
        c.getIntervalTime(),
        c.getHealthNum(),
        c.getUnHealthNum(),
        c.getHttpCode(),
        c.getHttpCheckPath(),
        c.getHttpCheckDomain(),
        c.getHttpCheckMethod(),
        sessionExpireTime,
        scheduler,
        forwardType);
  }

  private static boolean touchesHealthCheck(ClbAttributes a) {
    return a.healthSwitch() != null
        || a.timeout() != null
        || a.intervalTime() != null
        || a.healthNum() != null
        || a.unHealthNum() != null
        || a.httpCode() != null
        || a.httpCheckPath() != null
        || a.httpCheckDomain() != null
        || a.httpCheckMethod() != null;
  }

  private static HealthCheck copy(HealthCheck check) {
    return check == null ? new HealthCheck() : new HealthCheck(check);
  }

  /** The health check with every attribute that is set in {@code a} replaced. */
  private static HealthCheck overlay(HealthCheck check, ClbAttributes a) {
    HealthCheck result = check == null ? new HealthCheck() : check;
    if (a.healthSwitch() != null) {
      result.setHealthSwitch(a.healthSwitch());
    }
    if (a.timeout() != null) {
      result.setTimeOut(a.timeout());
    }
    if (a.intervalTime() != null) {
      result.setIntervalTime(a.intervalTime());
    }
    if (a.healthNum() != null) {
      result.setHealthNum(a.healthNum());
    }
    if (a.unHealthNum() != null) {
      result.setUnHealthNum(a.unHealthNum());
    }
    if (a.httpCode() != null) {
      result.setHttpCode(a.httpCode());
    }
    if (a.httpCheckPath() != null) {
      result.setHttpCheckPath(a.httpCheckPath());
    }
    if (a.httpCheckDomain() != null) {
      result.setHttpCheckDomain(a.httpCheckDomain());
    }
    if (a.httpCheckMethod() != null) {
      result.setHttpCheckMethod(a.httpCheckMethod());
    }
    return result;
  }
}
