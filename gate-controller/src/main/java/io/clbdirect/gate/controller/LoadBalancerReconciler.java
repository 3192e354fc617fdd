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
import io.clbdirect.gate.controller.Placements.Placement;
import io.clbdirect.gate.decide.BackendGroup;
import io.clbdirect.gate.decide.DesiredBackends;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.IngressRoutes;
import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import io.clbdirect.gate.decide.ListenerPlan;
import io.clbdirect.gate.decide.RulePlan;
import io.clbdirect.gate.decide.TargetAddress;
import io.clbdirect.gate.decide.TargetChanges;
import io.clbdirect.gate.decide.TerminatingPod;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.informer.cache.Indexer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load balancer and every direct-access frontend placed on it, served together: one
 * DescribeListeners, the missing listeners created a list of ports per call, the Ingresses' rules,
 * then one DescribeTargets for all the listeners and one batch of register / reweight / deregister
 * calls for all the frontends. Both reads are skipped while nothing they depend on changed since
 * they were last applied (a checkpoint), and redone at least every {@link #RESYNC}, after any
 * error, and when the health pass finds a target missing.
 */
final class LoadBalancerReconciler implements Reconciler {

  private static final Logger log = LoggerFactory.getLogger(LoadBalancerReconciler.class);

  /**
   * Even with no change of its own a load balancer is read again this often: someone may have
   * edited it.
   */
  static final Duration RESYNC = Duration.ofMinutes(5);

  /**
   * A load balancer's listeners and rules as last read or made.
   *
   * @param inputs what they were made from: when it changes they are looked at again
   * @param listeners L4 and L7 listeners by protocol and port
   * @param locationIds the rules of the HTTP:80 listener
   */
  private record Layout(
      String inputs,
      Map<ListenerPlan.Key, String> listeners,
      Map<RuleKey, String> locationIds,
      Instant read) {}

  /** The targets last brought in line, and when the CLB was last read for them. */
  private record Applied(Map<BackendGroup, Map<TargetAddress, Integer>> targets, Instant read) {}

  /** A frontend on this load balancer with its object from the cache. */
  private record Served(Placement placement, KubernetesObject object) {
    FrontendKey key() {
      return placement.frontend();
    }

    boolean releasing() {
      return placement.releasing();
    }
  }

  private final Indexer<V1Service> services;
  private final Indexer<V1Ingress> ingresses;
  private final Placements placements;
  private final LoadBalancers loadBalancers;
  private final IngressLoadBalancers ingressCalls;
  private final FrontendConfigs configs;
  private final FrontendSupport support;
  private final BiConsumer<FrontendKey, FrontendState> states;
  private final Consumer<FrontendKey> frontendChanged;
  private final Consumer<String> loadBalancerGone;
  private final Clock clock;
  private final Map<String, Layout> layouts = new ConcurrentHashMap<>();
  private final Map<String, Applied> applied = new ConcurrentHashMap<>();

  /**
   * @param states where each frontend's outcome goes, for the health pass
   * @param frontendChanged asks a frontend's own reconcile to run again (its release is done)
   * @param loadBalancerGone the load balancer was deleted out of band: its frontends find or make
   *     one again
   */
  LoadBalancerReconciler(
      Indexer<V1Service> services,
      Indexer<V1Ingress> ingresses,
      Placements placements,
      LoadBalancers loadBalancers,
      FrontendConfigs configs,
      FrontendSupport support,
      BiConsumer<FrontendKey, FrontendState> states,
      Consumer<FrontendKey> frontendChanged,
      Consumer<String> loadBalancerGone,
      Clock clock) {
    this.loadBalancerGone = loadBalancerGone;
    this.services = services;
    this.ingresses = ingresses;
    this.placements = placements;
    this.loadBalancers = loadBalancers;
    this.ingressCalls = new IngressLoadBalancers(loadBalancers);
    this.configs = configs;
    this.support = support;
    this.states = states;
    this.frontendChanged = frontendChanged;
    this.clock = clock;
  }

  /** A new term starts from what the CLB says. */
  void reset() {
    layouts.clear();
    applied.clear();
  }

  /**
   * The CLB may no longer hold what was applied (a target the health read does not show): read it
   * again.
   */
  void invalidate(String loadBalancerId) {
    applied.remove(loadBalancerId);
  }

  @Override
  public Result reconcile(Request request) {
    String lbId = request.getName();
    List<Served> served = new ArrayList<>();
    for (Placement placement : placements.on(lbId)) {
      KubernetesObject object =
          placement.frontend().kind() == FrontendKey.Kind.SERVICE
              ? services.getByKey(placement.frontend().cacheKey())
              : ingresses.getByKey(placement.frontend().cacheKey());
      if (object != null) {
        served.add(new Served(placement, object));
      }
    }
    if (served.isEmpty()) {
      layouts.remove(lbId);
      applied.remove(lbId);
      return new Result(false);
    }
    Map<FrontendKey, DesiredBackends> desired = new LinkedHashMap<>();
    try {
      Layout layout = layout(lbId, served);
      for (Served frontend : served) {
        if (!frontend.releasing()) {
          desired.put(frontend.key(), desired(frontend, lbId, layout));
        }
      }
      Set<String> quotaFull = converge(lbId, served, desired, layout);
      for (Served frontend : served) {
        if (frontend.releasing()) {
          placements.markReleased(frontend.key());
          frontendChanged.accept(frontend.key());
          continue;
        }
        DesiredBackends wanted = desired.get(frontend.key());
        Set<String> full = new TreeSet<>();
        wanted
            .targets()
            .keySet()
            .forEach(
                group -> {
                  if (quotaFull.contains(group.listenerId())) {
                    full.add(group.listenerId());
                  }
                });
        if (!full.isEmpty()) {
          support.warn(
              frontend.object(),
              "BackendQuotaExceeded",
              "load balancer "
                  + lbId
                  + " could not take all targets on listeners "
                  + String.join(", ", full)
                  + " (backend quota, 200 by default); the rest stay unbound");
        }
        states.accept(frontend.key(), new FrontendState(lbId, wanted.bindings(), full, null));
      }
      return new Result(true, RESYNC);
    } catch (ClbOperationException e) {
      log.warn("load balancer {} could not be brought in line, retrying: {}", lbId, e.getMessage());
      layouts.remove(lbId);
      applied.remove(lbId);
      boolean gone = e.code().startsWith("InvalidParameter.LBIdNotFound");
      if (gone) {
        loadBalancerGone.accept(lbId);
      }
      for (Served frontend : served) {
        support.warn(frontend.object(), "CloudApiError", e.getMessage());
        if (!frontend.releasing()) {
          DesiredBackends wanted =
              desired.containsKey(frontend.key())
                  ? desired.get(frontend.key())
                  : waiting(frontend, lbId);
          states.accept(
              frontend.key(), new FrontendState(lbId, wanted.bindings(), Set.of(), e.code()));
        }
      }
      return new Result(true);
    } catch (ApiException e) {
      log.warn(
          "load balancer {}: writing to the API server failed ({}), retrying: {}",
          lbId,
          e.getCode(),
          e.getResponseBody());
      layouts.remove(lbId);
      return new Result(true);
    }
  }

  // ---- listeners and rules

  private Layout layout(String lbId, List<Served> served)
      throws ClbOperationException, ApiException {
    Map<FrontendKey, TkeServiceConfigInformer.Lookup> configsOf = new HashMap<>();
    StringBuilder inputs = new StringBuilder();
    for (Served frontend : served) {
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
        ports(service).forEach(p -> inputs.append(protocol(p)).append(p.getPort()).append(','));
      } else {
        V1Ingress ingress = (V1Ingress) frontend.object();
        inputs
            .append(ingress.getMetadata().getGeneration())
            .append('|')
            .append(IngressReconciler.managedRules(ingress));
      }
      inputs.append('\n');
    }
    Layout known = layouts.get(lbId);
    if (known != null
        && known.inputs().equals(inputs.toString())
        && clock.instant().isBefore(known.read().plus(RESYNC))) {
      return known;
    }
    Listener[] present = loadBalancers.listeners(lbId);
    List<ListenerPlan.Wanted> wanted = new ArrayList<>();
    Map<ListenerPlan.Key, TkeServiceConfigInformer.Lookup> settingsOf = new HashMap<>();
    for (Served frontend : served) {
      if (frontend.releasing()) {
        continue;
      }
      TkeServiceConfigInformer.Lookup config = configsOf.get(frontend.key());
      if (frontend.object() instanceof V1Service service) {
        for (V1ServicePort port : ports(service)) {
          ListenerPlan.Key key = new ListenerPlan.Key(protocol(port), port.getPort());
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
    Layout layout =
        new Layout(
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
      List<Served> served,
      Map<FrontendKey, TkeServiceConfigInformer.Lookup> configsOf,
      Listener[] present)
      throws ClbOperationException, ApiException {
    Listener listener =
        LoadBalancers.find(present, IngressLoadBalancers.PROTOCOL, IngressLoadBalancers.PORT);
    if (listener == null) {
      return false;
    }
    boolean changed = false;
    for (Served frontend : served) {
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

  // ---- targets

  private DesiredBackends desired(Served frontend, String lbId, Layout layout) {
    if (frontend.object() instanceof V1Service service) {
      Map<Integer, String> listenerIds = new HashMap<>();
      for (V1ServicePort port : ports(service)) {
        String id = layout.listeners().get(new ListenerPlan.Key(protocol(port), port.getPort()));
        if (id != null) {
          listenerIds.put(port.getPort(), id);
        }
      }
      return DesiredBackends.of(
          service,
          support.selected(service),
          lbId,
          listenerIds,
          support.termination(service, FrontendAnnotations.SERVICE));
    }
    V1Ingress ingress = (V1Ingress) frontend.object();
    String listenerId =
        layout
            .listeners()
            .get(new ListenerPlan.Key(IngressLoadBalancers.PROTOCOL, IngressLoadBalancers.PORT));
    return DesiredBackends.ofIngress(
        ingress,
        IngressRoutes.of(ingress, frontend.placement().vip()),
        serviceIn(ingress),
        support::selected,
        lbId,
        listenerId,
        layout.locationIds(),
        support.termination(ingress, FrontendAnnotations.INGRESS));
  }

  /**
   * What the Pods wait on while the load balancer could not be read: their bindings, nothing bound.
   */
  private DesiredBackends waiting(Served frontend, String lbId) {
    if (frontend.object() instanceof V1Service service) {
      return DesiredBackends.of(service, support.selected(service), null, Map.of());
    }
    V1Ingress ingress = (V1Ingress) frontend.object();
    return DesiredBackends.ofIngress(
        ingress,
        IngressRoutes.of(ingress, frontend.placement().vip()),
        serviceIn(ingress),
        support::selected,
        null,
        null,
        Map.of());
  }

  private Function<String, V1Service> serviceIn(V1Ingress ingress) {
    String ns = ingress.getMetadata().getNamespace();
    return name -> services.getByKey(ns + "/" + name);
  }

  /**
   * Brings the targets of every group the frontends want (and of the groups a releasing frontend
   * leaves) to what is wanted, in one read and one batch of calls. Groups nobody here wants
   * (another owner's rules on a shared listener) are not touched.
   *
   * @return listener ids that refused targets for quota
   */
  private Set<String> converge(
      String lbId, List<Served> served, Map<FrontendKey, DesiredBackends> desired, Layout layout)
      throws ClbOperationException {
    Map<BackendGroup, Map<TargetAddress, Integer>> wanted = new HashMap<>();
    Map<TargetAddress, TerminatingPod> terminating = new HashMap<>();
    for (Served frontend : served) {
      if (frontend.releasing()) {
        releasedGroups(lbId, frontend, layout)
            .forEach(group -> wanted.putIfAbsent(group, new HashMap<>()));
      }
    }
    desired
        .values()
        .forEach(
            d -> {
              d.targets()
                  .forEach(
                      (group, targets) ->
                          wanted.computeIfAbsent(group, g -> new HashMap<>()).putAll(targets));
              terminating.putAll(d.terminating());
            });
    Applied last = applied.get(lbId);
    if (last != null
        && last.targets().equals(wanted)
        && clock.instant().isBefore(last.read().plus(RESYNC))) {
      return Set.of(); // nothing changed since the CLB was last brought in line: no read, no write
    }
    Set<String> listenerIds = new TreeSet<>();
    wanted.keySet().forEach(group -> listenerIds.add(group.listenerId()));
    Map<BackendGroup, Map<TargetAddress, Integer>> bound =
        support.targets().bound(lbId, listenerIds);
    List<TargetChanges> changes = new ArrayList<>();
    wanted.forEach(
        (group, want) ->
            changes.add(
                TargetChanges.diff(group, want, bound.getOrDefault(group, Map.of()), t -> true)));
    Set<String> quotaFull = support.execute(changes, terminating);
    if (quotaFull.isEmpty()) {
      applied.put(lbId, new Applied(copy(wanted), clock.instant()));
    } else {
      applied.remove(lbId); // some targets are still missing: look again next time
    }
    return quotaFull;
  }

  /**
   * The groups whose targets a releasing frontend takes off: a Service's listeners, an Ingress's
   * rules it used but did not make.
   */
  private List<BackendGroup> releasedGroups(String lbId, Served frontend, Layout layout) {
    List<BackendGroup> groups = new ArrayList<>();
    if (frontend.object() instanceof V1Service service) {
      for (V1ServicePort port : ports(service)) {
        String id = layout.listeners().get(new ListenerPlan.Key(protocol(port), port.getPort()));
        if (id != null) {
          groups.add(new BackendGroup(lbId, id, null));
        }
      }
      return groups;
    }
    V1Ingress ingress = (V1Ingress) frontend.object();
    String listenerId =
        layout
            .listeners()
            .get(new ListenerPlan.Key(IngressLoadBalancers.PROTOCOL, IngressLoadBalancers.PORT));
    if (listenerId == null) {
      return groups;
    }
    Set<RuleKey> managed = IngressReconciler.managedRules(ingress);
    for (IngressRoutes.Route route :
        IngressRoutes.of(ingress, frontend.placement().vip()).routes()) {
      String locationId = layout.locationIds().get(route.rule());
      if (locationId != null && !managed.contains(route.rule())) {
        groups.add(new BackendGroup(lbId, listenerId, locationId));
      }
    }
    return groups;
  }

  private static Map<BackendGroup, Map<TargetAddress, Integer>> copy(
      Map<BackendGroup, Map<TargetAddress, Integer>> targets) {
    Map<BackendGroup, Map<TargetAddress, Integer>> copy = new HashMap<>();
    targets.forEach((group, want) -> copy.put(group, Map.copyOf(want)));
    return copy;
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

  static List<V1ServicePort> ports(V1Service service) {
    return service.getSpec() == null || service.getSpec().getPorts() == null
        ? List.of()
        : service.getSpec().getPorts();
  }

  static String protocol(V1ServicePort port) {
    return port.getProtocol() == null ? "TCP" : port.getProtocol();
  }

  /** For the Pods a Service selects (the health pass and the triggers use the same rule). */
  List<V1Pod> selected(V1Service service) {
    return support.selected(service);
  }
}
