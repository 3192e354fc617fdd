package io.clbdirect.emulator.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.emulator.faults.FaultInjector;
import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.HealthCheckConfig;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.ListenerCertificate;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.Rule;
import io.clbdirect.emulator.model.Target;
import io.clbdirect.emulator.model.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The CLB actions. Each takes the request body and returns the response fields (the server adds the
 * envelope and RequestId). Validation errors are immediate; asynchronous writes take effect when
 * their task completes (see {@link Tasks}). Before a handler runs, {@link RequestFields} refuses
 * any field it would not read. Choices where the real API is undocumented are marked "choice:" and
 * listed in docs/clb-emulator.md.
 */
public final class ClbApi {

  private final ClbState state;
  private final EmulatorConfig config;
  private final FaultInjector faults;
  private final Tasks tasks;
  private final Random ids;
  private final Map<String, BiFunction<Params, String, JsonObject>> actions = new LinkedHashMap<>();
  private final Set<String> writes = new HashSet<>();
  private final Map<String, List<String>> clientTokens = new LinkedHashMap<>();

  /** The task (DealName) of the call that created a ClientToken's load balancers. */
  private final Map<String, String> clientTokenDeals = new LinkedHashMap<>();

  private final Vips vips;
  private final TargetNetworks targetNetworks;

  ClbApi(ClbState state, EmulatorConfig config, FaultInjector faults, Tasks tasks) {
    this.state = state;
    this.config = config;
    this.faults = faults;
    this.tasks = tasks;
    this.ids = new Random(config.seed() ^ 0x5DEECE66DL);
    this.vips = new Vips(config.vipOctet());
    this.targetNetworks = new TargetNetworks(config.networks());
    read("DescribeLoadBalancers", this::describeLoadBalancers);
    write("CreateLoadBalancer", this::createLoadBalancer);
    write("DeleteLoadBalancer", this::deleteLoadBalancer);
    read("DescribeListeners", this::describeListeners);
    write("CreateListener", this::createListener);
    write("ModifyListener", this::modifyListener);
    write("DeleteListener", this::deleteListener);
    write("CreateRule", this::createRule);
    write("ModifyRule", this::modifyRule);
    write("DeleteRule", this::deleteRule);
    read("DescribeTargets", this::describeTargets);
    write("RegisterTargets", (p, id) -> changeTargets(p, id, true));
    write("DeregisterTargets", (p, id) -> changeTargets(p, id, false));
    write("BatchRegisterTargets", (p, id) -> batchTargets(p, true));
    write("BatchDeregisterTargets", (p, id) -> batchTargets(p, false));
    write("ModifyTargetWeight", this::modifyTargetWeight);
    write("BatchModifyTargetWeight", this::batchModifyTargetWeight);
    read("DescribeTargetHealth", this::describeTargetHealth);
    read("DescribeTaskStatus", this::describeTaskStatus);
    read("DescribeQuota", (p, id) -> describeQuota());
    DomainAttributes domains = new DomainAttributes(this, state, tasks);
    write("ModifyDomainAttributes", domains::modify);
    Rewrites rewrites = new Rewrites(this, tasks);
    write("AutoRewrite", rewrites::auto);
    write("ManualRewrite", rewrites::manual);
    write("DeleteRewrite", rewrites::delete);
    read("DescribeRewrite", rewrites::describe);
  }

  private void read(String action, BiFunction<Params, String, JsonObject> handler) {
    actions.put(action, handler);
  }

  private void write(String action, BiFunction<Params, String, JsonObject> handler) {
    actions.put(action, handler);
    writes.add(action);
  }

  boolean knows(String action) {
    return actions.containsKey(action);
  }

  /** The actions served. */
  Set<String> actions() {
    return actions.keySet();
  }

  JsonObject call(String action, JsonObject body, String requestId) {
    BiFunction<Params, String, JsonObject> handler = actions.get(action);
    if (handler == null) {
      throw new ApiError("InvalidAction", "The action `" + action + "` is not supported.");
    }
    RequestFields.check(action, body);
    return state.locked(() -> handler.apply(new Params(body), requestId));
  }

  // ---- load balancers

  private JsonObject describeLoadBalancers(Params p, String requestId) {
    return LoadBalancerQuery.describe(p, state.loadBalancers().values(), state::instanceAddress);
  }

  private JsonObject createLoadBalancer(Params p, String requestId) {
    String token = p.optString("ClientToken");
    if (token != null && token.length() > 64) {
      throw new ApiError(
          "InvalidParameter.ClientTokenLimitExceeded", "ClientToken is longer than 64 characters.");
    }
    if (token != null && clientTokens.containsKey(token)) {
      // Idempotent retry: the same ClientToken returns what the first call created.
      JsonObject response = new JsonObject();
      response.add(
          "LoadBalancerIds", Views.strings(clientTokens.get(token).toArray(String[]::new)));
      response.addProperty("DealName", clientTokenDeals.get(token));
      return response;
    }
    LoadBalancerCreation spec = LoadBalancerCreation.read(p, config.networks());
    String type = spec.type();
    long sameType =
        state.loadBalancers().values().stream().filter(lb -> lb.type().equals(type)).count();
    if (sameType + spec.number() > config.loadBalancerQuota()) {
      throw new ApiError(
          "LimitExceeded",
          "Quota of " + config.loadBalancerQuota() + " " + type + " load balancers exceeded.");
    }
    boolean internal = type.equals("INTERNAL");
    Set<String> used = new HashSet<>();
    state.loadBalancers().values().forEach(lb -> used.add(lb.vip()));
    if (spec.vip() != null) {
      if (internal) {
        vips.checkInSubnet(spec.vip(), spec.subnet(), used);
      } else {
        vips.checkPublic(spec.vip(), used);
      }
    }
    List<LoadBalancer> created = new ArrayList<>();
    for (int i = 0; i < spec.number(); i++) {
      String id = newId("lb-");
      String vip =
          spec.vip() != null
              ? spec.vip()
              : internal ? vips.nextInSubnet(spec.subnet(), used) : vips.nextPublic(used);
      used.add(vip);
      LoadBalancer lb =
          new LoadBalancer(
              id,
              spec.name() == null ? id : spec.name(),
              type,
              vip,
              now(),
              spec.tags(),
              token,
              spec.attributes());
      state.loadBalancers().put(id, lb);
      created.add(lb);
    }
    List<String> createdIds = created.stream().map(LoadBalancer::loadBalancerId).toList();
    if (token != null) {
      clientTokens.put(token, createdIds);
      clientTokenDeals.put(token, requestId);
    }
    tasks.start(requestId, created, () -> created.forEach(lb -> lb.setStatus(1)));
    JsonObject response = new JsonObject();
    response.add("LoadBalancerIds", Views.strings(createdIds.toArray(String[]::new)));
    response.addProperty("DealName", requestId);
    return response;
  }

