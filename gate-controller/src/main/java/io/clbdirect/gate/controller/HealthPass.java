package io.clbdirect.gate.controller;

import io.clbdirect.core.DirectAccessFrontend;
import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.clb.ClbTargets;
import io.clbdirect.gate.decide.BackendGroup;
import io.clbdirect.gate.decide.BackendObservation;
import io.clbdirect.gate.decide.Binding;
import io.clbdirect.gate.decide.GateCondition;
import io.clbdirect.gate.decide.GateConditionDecider;
import io.clbdirect.gate.decide.GateReason;
import io.clbdirect.gate.decide.HealthState;
import io.clbdirect.gate.decide.TargetAddress;
import io.clbdirect.gate.decide.UnhealthyTargets;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.extended.event.EventType;
import io.kubernetes.client.extended.event.legacy.EventRecorder;
import io.kubernetes.client.informer.cache.Caches;
import io.kubernetes.client.informer.cache.Indexer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads target health and writes every gated Pod's condition from the pure {@link
 * GateConditionDecider}.
 *
 * <p>Incremental: a pass reads only the load balancers with gates pending or with something changed
 * since the last pass (one DescribeTargetHealth per 30 of them), and decides only the Pods bound
 * there; every {@link #SWEEP} it reads them all. While nothing is pending, only the sweep runs, so
 * a settled cluster costs one read per 30 load balancers per 30 s.
 */
final class HealthPass {

  private static final Logger log = LoggerFactory.getLogger(HealthPass.class);

  /** Every load balancer is read at least this often, and nothing more while no gate waits. */
  static final Duration SWEEP = Duration.ofSeconds(30);

  private final Indexer<V1Pod> gatedPods;
  private final Indexer<V1Service> services;
  private final Indexer<V1Ingress> ingresses;
  private final String gatedIndex;
  private final String gatedValue;
  private final DirectAccessRules rules;
  private final ClbTargets targets;
  private final GateConditionDecider decider;
  private final GateStatusWriter status;
  private final EventRecorder recorder;
  private final GateMetrics metrics;
  private final Clock clock;
  private final Consumer<String> targetsMissing;
  private final Consumer<String> loadBalancerMissing;

  /** What each frontend's last reconcile established. */
  private final Map<FrontendKey, FrontendState> states = new ConcurrentHashMap<>();

  /** Load balancers whose frontends' states changed since the last pass. */
  private final Set<String> touched = ConcurrentHashMap.newKeySet();

  /**
   * A state changed with no load balancer to read (released, refused, failed): its Pods are decided
   * on the next pass.
   */
  private volatile boolean touchedWithoutLoadBalancer = true;

  private final Map<String, Instant> firstBound = new ConcurrentHashMap<>();

  /** Health between passes, for the TargetUnhealthy Events and the gauge. */
  private final UnhealthyTargets unhealthyTargets = new UnhealthyTargets();

  /** Load balancers with gates still pending after the last pass. */
  private Set<String> pending = Set.of();

  private Instant lastSweep = Instant.EPOCH;

  /** Gate patches in flight at once. */
  private final Executor writers;

  /**
   * @param gatedPods the Pod cache, with an index of the Pods that carry clb-direct's gate
   * @param targetsMissing a load balancer whose health does not show a target its reconcile bound:
   *     read it again
   * @param loadBalancerMissing a load balancer deleted out of band: its frontends find or make it
   *     again
   */
  HealthPass(
      Indexer<V1Pod> gatedPods,
      String gatedIndex,
      String gatedValue,
      Indexer<V1Service> services,
      Indexer<V1Ingress> ingresses,
      DirectAccessRules rules,
      ClbTargets targets,
      GateConditionDecider decider,
      GateStatusWriter status,
      EventRecorder recorder,
      GateMetrics metrics,
      Clock clock,
      Consumer<String> targetsMissing,
      Consumer<String> loadBalancerMissing,
      Executor writers) {
    this.writers = writers;
    this.gatedPods = gatedPods;
    this.gatedIndex = gatedIndex;
    this.gatedValue = gatedValue;
    this.services = services;
    this.ingresses = ingresses;
    this.rules = rules;
    this.targets = targets;
    this.decider = decider;
    this.status = status;
    this.recorder = recorder;
    this.metrics = metrics;
    this.clock = clock;
    this.targetsMissing = targetsMissing;
    this.loadBalancerMissing = loadBalancerMissing;
  }

  /**
   * Keeps what a reconcile established.
   *
   * @return whether it changes what the frontend's Pods should say (released, first bound, another
   *     load balancer, a refusal or error come or gone): the caller then asks for a pass at once
   */
  boolean record(FrontendKey key, FrontendState state) {
    FrontendState before = state == null ? states.remove(key) : states.put(key, state);
    boolean withLoadBalancer = false;
    for (FrontendState s : new FrontendState[] {before, state}) {
      if (s != null && s.loadBalancerId() != null) {
        touched.add(s.loadBalancerId());
        withLoadBalancer = true;
      }
    }
    if (!withLoadBalancer || state == null) {
      // Refused, failed before a load balancer, or released: what its Pods say needs no health
      // read.
      touchedWithoutLoadBalancer = true;
    }
    return FrontendState.changesReasons(before, state);
  }

  /**
   * Whether a pass has something to do now: gates pending, or a change since the last one, or the
   * sweep due.
   */
  boolean due() {
    return !pending.isEmpty() || !touched.isEmpty() || touchedWithoutLoadBalancer || sweepDue();
  }

  private boolean sweepDue() {
    return !clock.instant().isBefore(lastSweep.plus(SWEEP));
  }

  /** A new term: nothing known yet. */
  void reset() {
    states.clear();
    touched.clear();
    touchedWithoutLoadBalancer = true;
    unhealthyTargets.forget();
    pending = Set.of();
    lastSweep = Instant.EPOCH;
  }

  /** Another replica reports. */
  void stopReporting() {
    metrics.unhealthy(Map.of());
  }

  /** One pass; the caller never runs two at once. */
  void run() {
    if (!due()) {
      return;
    }
    boolean sweep = sweepDue();
    Set<String> known = new HashSet<>();
    states
        .values()
        .forEach(
            s -> {
              if (s.loadBalancerId() != null) {
                known.add(s.loadBalancerId());
              }
            });
    Set<String> read = new HashSet<>(known);
    if (!sweep) {
      Set<String> wanted = new HashSet<>(pending);
      wanted.addAll(touched);
      read.retainAll(wanted);
    }
    touched.clear();
    touchedWithoutLoadBalancer = false;
    if (sweep) {
      lastSweep = clock.instant();
    }
    Map<BackendGroup, Map<TargetAddress, HealthState>> health = Map.of();
    Set<String> missing = Set.of();
    String error = null;
    try {
      if (!read.isEmpty()) {
        ClbTargets.HealthRead result = targets.health(read);
        health = result.health();
        missing = result.missing();
      }
    } catch (ClbOperationException e) {
      error = e.code();
    }
    Map<String, List<BackendObservation>> observations = new HashMap<>();
    List<UnhealthyTargets.Sighting> sightings = new ArrayList<>();
    Set<String> unread = new HashSet<>(known);
    unread.removeAll(read);
    Set<String> recheck = new HashSet<>();
    for (Map.Entry<FrontendKey, FrontendState> entry : states.entrySet()) {
      FrontendState state = entry.getValue();
      FrontendKey key = entry.getKey();
      UnhealthyTargets.FrontendId frontend =
          new UnhealthyTargets.FrontendId(
              key.namespace(), key.kind().name().toLowerCase(Locale.ROOT) + "/" + key.name());
      String gone =
          state.loadBalancerId() != null && missing.contains(state.loadBalancerId())
              ? "InvalidParameter.LBIdNotFound"
              : null;
      if (gone != null) {
        loadBalancerMissing.accept(state.loadBalancerId());
      }
      for (Map.Entry<String, List<Binding>> pod : state.bindings().entrySet()) {
        for (Binding binding : pod.getValue()) {
          String bindingError = state.error() != null ? state.error() : gone != null ? gone : error;
          BackendObservation observed;
          if (state.refusal() != null) {
            observed =
                new BackendObservation(
                    binding.frontend(),
                    binding.loadBalancerId(),
                    binding.listenerId(),
                    state.refusal().state(),
                    state.refusal().message());
          } else if (binding.loadBalancerId() != null
              && unread.contains(binding.loadBalancerId())
              && bindingError == null) {
            observed = null; // not read this pass: its Pod is decided on a pass that reads it
          } else {
            observed = HealthState.observe(binding, health, bindingError);
          }
          if (observed == null) {
            observations.computeIfAbsent(pod.getKey(), k -> new ArrayList<>()).add(null);
            continue;
          }
          if (observed.state() == BackendObservation.State.NOT_BOUND
              && binding.listenerId() != null) {
            if (state.quotaFull().contains(binding.listenerId())) {
              observed =
                  new BackendObservation(
                      binding.frontend(),
                      binding.loadBalancerId(),
                      binding.listenerId(),
                      BackendObservation.State.QUOTA_EXCEEDED,
                      null);
            } else if (binding.group() != null && bindingError == null) {
              recheck.add(
                  binding
                      .loadBalancerId()); // bound by its reconcile, yet not there: someone removed
              // it
            }
          }
          observations.computeIfAbsent(pod.getKey(), k -> new ArrayList<>()).add(observed);
          sightings.add(
              new UnhealthyTargets.Sighting(pod.getKey(), frontend, binding.target(), observed));
        }
      }
    }
    recheck.forEach(targetsMissing);
    decide(observations, sightings);
  }

  private void decide(
      Map<String, List<BackendObservation>> observations,
      List<UnhealthyTargets.Sighting> sightings) {
    int notReady = 0;
    Set<String> stillPending = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    Set<String> live = new HashSet<>();
    Map<String, List<DirectAccessFrontend>> frontendsByNamespace = new HashMap<>();
    for (V1Pod pod : gatedPods.byIndex(gatedIndex, gatedValue)) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      live.add(pod.getMetadata().getUid());
      String podKey = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      List<BackendObservation> observed = observations.get(podKey);
      GateCondition current = GateStatusWriter.current(pod);
      if (observed != null && observed.contains(null)) {
        if (current == null || !current.status()) {
          notReady++; // unchanged since its last decision
        }
        continue;
      }
      if (observed == null) {
        if (selectedByAnyFrontend(pod, frontendsByNamespace)) {
          continue; // selected, but not servable yet (no Pod IP) or its frontend not reconciled yet
        }
        observed = List.of();
      }
      GateCondition wanted = decider.decide(observed, current);
      boolean waitingOnHealth =
          wanted.reason()
              == GateReason.DirectAccessResumed; // kept True, but ...Ready is due once healthy
      if (!wanted.status() || waitingOnHealth || current == null) {
        if (!wanted.status()) {
          notReady++;
        }
        observed.forEach(
            o -> {
              if (o.loadBalancerId() != null) {
                stillPending.add(o.loadBalancerId());
              }
            });
      }
      if (observed.stream()
          .anyMatch(
              o ->
                  !o.state().refusal()
                      && o.state() != BackendObservation.State.NOT_BOUND
                      && o.state() != BackendObservation.State.LISTENER_MISSING
                      && o.state() != BackendObservation.State.API_ERROR)) {
        firstBound.putIfAbsent(pod.getMetadata().getUid(), clock.instant());
      }
      if (GateStatusWriter.differs(pod, wanted)) {
        List<BackendObservation> seen = observed;
        writes.add(
            CompletableFuture.runAsync(
                () -> write(pod, podKey, wanted, current, seen, stillPending), writers));
      }
    }
    // The patches go out together (a few at a time): one after the other, thousands of gates
    // opening at
    // once would wait on one round trip each. The pass ends when all are answered.
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    announce(unhealthyTargets.observe(sightings, clock.instant()));
    metrics.waiting(notReady);
    pending = stillPending;
    firstBound.keySet().retainAll(live);
  }

  private void write(
      V1Pod pod,
      String podKey,
      GateCondition wanted,
      GateCondition current,
      List<BackendObservation> observed,
      Set<String> stillPending) {
    try {
      if (status.write(pod, wanted)) {
        recorder.event(
            pod,
            wanted.reason().severity() == GateReason.Severity.WARNING
                ? EventType.Warning
                : EventType.Normal,
            wanted.reason().name(),
            "%s",
            wanted.message());
        if (wanted.status()
            && wanted.reason() == GateReason.LoadBalancerNetworkGroupReady
            && (current == null || !current.status())) {
          recordReady(pod);
        }
      }
    } catch (ApiException | RuntimeException e) {
      log.debug("gate patch of {} failed ({}), next pass retries", podKey, e.toString());
      observed.forEach(
          o -> {
            if (o.loadBalancerId() != null) {
              stillPending.add(o.loadBalancerId());
            }
          });
      touchedWithoutLoadBalancer = true;
    }
  }

  /**
   * Targets that turned Dead after Alive (or recovered) as Events on their Pods, and the Dead count
   * per frontend.
   */
  private void announce(UnhealthyTargets.Pass pass) {
    for (UnhealthyTargets.Change change : pass.changes()) {
      V1Pod pod = gatedPods.getByKey(change.pod());
      if (pod != null) {
        recorder.event(
            pod,
            change.kind() == UnhealthyTargets.Kind.TURNED_UNHEALTHY
                ? EventType.Warning
                : EventType.Normal,
            change.eventReason(),
            "%s",
            change.message());
      }
    }
    metrics.unhealthy(pass.dead());
  }

  private void recordReady(V1Pod pod) {
    Instant now = clock.instant();
    Instant bound = firstBound.get(pod.getMetadata().getUid());
    metrics.ready(
        pod.getMetadata().getCreationTimestamp() == null
            ? null
            : Duration.between(pod.getMetadata().getCreationTimestamp().toInstant(), now),
        bound == null ? null : Duration.between(bound, now));
  }

  /**
   * @param cache this pass's frontends per namespace: computed once per namespace, not once per Pod
   */
  private boolean selectedByAnyFrontend(V1Pod pod, Map<String, List<DirectAccessFrontend>> cache) {
    // A frontend being deleted is being released: its Pods are not held for it (it may linger in
    // the cache
    // for a moment after its finalizer went).
    List<DirectAccessFrontend> frontends =
        cache.computeIfAbsent(
            pod.getMetadata().getNamespace(),
            ns ->
                rules.frontends(
                    notDeleting(services.byIndex(Caches.NAMESPACE_INDEX, ns)),
                    notDeleting(ingresses.byIndex(Caches.NAMESPACE_INDEX, ns)),
                    name -> services.getByKey(ns + "/" + name)));
    return frontends.stream().anyMatch(f -> f.selects(pod.getMetadata().getLabels()));
  }

  private static <T extends KubernetesObject> List<T> notDeleting(List<T> objects) {
    return objects.stream().filter(o -> o.getMetadata().getDeletionTimestamp() == null).toList();
  }
}
