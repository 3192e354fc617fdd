package io.clbdirect.emulator.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.clbdirect.emulator.model.HealthCheckConfig;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.RewriteTarget;
import io.clbdirect.emulator.model.Rule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CLB's redirects between rules: AutoRewrite (an HTTPS listener's domains reachable over HTTP:80,
 * redirected), ManualRewrite (any rule to any rule), DeleteRewrite and DescribeRewrite. A rule with
 * a rewrite answers every request with the code and a Location on its target (see the data path's
 * HttpRouter) instead of forwarding. The constraints are the reference's: a rule redirects to one
 * target at most, and a target does not itself redirect.
 */
final class Rewrites {

  private static final Set<Integer> CODES = Set.of(301, 302, 307);

  private final ClbApi api;
  private final Tasks tasks;

  Rewrites(ClbApi api, Tasks tasks) {
    this.api = api;
    this.tasks = tasks;
  }

  /**
   * choice: for every rule (Domain + Url) of the chosen domains, a rule with the same Domain and
   * Url on HTTP:80 (made if missing, BeAutoCreated) redirects to it. RewriteCodes and TakeUrls pair
   * with Domains; without Domains they hold at most one value, for all. Defaults: 301, TakeUrl
   * false.
   */
  JsonObject auto(Params p, String requestId) {
    LoadBalancer lb = api.writable(p.string("LoadBalancerId"));
    Listener https = ClbApi.listener(lb, p.string("ListenerId"));
    if (!"HTTPS".equals(https.protocol())) {
      throw new ApiError(
          "InvalidParameter.ProtocolCheckFailed",
          "AutoRewrite redirects to an HTTPS listener; "
              + https.listenerId()
              + " is "
              + https.protocol()
              + ".");
    }
    Set<String> known = new LinkedHashSet<>();
    https.rules().values().forEach(r -> known.add(r.domain()));
    List<String> domains = p.strings("Domains");
    boolean named = !domains.isEmpty();
    if (!named) {
      domains = List.copyOf(known);
    }
    if (domains.isEmpty()) {
      throw new ApiError(
          "InvalidParameter", "Listener " + https.listenerId() + " has no rules to redirect to.");
    }
    List<Integer> codes = p.ints("RewriteCodes");
    List<Boolean> takes = p.booleans("TakeUrls");
    int allowed = named ? domains.size() : 1;
    if ((!codes.isEmpty() && codes.size() != allowed && named)
        || (!takes.isEmpty() && takes.size() != allowed && named)
        || (!named && (codes.size() > 1 || takes.size() > 1))) {
      throw new ApiError(
          "InvalidParameter",
          "`RewriteCodes` and `TakeUrls` hold one value per entry of `Domains` (or one for all"
              + " when `Domains` is not given).");
    }
    Listener http = http80(lb);
    boolean newListener = http == null;
    if (newListener) {
      http = new Listener(api.newId("lbl-"), "HTTP:80", "HTTP", 80, null, "WRR", api.now());
    }
    Map<Rule, RewriteTarget> planned = new LinkedHashMap<>();
    List<Rule> newRules = new ArrayList<>();
    for (int i = 0; i < domains.size(); i++) {
      String domain = domains.get(i);
      if (!known.contains(domain)) {
        throw new ApiError(
            "InvalidParameter",
            "Listener " + https.listenerId() + " has no rule for domain " + domain + ".");
      }
      int code = codes.isEmpty() ? 301 : codes.get(named ? i : 0);
      checkCode(code, "RewriteCodes");
      boolean take = !takes.isEmpty() && Boolean.TRUE.equals(takes.get(named ? i : 0));
      for (Rule target : https.rules().values()) {
        if (!target.domain().equals(domain)) {
          continue;
        }
        Rule source = sameRule(http, domain, target.url());
        if (source == null) {
          source =
              new Rule(
                  api.newId("loc-"),
                  domain,
                  target.url(),
                  HealthCheckConfig.defaultsFor("HTTP"),
                  "WRR",
                  api.now());
          source.setAutoCreated(true);
          newRules.add(source);
        } else if (source.rewrite() != null) {
          throw new ApiError(
              "InvalidParameter.RewriteAlreadyExist",
              "Rule "
                  + source.locationId()
                  + " ("
                  + domain
                  + target.url()
                  + ") of the HTTP:80 listener already redirects.");
        }
        planned.put(
            source, new RewriteTarget(https.listenerId(), target.locationId(), code, take, "Auto"));
      }
    }
    if (newListener && lb.listeners().size() + 1 > api.config().listenerQuota()) {
      throw new ApiError(
          "LimitExceeded",
          "Quota of " + api.config().listenerQuota() + " listeners per load balancer exceeded.");
    }
    if (http.rules().size() + newRules.size() > api.config().ruleQuota()) {
      throw new ApiError(
          "LimitExceeded",
          "Quota of " + api.config().ruleQuota() + " rules per listener exceeded.");
    }
    Listener httpListener = http;
    tasks.start(
        requestId,
        List.of(lb),
        () -> {
          if (newListener) {
            lb.listeners().put(httpListener.listenerId(), httpListener);
          }
          newRules.forEach(r -> httpListener.rules().put(r.locationId(), r));
          planned.forEach(Rule::setRewrite);
        });
    return new JsonObject();
  }

