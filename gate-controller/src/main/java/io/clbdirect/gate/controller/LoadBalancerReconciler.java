package io.clbdirect.gate.controller;

import io.clbdirect.gate.clb.ClbErrors;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.clb.FencedWrite;
import io.clbdirect.gate.clb.LoadBalancers;
import io.clbdirect.gate.controller.Placements.Placement;
import io.clbdirect.gate.decide.BackendGroup;
import io.clbdirect.gate.decide.DesiredBackends;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.IngressRoutes;
import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import io.clbdirect.gate.decide.ListenerPlan;
import io.clbdirect.gate.decide.ServiceProtocols;
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
import java.util.List;
import java.util.Map;
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

  /** The targets last brought in line, and when the CLB was last read for them. */
  private record Applied(Map<BackendGroup, Map<TargetAddress, Integer>> targets, Instant read) {}

  private final Indexer<V1Service> services;
  private final Indexer<V1Ingress> ingresses;
  private final Placements placements;
  private final LoadBalancers loadBalancers;
  private final ListenersAndRules listenersAndRules;
  private final FrontendSupport support;
  private final BiConsumer<FrontendKey, FrontendState> states;
  private final Consumer<FrontendKey> frontendChanged;
  private final Consumer<String> loadBalancerGone;
  private final Clock clock;
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
    this.listenersAndRules = new ListenersAndRules(loadBalancers, configs, support, clock);
    this.support = support;
    this.states = states;
    this.frontendChanged = frontendChanged;
    this.clock = clock;
  }

  /** A new term starts from what the CLB says. */
  void reset() {
    listenersAndRules.reset();
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
    List<ServedFrontend> served = new ArrayList<>();
    for (Placement placement : placements.on(lbId)) {
      KubernetesObject object =
          placement.frontend().kind() == FrontendKey.Kind.SERVICE
              ? services.getByKey(placement.frontend().cacheKey())
              : ingresses.getByKey(placement.frontend().cacheKey());
      if (object != null) {
        served.add(new ServedFrontend(placement, object));
      }
    }
    if (served.isEmpty()) {
      listenersAndRules.forget(lbId);
      applied.remove(lbId);
      return new Result(false);
    }
    Map<FrontendKey, DesiredBackends> desired = new LinkedHashMap<>();
    try {
      LoadBalancerLayout layout = listenersAndRules.bringInLine(lbId, served);
      for (ServedFrontend frontend : served) {
        if (!frontend.releasing()) {
          desired.put(frontend.key(), desired(frontend, lbId, layout));
        }
      }
      Set<String> quotaFull = converge(lbId, served, desired, layout);
      for (ServedFrontend frontend : served) {
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
    } catch (FencedWrite e) {
      // This replica may no longer hold the Lease: nothing said to the frontends or their Pods, no
      // retry; the next holder reads this load balancer afresh.
      log.debug("load balancer {}: reconcile stopped, a CLB write was fenced", lbId);
      listenersAndRules.forget(lbId);
      applied.remove(lbId);
      return new Result(false);
    } catch (ClbOperationException e) {
      log.warn("load balancer {} could not be brought in line, retrying: {}", lbId, e.getMessage());
      listenersAndRules.forget(lbId);
      applied.remove(lbId);
      boolean gone = e.code().startsWith("InvalidParameter.LBIdNotFound");
      if (gone) {
        loadBalancerGone.accept(lbId);
      }
      for (ServedFrontend frontend : served) {
        support.warn(frontend.object(), ClbErrors.eventReason(e), ClbErrors.eventMessage(e));
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
      listenersAndRules.forget(lbId);
      return new Result(true);
    }
  }

  // ---- targets

  private DesiredBackends desired(ServedFrontend frontend, String lbId, LoadBalancerLayout layout) {
    if (frontend.object() instanceof V1Service service) {
      Map<Integer, String> listenerIds = new HashMap<>();
      ServiceProtocols protocols = ServiceProtocols.of(service);
      for (V1ServicePort port : ports(service)) {
        String id =
            layout.listeners().get(new ListenerPlan.Key(protocols.protocol(port), port.getPort()));
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
    return DesiredBackends.ofIngress(
        ingress,
        support.routes(ingress, frontend.placement().vip()),
        serviceIn(ingress),
        support::selected,
        lbId,
        layout.ingressListeners(),
        layout.locationIds(),
        support.termination(ingress, FrontendAnnotations.INGRESS));
  }

  /**
   * What the Pods wait on while the load balancer could not be read: their bindings, nothing bound.
   */
  private DesiredBackends waiting(ServedFrontend frontend, String lbId) {
    if (frontend.object() instanceof V1Service service) {
      return DesiredBackends.of(service, support.selected(service), null, Map.of());
    }
    V1Ingress ingress = (V1Ingress) frontend.object();
    return DesiredBackends.ofIngress(
        ingress,
        support.routes(ingress, frontend.placement().vip()),
        serviceIn(ingress),
        support::selected,
        null,
        Map.of(),
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
      String lbId,
      List<ServedFrontend> served,
      Map<FrontendKey, DesiredBackends> desired,
      LoadBalancerLayout layout)
      throws ClbOperationException {
    Map<BackendGroup, Map<TargetAddress, Integer>> wanted = new HashMap<>();
    Map<TargetAddress, TerminatingPod> terminating = new HashMap<>();
    for (ServedFrontend frontend : served) {
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
  private List<BackendGroup> releasedGroups(
      String lbId, ServedFrontend frontend, LoadBalancerLayout layout) {
    List<BackendGroup> groups = new ArrayList<>();
    if (frontend.object() instanceof V1Service service) {
      ServiceProtocols protocols = ServiceProtocols.of(service);
      for (V1ServicePort port : ports(service)) {
        String id =
            layout.listeners().get(new ListenerPlan.Key(protocols.protocol(port), port.getPort()));
        if (id != null) {
          groups.add(new BackendGroup(lbId, id, null));
        }
      }
      return groups;
    }
    V1Ingress ingress = (V1Ingress) frontend.object();
    Set<RuleKey> managed = IngressReconciler.managedRules(ingress);
    for (IngressRoutes.Route route : support.routes(ingress, frontend.placement().vip()).routes()) {
      String listenerId = layout.ingressListeners().get(route.rule().scheme());
      String locationId = layout.locationIds().get(route.rule());
      if (listenerId != null && locationId != null && !managed.contains(route.rule())) {
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

  static List<V1ServicePort> ports(V1Service service) {
    return service.getSpec() == null || service.getSpec().getPorts() == null
        ? List.of()
        : service.getSpec().getPorts();
  }

  /** For the Pods a Service selects (the health pass and the triggers use the same rule). */
  List<V1Pod> selected(V1Service service) {
    return support.selected(service);
  }
}