  private JsonObject deleteLoadBalancer(Params p, String requestId) {
    List<String> wanted = p.strings("LoadBalancerIds");
    if (wanted.isEmpty()) {
      throw ApiError.missing("LoadBalancerIds");
    }
    if (wanted.size() > 20) {
      throw ApiError.tooMany("LoadBalancerIds", 20);
    }
    List<LoadBalancer> lbs = new ArrayList<>();
    for (String id : wanted) {
      lbs.add(writable(id));
    }
    tasks.start(
        requestId, lbs, () -> lbs.forEach(lb -> state.loadBalancers().remove(lb.loadBalancerId())));
    return new JsonObject();
  }

  // ---- listeners and rules

  private JsonObject describeListeners(Params p, String requestId) {
    LoadBalancer lb = existing(p.string("LoadBalancerId"));
    List<String> wanted = p.strings("ListenerIds");
    if (wanted.size() > 100) {
      throw ApiError.tooMany("ListenerIds", 100);
    }
    String protocol = listenerProtocol(p);
    Integer port = listenerPort(p);
    JsonArray listeners = new JsonArray();
    for (Listener listener : lb.listeners().values()) {
      if ((wanted.isEmpty() || wanted.contains(listener.listenerId()))
          && (protocol == null || protocol.equals(listener.protocol()))
          && (port == null || port == listener.port())) {
        listeners.add(Views.listener(listener));
      }
    }
    JsonObject response = new JsonObject();
    response.add("Listeners", listeners);
    response.addProperty("TotalCount", listeners.size());
    return response;
  }