  /** The HTTP listener on port 80, or null; another protocol on TCP port 80 is refused. */
  private static Listener http80(LoadBalancer lb) {
    for (Listener l : lb.listeners().values()) {
      if (l.port() == 80 && !"UDP".equals(l.protocol())) {
        if (!"HTTP".equals(l.protocol())) {
          throw new ApiError(
              "InvalidParameter.PortCheckFailed",
              "Port 80 is used by " + l.protocol() + " listener " + l.listenerId() + ".");
        }
        return l;
      }
    }
    return null;
  }

  private static Rule sameRule(Listener listener, String domain, String url) {
    return listener.rules().values().stream()
        .filter(r -> r.domain().equals(domain) && r.url().equals(url))
        .findFirst()
        .orElse(null);
  }

  JsonObject manual(Params p, String requestId) {
    LoadBalancer lb = api.writable(p.string("LoadBalancerId"));
    Listener source = layer7(lb, p.string("SourceListenerId"));
    Listener target = layer7(lb, p.string("TargetListenerId"));
    List<Params> infos = p.objects("RewriteInfos");
    if (infos.isEmpty()) {
      throw ApiError.missing("RewriteInfos");
    }
    Map<Rule, RewriteTarget> planned = new LinkedHashMap<>();
    Set<String> targets = targetsOf(lb);
    for (Params info : infos) {
      Rule from = ClbApi.rule(source, info.string("SourceLocationId"));
      Rule to = ClbApi.rule(target, info.string("TargetLocationId"));
      Integer code = info.optInt("RewriteCode");
      if (code != null) {
        checkCode(code, "RewriteInfos[].RewriteCode");
        // The reference: TakeUrl and SourceDomain "配置RewriteCode时必填" (required with a code).
        for (String field : List.of("TakeUrl", "SourceDomain")) {
          if (!info.has(field)) {
            throw ApiError.missing("RewriteInfos[]." + field);
          }
        }
      }
      String domain = info.optString("SourceDomain");
      if (domain != null && !domain.equals(from.domain())) {
        throw new ApiError(
            "InvalidParameter",
            "`RewriteInfos[].SourceDomain` "
                + domain
                + " is not the domain of rule "
                + from.locationId()
                + " ("
                + from.domain()
                + ").");
      }
      if (from == to) {
        throw new ApiError(
            "InvalidParameter", "Rule " + from.locationId() + " cannot redirect to itself.");
      }
      if (from.rewrite() != null || planned.containsKey(from)) {
        throw new ApiError(
            "InvalidParameter.RewriteAlreadyExist",
            "Rule " + from.locationId() + " already redirects; delete that rewrite first.");
      }
      if (targets.contains(from.locationId()) || to.rewrite() != null) {
        // The reference: if A redirects to B, "B不能重定向至任何其它地址".
        throw new ApiError(
            "InvalidParameter",
            "A redirect's target cannot redirect: rule "
                + (to.rewrite() != null
                    ? to.locationId() + " redirects"
                    : from.locationId() + " is a redirect target")
                + ".");
      }
      planned.put(
          from,
          new RewriteTarget(
              target.listenerId(),
              to.locationId(),
              code == null ? 301 : code,
              Boolean.TRUE.equals(info.optBoolean("TakeUrl")),
              "Manual"));
    }
    tasks.start(requestId, List.of(lb), () -> planned.forEach(Rule::setRewrite));
    return new JsonObject();
  }

