package io.clbdirect.gate.controller;

import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.CreateListenerResponse;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.ModifyListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.ModifyRuleRequest;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import com.tencentcloudapi.common.AbstractModel;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.clb.IngressLoadBalancers;
import io.clbdirect.gate.clb.ListenerSettings;
import io.clbdirect.gate.clb.LoadBalancers;
import io.clbdirect.gate.clb.ServiceLoadBalancers;
import io.clbdirect.gate.decide.IngressRoutes;
import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import io.clbdirect.gate.decide.ListenerPlan;
import io.clbdirect.gate.decide.RulePlan;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The listeners and rules of one load balancer made to match the frontends placed on it: one
 * DescribeListeners; the missing L4 listeners made a list of ports per CreateListener (the pure
 * {@link ListenerPlan} groups those made alike); TkeServiceConfig drift modified; each Ingress's
 * rules made, deleted and recorded as its {@link RulePlan} says, a releasing Ingress's own rules
 * deleted. Skipped while the frontends, their ports, configs and rules are as they were when last
 * read (and at least every {@link LoadBalancerReconciler#RESYNC}).
 */
final class ListenersAndRules {

  private final LoadBalancers loadBalancers;
  private final IngressLoadBalancers ingressCalls;
  private final FrontendConfigs configs;
  private final FrontendSupport support;
  private final Clock clock;
  private final Map<String, LoadBalancerLayout> layouts = new ConcurrentHashMap<>();

  ListenersAndRules(
      LoadBalancers loadBalancers, FrontendConfigs configs, FrontendSupport support, Clock clock) {
    this.loadBalancers = loadBalancers;
    this.ingressCalls = new IngressLoadBalancers(loadBalancers);
    this.configs = configs;
    this.support = support;
    this.clock = clock;
  }

  void reset() {
    layouts.clear();
  }

  /** Read again next time (an error, or nobody is placed on it any more). */
  void forget(String lbId) {
    layouts.remove(lbId);
  }

  LoadBalancerLayout bringInLine(String lbId, List<ServedFrontend> served)
      throws ClbOperationException, ApiException {
    Map<FrontendKey, TkeServiceConfigInformer.Lookup> configsOf = new HashMap<>();
    StringBuilder inputs = new StringBuilder();
    for (ServedFrontend frontend : served) {
      TkeServiceConfigInformer.Lookup config = configs.forFrontend(frontend.object());
      if (config.problem() == null) {
        support.resolved(frontend.object(), "TkeServiceConfigInvalid");
      } else {
        support.announceOnce(frontend.object(), "TkeServiceConfigInvalid", config.problem());
      }
      configsOf.put(frontend.key(), config);
      inputs
          .append(frontend.key())
          .append('|')
          .append(frontend.releasing())
          .append('|')
          .append(config.version())
          .append('|')
          .append(frontend.placement().vip())
          .append('|');
      if (frontend.object() instanceof V1Service service) {
        LoadBalancerReconciler.ports(service)
            .forEach(
                p ->
                    inputs
                        .append(LoadBalancerReconciler.protocol(p))
                        .append(p.getPort())
                        .append(','));
      } else {
        V1Ingress ingress = (V1Ingress) frontend.object();
        inputs
            .append(ingress.getMetadata().getGeneration())
            .append('|')
            .append(IngressReconciler.managedRules(ingress));
      }
      inputs.append('\n');
    }
    LoadBalancerLayout known = layouts.get(lbId);
    if (known != null
        && known.inputs().equals(inputs.toString())
        && clock.instant().isBefore(known.read().plus(LoadBalancerReconciler.RESYNC))) {
      return known;
    }
    Listener[] present = loadBalancers.listeners(lbId);
    List<ListenerPlan.Wanted> wanted = new ArrayList<>();
    Map<ListenerPlan.Key, TkeServiceConfigInformer.Lookup> settingsOf = new HashMap<>();
    for (ServedFrontend frontend : served) {
      if (frontend.releasing()) {
        continue;
      }
      TkeServiceConfigInformer.Lookup config = configsOf.get(frontend.key());
      if (frontend.object() instanceof V1Service service) {
        for (V1ServicePort port : LoadBalancerReconciler.ports(service)) {
          ListenerPlan.Key key =
              new ListenerPlan.Key(LoadBalancerReconciler.protocol(port), port.getPort());
          settingsOf.putIfAbsent(key, config);
          wanted.add(
              new ListenerPlan.Wanted(
                  key,
                  LoadBalancers.truncate(
                      "clb-direct-" + service.getMetadata().getName() + "-" + port.getPort(), 80),
                  AbstractModel.toJsonString(creationTemplate(key, config.settings()))));
        }
      } else {
        wanted.add(
            new ListenerPlan.Wanted(
                new ListenerPlan.Key(IngressLoadBalancers.PROTOCOL, IngressLoadBalancers.PORT),
                LoadBalancers.truncate(
                    "clb-direct-ingress-" + frontend.object().getMetadata().getName(), 80),
                "{}"));
      }
    }
    ListenerPlan plan = ListenerPlan.of(wanted, byKey(present));
    boolean unknownIds = false;
    Map<ListenerPlan.Key, String> createdIds = new HashMap<>();
    for (ListenerPlan.Creation creation : plan.creations()) {
      String[] ids = create(lbId, creation, settingsOf.get(creation.keys().get(0)));
      if (ids != null && ids.length == creation.keys().size()) {
        for (int i = 0; i < ids.length; i++) {
          createdIds.put(
              creation.keys().get(i), ids[i]); // the answer lists them in the order of Ports
        }
      } else {
        unknownIds = true;
      }
    }
    for (Listener listener : present) {
      ListenerPlan.Key key = key(listener);
      if (key != null && plan.existing().containsKey(key) && settingsOf.containsKey(key)) {
        Optional<ModifyListenerRequest> modify =
            settingsOf.get(key).settings().modification(lbId, listener);
        if (modify.isPresent()) {
          loadBalancers
              .gateway()
              .write("ModifyListener", lbId, c -> c.ModifyListener(modify.get()).getRequestId());
        }
      }
    }
    // Rules need the HTTP listener's id and report theirs in a read: read again then, or when an
    // answer
    // did not name the listeners it made.
    boolean httpCreated =
        createdIds.containsKey(
            new ListenerPlan.Key(IngressLoadBalancers.PROTOCOL, IngressLoadBalancers.PORT));
    if (unknownIds || httpCreated) {
      present = loadBalancers.listeners(lbId);
      createdIds.clear();
    }
    if (ingressRules(lbId, served, configsOf, present)) {
      present = loadBalancers.listeners(lbId);
    }
    Listener http =
        LoadBalancers.find(present, IngressLoadBalancers.PROTOCOL, IngressLoadBalancers.PORT);
    Map<RuleKey, String> locationIds = new HashMap<>();
    if (http != null) {
      IngressLoadBalancers.rules(http)
          .forEach((rule, output) -> locationIds.put(rule, output.getLocationId()));
    }
    Map<ListenerPlan.Key, String> listeners = byKey(present);
    listeners.putAll(createdIds);
    LoadBalancerLayout layout =
        new LoadBalancerLayout(
            inputs.toString(), Map.copyOf(listeners), Map.copyOf(locationIds), clock.instant());
    layouts.put(lbId, layout);
    return layout;
  }

  /**
   * The request a new listener is made with, less its port and name: listeners made alike share a
   * call.
   */
  private static CreateListenerRequest creationTemplate(
      ListenerPlan.Key key, ListenerSettings settings) {
    CreateListenerRequest request = new CreateListenerRequest();
    request.setProtocol(key.protocol());
    request.setHealthCheck(ServiceLoadBalancers.defaultHealthCheck());
    settings.onCreate(key.protocol(), key.port(), request);
    return request;
  }

  /**
   * @return the ids of the listeners made, in the order of their ports, or null when the answer did
   *     not say
   */
  private String[] create(
      String lbId, ListenerPlan.Creation creation, TkeServiceConfigInformer.Lookup config)
      throws ClbOperationException {
    CreateListenerRequest request;
    if (IngressLoadBalancers.PROTOCOL.equals(creation.protocol())) {
      request =
          new CreateListenerRequest(); // an L7 listener takes no health check: its rules have them
      request.setProtocol(creation.protocol());
    } else {
      request =
          creationTemplate(
              creation.keys().get(0), config == null ? ListenerSettings.NONE : config.settings());
    }
    request.setLoadBalancerId(lbId);
    request.setPorts(creation.keys().stream().map(k -> (long) k.port()).toArray(Long[]::new));
    request.setListenerNames(creation.names().toArray(String[]::new));
    String[][] ids = new String[1][];
    loadBalancers
        .gateway()
        .write(
            "CreateListener",
            lbId,
            c -> {
              CreateListenerResponse response = c.CreateListener(request);
              ids[0] = response.getListenerIds();
              return response.getRequestId();
            });
    return ids[0];
  }

  /**
   * Each Ingress's rules on the HTTP:80 listener made to match it; a releasing Ingress's own rules
   * deleted.
   *
   * @return whether rules were created or deleted (the listener must be read again for their ids)
   */
  private boolean ingressRules(
      String lbId,
      List<ServedFrontend> served,
      Map<FrontendKey, TkeServiceConfigInformer.Lookup> configsOf,
      Listener[] present)
      throws ClbOperationException, ApiException {
    Listener listener =
        LoadBalancers.find(present, IngressLoadBalancers.PROTOCOL, IngressLoadBalancers.PORT);
    if (listener == null) {
      return false;
    }
    boolean changed = false;
    for (ServedFrontend frontend : served) {
      if (!(frontend.object() instanceof V1Ingress ingress)) {
        continue;
      }
      String vip = frontend.placement().vip();
      Map<RuleKey, RuleOutput> existing = IngressLoadBalancers.rules(listener);
      Set<RuleKey> managed = IngressReconciler.managedRules(ingress);
      if (frontend.releasing()) {
        List<String> obsolete = new ArrayList<>();
        existing.forEach(
            (rule, output) -> {
              if (managed.contains(rule)) {
                obsolete.add(output.getLocationId());
              }
            });
        ingressCalls.deleteRules(lbId, listener, obsolete);
        changed |= !obsolete.isEmpty();
        continue;
      }
      ListenerSettings settings = configsOf.get(frontend.key()).settings();
      IngressRoutes routes = IngressRoutes.of(ingress, vip);
      Set<RuleKey> wantedRules = new LinkedHashSet<>();
      routes.routes().forEach(r -> wantedRules.add(r.rule()));
      RulePlan plan = RulePlan.of(wantedRules, existing.keySet(), managed);
      support
          .writer()
          .annotate(
              ingress,
              Map.of(
                  IngressReconciler.MANAGED_RULES_ANNOTATION,
                  IngressReconciler.format(plan.managedDuring())));
      ingressCalls.createRules(lbId, listener, vip, plan.create(), settings);
      List<String> obsolete = new ArrayList<>();
      plan.delete().forEach(rule -> obsolete.add(existing.get(rule).getLocationId()));
      ingressCalls.deleteRules(lbId, listener, obsolete);
      for (RuleKey rule : wantedRules) {
        if (existing.containsKey(rule)) {
          Optional<ModifyRuleRequest> modify =
              settings.modification(lbId, vip, listener, existing.get(rule));
          if (modify.isPresent()) {
            loadBalancers
                .gateway()
                .write("ModifyRule", lbId, c -> c.ModifyRule(modify.get()).getRequestId());
          }
        }
      }
      support
          .writer()
          .annotate(
              ingress,
              Map.of(
                  IngressReconciler.MANAGED_RULES_ANNOTATION,
                  IngressReconciler.format(plan.managedAfter())));
      changed |= !plan.create().isEmpty() || !plan.delete().isEmpty();
    }
    return changed;
  }

  private static Map<ListenerPlan.Key, String> byKey(Listener[] listeners) {
    Map<ListenerPlan.Key, String> byKey = new HashMap<>();
    for (Listener listener : listeners) {
      ListenerPlan.Key key = key(listener);
      if (key != null) {
        byKey.put(key, listener.getListenerId());
      }
    }
    return byKey;
  }

  private static ListenerPlan.Key key(Listener listener) {
    return listener.getProtocol() == null || listener.getPort() == null
        ? null
        : new ListenerPlan.Key(listener.getProtocol(), listener.getPort().intValue());
  }
}