  private JsonObject createListener(Params p, String requestId) {
    LoadBalancer lb = writable(p.string("LoadBalancerId"));
    String protocol = p.string("Protocol");
    if (!Set.of("TCP", "UDP", "HTTP", "HTTPS", "TCP_SSL").contains(protocol)) {
      throw new ApiError(
          "InvalidParameter.ProtocolCheckFailed",
          "Protocol " + protocol + " is not supported by the emulator.");
    }
    List<Integer> ports = p.ints("Ports");
    if (ports.isEmpty()) {
      throw ApiError.missing("Ports");
    }
    List<String> names = p.strings("ListenerNames");
    names.forEach(name -> Attributes.text("ListenerNames", name, 80));
    if (!names.isEmpty() && names.size() != ports.size()) {
      // choice: names pair with Ports in order; a count that does not match is refused rather than
      // cut or padded.
      throw new ApiError(
          "InvalidParameter",
          "`ListenerNames` holds " + names.size() + " names for " + ports.size() + " `Ports`.");
    }
    if (lb.listeners().size() + ports.size() > config.listenerQuota()) {
      throw new ApiError(
          "LimitExceeded",
          "Quota of " + config.listenerQuota() + " listeners per load balancer exceeded.");
    }
    Set<Integer> seen = new HashSet<>();
    for (int port : ports) {
      if (port < 1 || port > 65535) {
        throw new ApiError("InvalidParameterValue.Range", "Port " + port + " is out of range.");
      }
      boolean clash =
          !seen.add(port)
              || lb.listeners().values().stream()
                  .anyMatch(
                      l ->
                          l.port() == port
                              && ("UDP".equals(l.protocol()) == "UDP".equals(protocol)));
      if (clash) {
        throw new ApiError(
            "InvalidParameter.PortCheckFailed", "Port " + port + " is already used by a listener.");
      }
    }
    boolean layer7 = protocol.equals("HTTP") || protocol.equals("HTTPS");
    if (layer7) {
      refusePerRuleAttributes(p);
    }
    Integer sni = p.optInt("SniSwitch");
    if (sni != null && !protocol.equals("HTTPS")) {
      throw new ApiError("InvalidParameter", "`SniSwitch` is for HTTPS listeners only.");
    }
    if (sni != null && sni != 0 && sni != 1) {
      throw new ApiError(
          "InvalidParameterValue.Range", "`SniSwitch` must be 0 or 1, got " + sni + ".");
    }
    boolean sniOn = sni != null && sni == 1;
    HealthCheckConfig check =
        layer7
            ? null
            : Attributes.healthCheck(
                p.object("HealthCheck"), HealthCheckConfig.defaultsFor(protocol));
    String scheduler = Attributes.scheduler(p, "WRR", Attributes.LISTENER_SCHEDULERS);
    int session = Attributes.sessionExpireTime(p, 0, Attributes.LISTENER_SESSION_MAX);
    // Last: an inline certificate is uploaded only once everything else is accepted.
    ListenerCertificate certificate = listenerCertificate(p, protocol, sniOn);
    List<Listener> created = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      String id = newId("lbl-");
      Listener listener =
          new Listener(
              id,
              i < names.size() ? names.get(i) : id,
              protocol,
              ports.get(i),
              check,
              scheduler,
              now());
      listener.setSessionExpireTime(session);
      listener.setSniSwitch(sniOn);
      listener.setCertificate(certificate);
      created.add(listener);
    }
    tasks.start(
        requestId, List.of(lb), () -> created.forEach(l -> lb.listeners().put(l.listenerId(), l)));
    JsonObject response = new JsonObject();
    response.add(
        "ListenerIds",
        Views.strings(created.stream().map(Listener::listenerId).toArray(String[]::new)));
    return response;
  }

  /**
   * A listener's own certificate: HTTPS without SNI and TCP_SSL need one (the reference: HTTPS
   * listeners "必填" a certificate unless SNI is on); an SNI listener has one per domain instead, and
   * other protocols have none. choice: a Certificate where none belongs is refused, not dropped.
   */
  private ListenerCertificate listenerCertificate(Params p, String protocol, boolean sniOn) {
    boolean tls = protocol.equals("HTTPS") || protocol.equals("TCP_SSL");
    Params input = p.object("Certificate");
    if (input != null && !tls) {
      throw new ApiError(
          "InvalidParameter",
          "`Certificate` is for HTTPS and TCP_SSL listeners, not " + protocol + ".");
    }
    if (input != null && sniOn) {
      throw new ApiError(
          "InvalidParameter",
          "With `SniSwitch` 1 every domain has its own certificate (CreateRule"
              + " `Rules[].Certificate`): the listener takes no `Certificate`.");
    }
    if (tls && !sniOn && input == null) {
      throw ApiError.missing("Certificate");
    }
    return input == null
        ? null
        : CertificateInputs.resolve(input, "Certificate", state.certificates(), now());
  }

  /**
   * Only the fields given change; in HealthCheck, only the sub-fields given (see {@link
   * Attributes#healthCheck}).
   */
  private JsonObject modifyListener(Params p, String requestId) {
    LoadBalancer lb = writable(p.string("LoadBalancerId"));
    Listener listener = listener(lb, p.string("ListenerId"));
    if (listener.layer7()) {
      refusePerRuleAttributes(p);
    }
    String name =
        p.has("ListenerName")
            ? Attributes.text("ListenerName", p.optString("ListenerName"), 80)
            : listener.name();
    HealthCheckConfig check =
        listener.layer7()
            ? null
            : Attributes.healthCheck(
                p.object("HealthCheck"),
                listener.healthCheck() != null
                    ? listener.healthCheck()
                    : HealthCheckConfig.defaultsFor(listener.protocol()));
    String scheduler =
        Attributes.scheduler(p, listener.scheduler(), Attributes.LISTENER_SCHEDULERS);
    int session =
        Attributes.sessionExpireTime(
            p, listener.sessionExpireTime(), Attributes.LISTENER_SESSION_MAX);
    ListenerCertificate certificate = listener.certificate();
    if (p.has("Certificate")) {
      if (!listener.tls() || listener.sniSwitch()) {
        throw new ApiError(
            "InvalidParameter",
            "`Certificate` of ModifyListener is for HTTPS listeners without SNI and TCP_SSL"
                + " listeners; listener "
                + listener.listenerId()
                + " is "
                + listener.protocol()
                + (listener.sniSwitch() ? " with SNI (use ModifyDomainAttributes)" : "")
                + ".");
      }
      // choice: the Certificate given replaces the listener's whole certificate setting.
      certificate =
          CertificateInputs.resolve(
              p.object("Certificate"), "Certificate", state.certificates(), now());
    }
    ListenerCertificate newCertificate = certificate;
    tasks.start(
        requestId,
        List.of(lb),
        () -> {
          listener.setCertificate(newCertificate);
          listener.setName(name);
          listener.setHealthCheck(check);
          listener.setScheduler(scheduler);
          listener.setSessionExpireTime(session);
        });
    return new JsonObject();
  }

  /**
   * choice: on an HTTP/HTTPS listener, HealthCheck, Scheduler and SessionExpireTime belong to each
   * rule (the API reference: "L7 is per rule"); CreateListener and ModifyListener refuse them
   * rather than drop them silently.
   */
  private static void refusePerRuleAttributes(Params p) {
    for (String field : List.of("HealthCheck", "Scheduler", "SessionExpireTime")) {
      if (p.has(field)) {
        throw new ApiError(
            "InvalidParameter",
            "`"
                + field
                + "` of an HTTP/HTTPS listener is set per rule: use CreateRule or ModifyRule.");
      }
    }
  }

  private JsonObject deleteListener(Params p, String requestId) {
    LoadBalancer lb = writable(p.string("LoadBalancerId"));
    Listener listener = listener(lb, p.string("ListenerId"));
    tasks.start(
        requestId,
        List.of(lb),
        () -> {
          lb.listeners().remove(listener.listenerId());
          forgetUnused(lb);
        });
    return new JsonObject();
  }

  private JsonObject createRule(Params p, String requestId) {
    LoadBalancer lb = writable(p.string("LoadBalancerId"));
    Listener listener = listener(lb, p.string("ListenerId"));
    if (!listener.layer7()) {
      throw new ApiError(
          "InvalidParameter.ProtocolCheckFailed", "Rules need an HTTP or HTTPS listener.");
    }
    List<Params> inputs = p.objects("Rules");
    if (inputs.isEmpty()) {
      throw ApiError.missing("Rules");
    }
    if (listener.rules().size() + inputs.size() > config.ruleQuota()) {
      throw new ApiError(
          "LimitExceeded", "Quota of " + config.ruleQuota() + " rules per listener exceeded.");
    }
    List<Rule> created = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    Set<String> defaultDomains = new LinkedHashSet<>();
    Map<String, Params> certificateInputs = new LinkedHashMap<>();
    listener.rules().values().forEach(r -> keys.add(r.domain() + r.url()));
    for (Params input : inputs) {
      String url = Attributes.text("Url", input.string("Url"), 200);
      String domain = input.optString("Domain");
      List<String> domains = input.strings("Domains");
      if (domain != null && !domains.isEmpty()) {
        // The reference: pass Domain for a one-domain rule or Domains for a multi-domain one, not
        // both.
        throw new ApiError("InvalidParameter", "Give `Domain` or `Domains`, not both.");
      }
      if (domains.size() > 1) {
        throw new ApiError(
            "UnsupportedOperation",
            "`Rules[].Domains` with more than one domain (a multi-domain rule) is not implemented by the emulator.");
      }
      if (domain == null && !domains.isEmpty()) {
        domain = Attributes.text("Domains", domains.get(0), 80);
      }
      if (domain == null) {
        throw ApiError.missing("Domain");
      }
      if (!keys.add(domain + url)) {
        throw new ApiError(
            "InvalidParameterValue.Duplicate", "A rule for " + domain + url + " already exists.");
      }
      HealthCheckConfig check =
          Attributes.healthCheck(
              input.object("HealthCheck"), HealthCheckConfig.defaultsFor(listener.protocol()));
      Rule rule =
          new Rule(
              newId("loc-"),
              domain,
              url,
              check,
              Attributes.scheduler(input, "WRR", Attributes.RULE_SCHEDULERS),
              now());
      rule.setSessionExpireTime(
          Attributes.sessionExpireTime(input, 0, Attributes.RULE_SESSION_MAX));
      rule.setForwardType(Attributes.forwardType(input, "HTTP"));
      if (Boolean.TRUE.equals(input.optBoolean("DefaultServer"))) {
        defaultDomains.add(domain);
      }
      ruleCertificate(listener, input, domain, certificateInputs);
      created.add(rule);
    }
    for (Rule rule : created) {
      if (listener.sniSwitch()
          && !certificateInputs.containsKey(rule.domain())
          && !listener.domainCertificates().containsKey(rule.domain())) {
        throw new ApiError(
            "MissingParameter",
            "The request is missing a required parameter `Rules[].Certificate`: domain "
                + rule.domain()
                + " of SNI listener "
                + listener.listenerId()
                + " has no certificate yet.");
      }
    }
    if (defaultDomains.size() > 1) {
      // choice: a listener has one default domain; a request naming two is refused, not resolved by
      // order.
      throw new ApiError(
          "InvalidParameter",
          "Only one domain per listener can be the DefaultServer, got " + defaultDomains + ".");
    }
    String newDefault = defaultDomains.isEmpty() ? null : defaultDomains.iterator().next();
    // Last: inline certificates are uploaded only once every rule is accepted.
    Map<String, ListenerCertificate> domainCertificates = new LinkedHashMap<>();
    certificateInputs.forEach(
        (domain, input) ->
            domainCertificates.put(
                domain,
                CertificateInputs.resolve(
                    input, "Rules[].Certificate", state.certificates(), now())));
    tasks.start(
        requestId,
        List.of(lb),
        () -> {
          String previousDefault = listener.defaultDomain();
          created.forEach(r -> listener.rules().put(r.locationId(), r));
          listener.domainCertificates().putAll(domainCertificates);
          // choice: DefaultServer true moves the default to this domain; absent or false leaves it
          // where it
          // was, and new rules of the default domain join it (DefaultServer belongs to the domain).
          String defaultDomain = newDefault != null ? newDefault : previousDefault;
          if (defaultDomain != null) {
            listener.setDefaultDomain(defaultDomain);
          }
        });
    JsonObject response = new JsonObject();
    response.add(
        "LocationIds",
        Views.strings(created.stream().map(Rule::locationId).toArray(String[]::new)));
    return response;
  }

  /**
   * A rule's Certificate is its domain's (every rule of a domain shares it) and belongs to SNI
   * listeners only. A domain of an SNI listener needs one: from this request or an earlier rule.
   * choice: a certificate given for a domain that has one replaces it (as ModifyDomainAttributes
   * would); two different ones for one domain in one request are refused.
   */
  private void ruleCertificate(
      Listener listener, Params input, String domain, Map<String, Params> chosen) {
    Params certificate = input.object("Certificate");
    if (certificate == null) {
      return;
    }
    if (!(listener.tls() && listener.sniSwitch())) {
      throw new ApiError(
          "InvalidParameter",
          "`Rules[].Certificate` is for HTTPS listeners with `SniSwitch` 1; listener "
              + listener.listenerId()
              + " is "
              + listener.protocol()
              + (listener.tls() ? " without SNI (its certificate is the listener's)" : "")
              + ".");
    }
    if (chosen.containsKey(domain)) {
      throw new ApiError(
          "InvalidParameter",
          "Two `Rules[].Certificate` for domain " + domain + ": a domain has one certificate.");
    }
    chosen.put(domain, certificate);
  }

  /**
   * Only the fields given change; in HealthCheck, only the sub-fields given (see {@link
   * Attributes#healthCheck}).
   */
  private JsonObject modifyRule(Params p, String requestId) {
    LoadBalancer lb = writable(p.string("LoadBalancerId"));
    Listener listener = listener(lb, p.string("ListenerId"));
    if (!listener.layer7()) {
      throw new ApiError(
          "InvalidParameter.ProtocolCheckFailed", "Rules need an HTTP or HTTPS listener.");
    }
    Rule rule = rule(listener, p.string("LocationId"));
    String url = p.has("Url") ? Attributes.text("Url", p.optString("Url"), 200) : rule.url();
    boolean clash =
        listener.rules().values().stream()
            .anyMatch(r -> r != rule && r.domain().equals(rule.domain()) && r.url().equals(url));
    if (clash) {
      throw new ApiError(
          "InvalidParameterValue.Duplicate",
          "A rule for " + rule.domain() + url + " already exists.");
    }
    HealthCheckConfig check =
        Attributes.healthCheck(
            p.object("HealthCheck"),
            rule.healthCheck() != null
                ? rule.healthCheck()
                : HealthCheckConfig.defaultsFor(listener.protocol()));
    String scheduler = Attributes.scheduler(p, rule.scheduler(), Attributes.RULE_SCHEDULERS);
    int session =
        Attributes.sessionExpireTime(p, rule.sessionExpireTime(), Attributes.RULE_SESSION_MAX);
    String forwardType = Attributes.forwardType(p, rule.forwardType());
    tasks.start(
        requestId,
        List.of(lb),
        () -> {
          rule.setUrl(url);
          rule.setHealthCheck(check);
          rule.setScheduler(scheduler);
          rule.setSessionExpireTime(session);
          rule.setForwardType(forwardType);
        });
    return new JsonObject();
  }

  private JsonObject deleteRule(Params p, String requestId) {
    LoadBalancer lb = writable(p.string("LoadBalancerId"));
    Listener listener = listener(lb, p.string("ListenerId"));
    List<String> doomed = new ArrayList<>();
    if (!p.strings("LocationIds").isEmpty() && (p.has("Domain") || p.has("Url"))) {
      // choice: the reference offers LocationIds or Domain+Url; both at once are refused, not
      // resolved by order.
      throw new ApiError("InvalidParameter", "Give `LocationIds` or `Domain` and `Url`, not both.");
    }
    if (!p.strings("LocationIds").isEmpty()) {
      for (String id : p.strings("LocationIds")) {
        doomed.add(rule(listener, id).locationId());
      }
    } else {
      Rule rule = ruleByDomainUrl(listener, p.string("Domain"), p.string("Url"));
      doomed.add(rule.locationId());
    }
    tasks.start(
        requestId,
        List.of(lb),
        () -> {
          doomed.forEach(id -> listener.rules().remove(id));
          forgetUnused(lb);
        });
    return new JsonObject();
  }

  /**
   * After rules or listeners go: a domain left without rules loses its certificate, and a rewrite
   * whose target is gone is dropped (choice: the source rule forwards again rather than redirect
   * nowhere).
   */
  static void forgetUnused(LoadBalancer lb) {
    for (Listener l : lb.listeners().values()) {
      l.domainCertificates()
          .keySet()
          .removeIf(d -> l.rules().values().stream().noneMatch(r -> r.domain().equals(d)));
      for (Rule r : l.rules().values()) {
        if (r.rewrite() != null) {
          Listener target = lb.listeners().get(r.rewrite().targetListenerId());
          if (target == null || !target.rules().containsKey(r.rewrite().targetLocationId())) {
            r.setRewrite(null);
          }
        }
      }
    }
  }

  // ---- targets

  /**
   * The filters narrow what is shown: {@code location-id} keeps only those rules (an L4 listener
   * has none, so it drops out); {@code private-ip-address} (an EniIp, or the address registered for
   * an InstanceId) and {@code tag} keep only matching targets. choice: with any of the three, a
   * listener or rule left without a match is left out, so a filter that matches nothing returns
   * nothing.
   */
  private JsonObject describeTargets(Params p, String requestId) {
    LoadBalancer lb = existing(p.string("LoadBalancerId"));
    List<String> wanted = p.strings("ListenerIds");
    if (wanted.size() > 20) {
      throw ApiError.tooMany("ListenerIds", 20);
    }
    String protocol = listenerProtocol(p);
    Integer port = listenerPort(p);
    List<String> locations = null;
    List<String> addresses = null;
    List<String> tags = null;
    for (Filters.Filter filter :
        Filters.read(p, "DescribeTargets", TARGET_FILTERS::contains, Map.of(), Map.of())) {
      switch (filter.name()) {
        case "location-id" -> locations = narrow(locations, filter.values());
        case "private-ip-address" -> addresses = narrow(addresses, filter.values());
        default -> tags = narrow(tags, filter.values());
      }
    }
    boolean targetFilters = addresses != null || tags != null;
    boolean filtered = locations != null || targetFilters;
    List<String> ips = addresses;
    List<String> tagValues = tags;
    Predicate<Target> shown =
        t ->
            (ips == null || ips.contains(LoadBalancerQuery.address(t, state::instanceAddress)))
                && (tagValues == null || (t.tag() != null && tagValues.contains(t.tag())));
    JsonArray listeners = new JsonArray();
    for (Listener listener : lb.listeners().values()) {
      if ((!wanted.isEmpty() && !wanted.contains(listener.listenerId()))
          || (protocol != null && !protocol.equals(listener.protocol()))
          || (port != null && port != listener.port())) {
        continue;
      }
      JsonObject backend = new JsonObject();
      backend.addProperty("ListenerId", listener.listenerId());
      backend.addProperty("Protocol", listener.protocol());
      backend.addProperty("Port", listener.port());
      if (listener.layer7()) {
        JsonArray rules = new JsonArray();
        for (Rule rule : listener.rules().values()) {
          JsonArray targets = backends(rule.targets(), shown);
          if ((locations != null && !locations.contains(rule.locationId()))
              || (targetFilters && targets.isEmpty())) {
            continue;
          }
          JsonObject r = new JsonObject();
          r.addProperty("LocationId", rule.locationId());
          r.addProperty("Domain", rule.domain());
          r.addProperty("Url", rule.url());
          r.add("Targets", targets);
          rules.add(r);
        }
        if (filtered && rules.isEmpty()) {
          continue;
        }
        backend.add("Rules", rules);
      } else {
        JsonArray targets = backends(listener.targets(), shown);
        if (locations != null || (targetFilters && targets.isEmpty())) {
          continue;
        }
        backend.add("Targets", targets);
      }
      listeners.add(backend);
    }
    JsonObject response = new JsonObject();
    response.add("Listeners", listeners);
    return response;
  }

  private static final Set<String> TARGET_FILTERS =
      Set.of("location-id", "private-ip-address", "tag");
  private static final Set<String> LISTENER_PROTOCOLS =
      Set.of("TCP", "UDP", "HTTP", "HTTPS", "TCP_SSL", "QUIC");

  /** Two filters of the same name must both match: their values intersect. */
  private static List<String> narrow(List<String> current, List<String> values) {
    return current == null ? values : current.stream().filter(values::contains).toList();
  }

  /**
   * DescribeListeners' and DescribeTargets' {@code Protocol}: one of the documented protocols, or
   * null.
   */
  private static String listenerProtocol(Params p) {
    String protocol = p.optString("Protocol");
    if (protocol != null && !LISTENER_PROTOCOLS.contains(protocol)) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`Protocol` must be one of "
              + String.join(", ", LISTENER_PROTOCOLS.stream().sorted().toList())
              + ", got "
              + protocol
              + ".");
    }
    return protocol;
  }

  /** DescribeListeners' and DescribeTargets' {@code Port}: 1..65535, or null. */
  private static Integer listenerPort(Params p) {
    Integer port = p.optInt("Port");
    if (port != null && (port < 1 || port > 65535)) {
      throw new ApiError(
          "InvalidParameterValue.Range", "`Port` must be 1..65535, got " + port + ".");
    }
    return port;
  }

  private static JsonArray backends(Map<String, Target> targets, Predicate<Target> shown) {
    JsonArray array = new JsonArray();
    targets.values().stream().filter(shown).forEach(t -> array.add(Views.backend(t)));
    return array;
  }

  /** A target as the request names it: exactly one of EniIp and InstanceId, a Port, a Weight. */
  private record TargetSpec(String eniIp, String instanceId, int port, Integer weight, String tag) {
    String key() {
      return Target.key(eniIp, instanceId, port);
    }
  }

  private static TargetSpec targetSpec(Params t) {
    String eniIp = t.optString("EniIp");
    String instanceId = t.optString("InstanceId");
    if ((eniIp == null) == (instanceId == null)) {
      throw new ApiError(
          "InvalidParameter.FormatError",
          "Each target needs exactly one of `EniIp` and `InstanceId`.");
    }
    int port = t.integer("Port");
    if (port < 1 || port > 65535) {
      throw new ApiError(
          "InvalidParameterValue.Range", "Target port " + port + " is out of range.");
    }
    Integer weight = t.optInt("Weight");
    if (weight != null && (weight < 0 || weight > 100)) {
      throw new ApiError("InvalidParameterValue.Range", "Weight must be 0..100.");
    }
    // The reference: Type (CVM or ENI) "作为入参时，目前本参数暂不生效" (has no effect as input yet); checked, not
    // used.
    String type = t.optString("Type");
    if (type != null && !type.equals("CVM") && !type.equals("ENI")) {
      throw new ApiError(
          "InvalidParameterValue.Range", "Target `Type` must be CVM or ENI, got " + type + ".");
    }
    return new TargetSpec(eniIp, instanceId, port, weight, t.optString("Tag"));
  }

  private List<TargetSpec> targetSpecs(Params p, int max) {
    List<Params> raw = p.objects("Targets");
    if (raw.isEmpty()) {
      throw ApiError.missing("Targets");
    }
    if (raw.size() > max) {
      throw ApiError.tooMany("Targets", max);
    }
    List<TargetSpec> specs = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (Params t : raw) {
      TargetSpec spec = targetSpec(t);
      if (!keys.add(spec.key())) {
        throw new ApiError(
            "InvalidParameterValue.Duplicate", "Target " + spec.key() + " appears twice.");
      }
      specs.add(spec);
    }
    return specs;
  }

  /**
   * The target map a request addresses: the L4 listener's, or an L7 rule's (LocationId, else
   * Domain+Url).
   */
  private Map<String, Target> targetsOf(Listener listener, Params p) {
    if (!listener.layer7()) {
      for (String field : List.of("LocationId", "Domain", "Url")) {
        if (p.has(field)) {
          // choice: a rule on a TCP/UDP listener is refused rather than ignored (its targets belong
          // to the listener).
          throw new ApiError(
              "InvalidParameter",
              "`"
                  + field
                  + "` names a rule, but listener "
                  + listener.listenerId()
                  + " is "
                  + listener.protocol()
                  + ": its targets belong to the listener.");
        }
      }
      return listener.targets();
    }
    // As the reference says, Domain and Url do not count when LocationId is given.
    if (p.has("LocationId")) {
      return rule(listener, p.optString("LocationId")).targets();
    }
    if (p.has("Domain") && p.has("Url")) {
      return ruleByDomainUrl(listener, p.optString("Domain"), p.optString("Url")).targets();
    }
    throw new ApiError(
        "MissingParameter",
        "The request is missing a required parameter `LocationId` (or `Domain` and `Url`): listener "
            + listener.listenerId()
            + " is "
            + listener.protocol()
            + ".");
  }

  private JsonObject changeTargets(Params p, String requestId, boolean register) {
    LoadBalancer lb = writable(p.string("LoadBalancerId"));
    Listener listener = listener(lb, p.string("ListenerId"));
    List<TargetSpec> specs = targetSpecs(p, 20);
    Map<String, Target> targets = targetsOf(listener, p);
    if (register) {
      checkNetworks(lb, specs);
      long added = specs.stream().filter(s -> !targets.containsKey(s.key())).count();
      if (targets.size() + added > config.targetQuota()) {
        throw new ApiError(
            "LimitExceeded",
            "Quota of " + config.targetQuota() + " targets per listener or rule exceeded.");
      }
    }
    tasks.start(requestId, List.of(lb), () -> apply(targets, specs, register));
    return new JsonObject();
  }

  /**
   * EniIp targets must lie in the load balancer's VPC, or (with SnatPro) in a known network: see
   * {@link TargetNetworks}.
   */
  private void checkNetworks(LoadBalancer lb, List<TargetSpec> specs) {
    for (TargetSpec spec : specs) {
      if (spec.eniIp() != null) {
        targetNetworks.check(lb, spec.eniIp());
      }
    }
  }

  /**
   * choice: registering a bound target is a no-op (weight unchanged); deregistering an unbound one
   * too.
   */
  private void apply(Map<String, Target> targets, List<TargetSpec> specs, boolean register) {
    for (TargetSpec spec : specs) {
      if (register) {
        targets.computeIfAbsent(
            spec.key(),
            k ->
                new Target(
                    spec.eniIp(),
                    spec.instanceId(),
                    spec.port(),
                    spec.weight() == null ? 10 : spec.weight(),
                    spec.tag(),
                    now()));
      } else {
        targets.remove(spec.key());
      }
    }
  }

  private JsonObject batchTargets(Params p, boolean register) {
    LoadBalancer lb = writable(p.string("LoadBalancerId"));
    List<Params> raw = p.objects("Targets");
    if (raw.isEmpty()) {
      throw ApiError.missing("Targets");
    }
    if (raw.size() > 500) {
      throw ApiError.tooMany("Targets", 500);
    }
    // choice: synchronous (as Tencent's own controller treats it); per listener, a listener or rule
    // that
    // does not exist, or a quota overflow, puts the ListenerId in FailListenerIdSet and the rest
    // applies.
    // choice: a target address the load balancer may not bind refuses the whole call (before
    // anything
    // applies), as a malformed target does; only listener-level failures go to FailListenerIdSet.
    List<TargetSpec> specs = new ArrayList<>();
    for (Params t : raw) {
      specs.add(targetSpec(t));
    }
    if (register) {
      checkNetworks(lb, specs);
    }
    Map<String, List<TargetSpec>> byLocation = new LinkedHashMap<>();
    Map<String, Map<String, Target>> maps = new LinkedHashMap<>();
    Set<String> failed = new LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      Params t = raw.get(i);
      String listenerId = t.string("ListenerId");
      TargetSpec spec = specs.get(i);
      Listener listener = lb.listeners().get(listenerId);
      Map<String, Target> targets = null;
      if (listener != null) {
        if (!listener.layer7()) {
          // choice: a LocationId on a TCP/UDP listener fails that listener, as an unknown rule
          // does.
          targets = t.has("LocationId") ? null : listener.targets();
        } else if (t.has("LocationId") && listener.rules().containsKey(t.optString("LocationId"))) {
          targets = listener.rules().get(t.optString("LocationId")).targets();
        }
      }
      if (targets == null) {
        failed.add(listenerId);
        continue;
      }
      String location = listenerId + "/" + (t.has("LocationId") ? t.optString("LocationId") : "");
      maps.put(location, targets);
      byLocation.computeIfAbsent(location, k -> new ArrayList<>()).add(spec);
    }
    for (Map.Entry<String, List<TargetSpec>> entry : byLocation.entrySet()) {
      Map<String, Target> targets = maps.get(entry.getKey());
      if (register) {
        long added =
            entry.getValue().stream()
                .map(TargetSpec::key)
                .distinct()
                .filter(k -> !targets.containsKey(k))
                .count();
        if (targets.size() + added > config.targetQuota()) {
          failed.add(entry.getKey().substring(0, entry.getKey().indexOf('/')));
          continue;
        }
      }
      apply(targets, entry.getValue(), register);
    }
    JsonObject response = new JsonObject();
    response.add("FailListenerIdSet", Views.strings(failed.toArray(String[]::new)));
    response.addProperty("Message", failed.isEmpty() ? "" : "some listeners failed");
    // No state.changed() here: this runs under the state lock, and a change listener (the data
    // path)
    // takes its own monitor and then the state lock: a lock-order deadlock the scale benchmark hit.
    // ApiServer announces the change once the call has returned and the lock is released.
    return response;
  }

  private JsonObject modifyTargetWeight(Params p, String requestId) {
    LoadBalancer lb = writable(p.string("LoadBalancerId"));
    Listener listener = listener(lb, p.string("ListenerId"));
    Map<String, Target> targets = targetsOf(listener, p);
    Integer defaultWeight = p.optInt("Weight");
    List<TargetSpec> specs = targetSpecs(p, 100);
    Map<Target, Integer> changes = new LinkedHashMap<>();
    for (TargetSpec spec : specs) {
      Target target = targets.get(spec.key());
      if (target == null) {
        // choice: changing the weight of a target that is not bound is an error.
        throw new ApiError(
            "InvalidParameter", "Target " + spec.key() + " is not bound to this listener or rule.");
      }
      int weight =
          spec.weight() != null ? spec.weight() : defaultWeight != null ? defaultWeight : 10;
      if (weight < 0 || weight > 100) {
        throw new ApiError("InvalidParameterValue.Range", "Weight must be 0..100.");
      }
      changes.put(target, weight);
    }
    tasks.start(requestId, List.of(lb), () -> changes.forEach(Target::setWeight));
    return new JsonObject();
  }

  private JsonObject batchModifyTargetWeight(Params p, String requestId) {
    LoadBalancer lb = writable(p.string("LoadBalancerId"));
    List<Params> list = p.objects("ModifyList");
    if (list.isEmpty()) {
      throw ApiError.missing("ModifyList");
    }
    if (list.size() > 100) {
      throw ApiError.tooMany("ModifyList", 100);
    }
    Map<Target, Integer> changes = new LinkedHashMap<>();
    int total = 0;
    for (Params item : list) {
      Listener listener = listener(lb, item.string("ListenerId"));
      Map<String, Target> targets = targetsOf(listener, item);
      List<TargetSpec> specs = targetSpecs(item, 50);
      total += specs.size();
      Integer defaultWeight = item.optInt("Weight");
      for (TargetSpec spec : specs) {
        Target target = targets.get(spec.key());
        if (target == null) {
          throw new ApiError(
              "InvalidParameter",
              "Target " + spec.key() + " is not bound to listener " + listener.listenerId() + ".");
        }
        changes.put(
            target,
            spec.weight() != null ? spec.weight() : defaultWeight != null ? defaultWeight : 10);
      }
    }
    if (total > 500) {
      throw new ApiError(
          "InvalidParameterValue.Length", "ModifyList holds more than 500 targets in total.");
    }
    tasks.start(requestId, List.of(lb), () -> changes.forEach(Target::setWeight));
    return new JsonObject();
  }

  private JsonObject describeTargetHealth(Params p, String requestId) {
    List<String> wanted = p.strings("LoadBalancerIds");
    if (wanted.isEmpty()) {
      throw ApiError.missing("LoadBalancerIds");
    }
    if (wanted.size() > 30) {
      throw ApiError.tooMany("LoadBalancerIds", 30);
    }
    List<String> listenerIds = p.strings("ListenerIds");
    List<String> locationIds = p.strings("LocationIds");
    JsonArray result = new JsonArray();
    for (String id : wanted) {
      LoadBalancer lb = existing(id);
      JsonObject lbJson = new JsonObject();
      lbJson.addProperty("LoadBalancerId", lb.loadBalancerId());
      lbJson.addProperty("LoadBalancerName", lb.name());
      JsonArray listeners = new JsonArray();
      for (Listener listener : lb.listeners().values()) {
        if (!listenerIds.isEmpty() && !listenerIds.contains(listener.listenerId())) {
          continue;
        }
        JsonObject l = new JsonObject();
        l.addProperty("ListenerId", listener.listenerId());
        l.addProperty("ListenerName", listener.name());
        l.addProperty("Protocol", listener.protocol());
        l.addProperty("Port", listener.port());
        JsonArray rules = new JsonArray();
        if (listener.layer7()) {
          for (Rule rule : listener.rules().values()) {
            if (locationIds.isEmpty() || locationIds.contains(rule.locationId())) {
              rules.add(ruleHealth(rule.locationId(), rule.domain(), rule.url(), rule.targets()));
            }
          }
        } else {
          // L4 listeners report through one rule entry whose Domain and Url are null.
          String locationId = listener.listenerId().replace("lbl-", "loc-");
          if (locationIds.isEmpty() || locationIds.contains(locationId)) {
            rules.add(ruleHealth(locationId, null, null, listener.targets()));
          }
        }
        if (!locationIds.isEmpty() && rules.isEmpty()) {
          // choice: with LocationIds, a listener none of whose rules is named is left out.
          continue;
        }
        l.add("Rules", rules);
        listeners.add(l);
      }
      lbJson.add("Listeners", listeners);
      result.add(lbJson);
    }
    JsonObject response = new JsonObject();
    response.add("LoadBalancers", result);
    return response;
  }

  private JsonObject ruleHealth(
      String locationId, String domain, String url, Map<String, Target> targets) {
    JsonObject rule = new JsonObject();
    rule.addProperty("LocationId", locationId);
    rule.addProperty("Domain", domain);
    rule.addProperty("Url", url);
    rule.addProperty("RuleId", locationId);
    JsonArray health = new JsonArray();
    for (Target target : targets.values()) {
      String ip =
          target.eniIp() != null ? target.eniIp() : state.instanceAddress(target.instanceId());
      health.add(Views.targetHealth(target, ip));
    }
    rule.add("Targets", health);
    return rule;
  }

  private JsonObject describeTaskStatus(Params p, String requestId) {
    String taskId = p.optString("TaskId");
    String dealName = p.optString("DealName");
    if (taskId == null && dealName == null) {
      throw new ApiError(
          "MissingParameter",
          "The request is missing a required parameter: one of `TaskId` and `DealName`.");
    }
    if (taskId != null && dealName != null && !taskId.equals(dealName)) {
      // choice: the reference wants one of the two; two different ones are refused, not resolved by
      // order.
      throw new ApiError(
          "InvalidParameter",
          "`TaskId` "
              + taskId
              + " and `DealName` "
              + dealName
              + " name different tasks: give one.");
    }
    taskId = taskId != null ? taskId : dealName;
    Task task = state.tasks().get(taskId);
    if (task == null) {
      // choice: an unknown TaskId is ResourceNotFound (the API documents no code for it).
      throw new ApiError("ResourceNotFound", "Task " + taskId + " not found.");
    }
    JsonObject response = new JsonObject();
    response.addProperty("Status", task.status());
    response.add("LoadBalancerIds", Views.strings(task.loadBalancerIds().toArray(String[]::new)));
    response.addProperty("Message", task.message());
    return response;
  }

  private JsonObject describeQuota() {
    JsonArray set = new JsonArray();
    long open =
        state.loadBalancers().values().stream().filter(lb -> lb.type().equals("OPEN")).count();
    long internal =
        state.loadBalancers().values().stream().filter(lb -> lb.type().equals("INTERNAL")).count();
    set.add(quota("TOTAL_OPEN_CLB_QUOTA", open, config.loadBalancerQuota()));
    set.add(quota("TOTAL_INTERNAL_CLB_QUOTA", internal, config.loadBalancerQuota()));
    set.add(quota("TOTAL_LISTENER_QUOTA", null, config.listenerQuota()));
    set.add(quota("TOTAL_LISTENER_RULE_QUOTA", null, config.ruleQuota()));
    set.add(quota("TOTAL_TARGET_BIND_QUOTA", null, config.targetQuota()));
    JsonObject response = new JsonObject();
    response.add("QuotaSet", set);
    return response;
  }

  private static JsonObject quota(String id, Long current, int limit) {
    JsonObject quota = new JsonObject();
    quota.addProperty("QuotaId", id);
    if (current != null) {
      quota.addProperty("QuotaCurrent", current);
    }
    quota.addProperty("QuotaLimit", limit);
    return quota;
  }

  // ---- helpers

  LoadBalancer existing(String id) {
    LoadBalancer lb = state.loadBalancers().get(id);
    if (lb == null) {
      throw ApiError.lbNotFound(id);
    }
    return lb;
  }

  /** Exists, and no task (real or injected) holds it. */
  LoadBalancer writable(String id) {
    LoadBalancer lb = existing(id);
    if (lb.lockingTaskId() != null || faults.locked(id, now())) {
      throw new ApiError(
          "FailedOperation.ResourceInOperating",
          "Your task is working ("
              + (lb.lockingTaskId() == null ? "injected lock" : lb.lockingTaskId())
              + "). Pls wait for the task to complete and try again.");
    }
    return lb;
  }

  static Listener listener(LoadBalancer lb, String id) {
    Listener listener = lb.listeners().get(id);
    if (listener == null) {
      throw ApiError.listenerNotFound(id);
    }
    return listener;
  }

  static Rule rule(Listener listener, String locationId) {
    Rule rule = listener.rules().get(locationId);
    if (rule == null) {
      throw ApiError.locationNotFound(locationId);
    }
    return rule;
  }

  private static Rule ruleByDomainUrl(Listener listener, String domain, String url) {
    return listener.rules().values().stream()
        .filter(r -> r.domain().equals(domain) && r.url().equals(url))
        .findFirst()
        .orElseThrow(() -> ApiError.locationNotFound(domain + url));
  }

  String newId(String prefix) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder id = new StringBuilder(prefix);
    for (int i = 0; i < 8; i++) {
      id.append(alphabet.charAt(ids.nextInt(alphabet.length())));
    }
    return id.toString();
  }

  Instant now() {
    return state.clock().instant();
  }

  EmulatorConfig config() {
    return config;
  }

  boolean isWrite(String action) {
    return writes.contains(action);
  }
}