  JsonObject delete(Params p, String requestId) {
    LoadBalancer lb = api.writable(p.string("LoadBalancerId"));
    Listener source = layer7(lb, p.string("SourceListenerId"));
    Listener target = layer7(lb, p.string("TargetListenerId"));
    List<Params> infos = p.objects("RewriteInfos");
    if (infos.isEmpty()) {
      throw ApiError.missing("RewriteInfos");
    }
    List<Rule> doomed = new ArrayList<>();
    for (Params info : infos) {
      Rule from = ClbApi.rule(source, info.string("SourceLocationId"));
      String to = info.string("TargetLocationId");
      RewriteTarget rewrite = from.rewrite();
      if (rewrite == null
          || !rewrite.targetListenerId().equals(target.listenerId())
          || !rewrite.targetLocationId().equals(to)) {
        throw new ApiError(
            "InvalidParameter.SomeRewriteNotFound",
            "Rule "
                + from.locationId()
                + " does not redirect to "
                + target.listenerId()
                + "/"
                + to
                + ".");
      }
      doomed.add(from);
    }
    // choice: the source rule stays (AutoRewrite's too) and forwards to its targets again.
    tasks.start(requestId, List.of(lb), () -> doomed.forEach(r -> r.setRewrite(null)));
    return new JsonObject();
  }

  JsonObject describe(Params p, String requestId) {
    LoadBalancer lb = api.existing(p.string("LoadBalancerId"));
    List<String> listenerIds = p.strings("SourceListenerIds");
    List<String> locationIds = p.strings("SourceLocationIds");
    JsonArray set = new JsonArray();
    for (Listener listener : lb.listeners().values()) {
      if (!listenerIds.isEmpty() && !listenerIds.contains(listener.listenerId())) {
        continue;
      }
      for (Rule rule : listener.rules().values()) {
        if (rule.rewrite() != null
            && (locationIds.isEmpty() || locationIds.contains(rule.locationId()))) {
          set.add(Views.rule(listener, rule));
        }
      }
    }
    JsonObject response = new JsonObject();
    response.add("RewriteSet", set);
    return response;
  }

  private static Listener layer7(LoadBalancer lb, String id) {
    Listener listener = ClbApi.listener(lb, id);
    if (!listener.layer7()) {
      throw new ApiError(
          "InvalidParameter.ProtocolCheckFailed",
          "Redirects are between rules of HTTP and HTTPS listeners; "
              + id
              + " is "
              + listener.protocol()
              + ".");
    }
    return listener;
  }

  /** LocationIds that some rule of {@code lb} redirects to. */
  private static Set<String> targetsOf(LoadBalancer lb) {
    Set<String> targets = new HashSet<>();
    for (Listener l : lb.listeners().values()) {
      for (Rule r : l.rules().values()) {
        if (r.rewrite() != null) {
          targets.add(r.rewrite().targetLocationId());
        }
      }
    }
    return targets;
  }

  private static void checkCode(int code, String field) {
    if (!CODES.contains(code)) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`" + field + "` must be 301, 302 or 307, got " + code + ".");
    }
  }
}
