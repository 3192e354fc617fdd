package io.clbdirect.gate.controller;

import io.clbdirect.core.DirectAccessFrontend;
import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.core.InformerSync;
import io.clbdirect.core.KubernetesClients;
import io.clbdirect.gate.clb.ClbOperationException;
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
import io.kubernetes.client.extended.event.legacy.LegacyEventBroadcaster;
import io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue;
import io.kubernetes.client.extended.workqueue.RateLimitingQueue;
import io.kubernetes.client.extended.workqueue.ratelimiter.ItemExponentialFailureRateLimiter;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.informer.cache.Caches;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the Pods of direct-access LoadBalancer Services and Ingresses as CLB backends and drives their
 * readiness gate. Watch events feed a workqueue of frontends; a reconcile ({@link ServiceReconciler},
 * {@link IngressReconciler}) makes sure the load balancer, listeners and rules exist, diffs the wanted
 * targets against the bound ones and sends the planned batch calls. A health pass (every
 * {@code healthInterval}) reads target health for all load balancers, 30 per call, and writes each gated
 * Pod's condition from the pure {@link GateConditionDecider}.
 */
public final class GateController implements InformerSync, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GateController.class);

  /** Held on direct-access Services and Ingresses so their targets (and a load balancer made for them) are cleaned up. */
  public static final String FINALIZER = FrontendReconciler.FINALIZER;
  /** Pods carrying clb-direct's readiness gate, indexed so a health pass never walks every Pod of the cluster. */
  static final String GATED_INDEX = "clb-direct-gated";
  private static final String GATED = "gated";
  /** While nothing waits on a gate, health is read this rarely (initial mode needs it only for new Pods). */
  static final Duration SETTLED_INTERVAL = Duration.ofSeconds(30);
  /** How often a refused frontend is looked at again without a change of its own (SNAT Pro may be switched on in the console). */
  static final Duration REFUSAL_RECHECK = Duration.ofSeconds(30);
  /** A reconcile that changed what a frontend's Pods should say asks for a health pass this soon. */
  static final Duration PROMPT_PASS = Duration.ofMillis(50);

  private final DirectAccessRules rules;
  private final ClbTargets targets;
  private final GateConditionDecider decider;
  private final GateStatusWriter status;
  private final Duration healthInterval;
  private final SharedIndexInformer<V1Service> services;
  private final SharedIndexInformer<V1Pod> pods;
  private final SharedIndexInformer<V1Ingress> ingresses;
  private final TkeServiceConfigInformer configs;
  private final Map<FrontendKey.Kind, FrontendReconciler> reconcilers = new EnumMap<>(FrontendKey.Kind.class);
  private final RateLimitingQueue<FrontendKey> queue = new DefaultRateLimitingQueue<>(Executors.newSingleThreadExecutor(),
      new ItemExponentialFailureRateLimiter<>(Duration.ofMillis(200), Duration.ofSeconds(30)));
  private final Map<FrontendKey, FrontendState> states = new ConcurrentHashMap<>();
  private final ScheduledExecutorService threads;
  private final int workers;
  private volatile boolean running;
  private volatile boolean leading;
  private final LegacyEventBroadcaster events;
  private final EventRecorder recorder;
  private final FrontendSupport support;
  private final AtomicInteger waiting = new AtomicInteger();
  private final Map<String, Instant> firstBound = new ConcurrentHashMap<>();
  /** The last pass left gates waiting (or about to change): read health at the fast pace. */
  private volatile boolean unsettled = true;
  /** A reconcile changed something since the last pass began: read health at the fast pace. */
  private final AtomicBoolean changed = new AtomicBoolean(true);
  private final AtomicBoolean promptPassScheduled = new AtomicBoolean();
  private final Object passLock = new Object();
  private volatile Instant lastHealthRead = Instant.EPOCH;
  /** Health between passes, for the TargetUnhealthy Events and the gauge. Used under {@link #passLock}. */
  private final UnhealthyTargets unhealthyTargets = new UnhealthyTargets();
  private final MultiGauge unhealthyGauge;
  private final Timer reconcileTimer;
  private final Timer creationToReady;
  private final Timer boundToReady;

  public GateController(KubernetesClients clients, SharedInformerFactory factory, DirectAccessRules rules,
      LoadBalancers loadBalancers, ClbTargets targets, GateConditionDecider decider, Duration healthInterval, int workers,
      MeterRegistry meters, BooleanSupplier directAccessAvailable, BooleanSupplier podIpsOutsideVpc, BooleanSupplier podGracefulDeletion) {
    // Several workers: a cold start with hundreds of Services is bound by CLB round trips and task waits
    // (docs/benchmarks.md, item 4), not by CPU. The workqueue never hands one key to two workers at once.
    this.workers = workers;
    this.threads = Executors.newScheduledThreadPool(workers + 1, runnable -> {
      Thread thread = new Thread(runnable, "clb-direct-gate-controller");
      thread.setDaemon(true);
      return thread;
    });
    this.events = EventRecording.broadcaster(new CoreV1Api(clients.calling()));
    this.recorder = events.newRecorder(new V1EventSource().component("clb-direct-gate-controller"));
    Gauge.builder("clb_direct_gate_pods_waiting", waiting, AtomicInteger::get)
        .description("Pods whose readiness gate is False").register(meters);
    this.unhealthyGauge = MultiGauge.builder("clb_direct_gate_targets_unhealthy")
        .description("Bound targets the CLB health check reports Dead, per direct-access Service or Ingress (initial mode included)")
        .register(meters);
    this.reconcileTimer = Timer.builder("clb_direct_gate_reconcile_duration")
        .description("One Service or Ingress reconcile, CLB calls included").publishPercentileHistogram().register(meters);
    this.creationToReady = Timer.builder("clb_direct_gate_creation_to_ready")
        .description("Pod creation to its gate first True").publishPercentileHistogram().register(meters);
    this.boundToReady = Timer.builder("clb_direct_gate_bound_to_ready")
        .description("Target first seen bound to the gate first True (health checks passing)").publishPercentileHistogram().register(meters);
    this.rules = rules;
    this.targets = targets;
    this.decider = decider;
    this.status = new GateStatusWriter(clients.calling());
    this.healthInterval = healthInterval;
    this.services = existingOr(factory, V1Service.class, () -> factory.sharedIndexInformerFor(
        new GenericKubernetesApi<>(V1Service.class, V1ServiceList.class, "", "v1", "services", clients.watching()), V1Service.class, 0));
    this.pods = existingOr(factory, V1Pod.class, () -> factory.sharedIndexInformerFor(
        new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", clients.watching()), V1Pod.class, 0));
    this.ingresses = existingOr(factory, V1Ingress.class, () -> factory.sharedIndexInformerFor(
        new GenericKubernetesApi<>(V1Ingress.class, V1IngressList.class, "networking.k8s.io", "v1", "ingresses", clients.watching()),
        V1Ingress.class, 0));
    pods.addIndexers(Map.of(GATED_INDEX, pod -> gated(pod) ? List.of(GATED) : List.of()));
    this.support = new FrontendSupport(pods, targets, new FrontendWriter(clients.calling()), recorder,
        DeletionToClbChange.register(meters, java.time.Clock.systemUTC()), podGracefulDeletion);
    this.configs = new TkeServiceConfigInformer(clients, factory, loadBalancers, support, this::enqueueReferencing);
    reconcilers.put(FrontendKey.Kind.SERVICE, new ServiceReconciler(services, rules, new ServiceLoadBalancers(loadBalancers), configs,
        support, directAccessAvailable, podIpsOutsideVpc));
    reconcilers.put(FrontendKey.Kind.INGRESS, new IngressReconciler(ingresses, services, rules, new IngressLoadBalancers(loadBalancers),
        configs, support, directAccessAvailable, podIpsOutsideVpc));
    services.addEventHandler(handler(service -> {
      enqueue(FrontendKey.service(service.getMetadata().getNamespace(), service.getMetadata().getName()));
      enqueueIngressesOf(service.getMetadata().getNamespace(), service.getMetadata().getName());
    }, this::forgetFrontend));
    pods.addEventHandler(handler(pod -> enqueueFrontendsOf(pod.getMetadata().getNamespace()), pod -> { }));
    ingresses.addEventHandler(handler(ingress -> enqueue(FrontendKey.ingress(ingress.getMetadata().getNamespace(),
        ingress.getMetadata().getName())), this::forgetFrontend));
  }

  private static <T extends KubernetesObject> SharedIndexInformer<T> existingOr(
      SharedInformerFactory factory, Class<T> type, Supplier<SharedIndexInformer<T>> create) {
    SharedIndexInformer<T> existing = factory.getExistingSharedIndexInformer(type);
    return existing != null ? existing : create.get();
  }

  /** @param onDeleted after onChange, for a deleted object */
  private static <T extends KubernetesObject> ResourceEventHandler<T> handler(Consumer<T> onChange, Consumer<T> onDeleted) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        onChange.accept(object);
      }

      @Override
      public void onUpdate(T old, T object) {
        onChange.accept(object);
      }

      @Override
      public void onDelete(T object, boolean unknownFinalState) {
        onChange.accept(object);
        onDeleted.accept(object);
      }
    };
  }

  /**
   * A Service or Ingress is gone: its announcements are forgotten. (Its Pods' gates need nothing here: the
   * reconcile that released it asked for a pass, and a frontend being deleted never holds a Pod.)
   */
  private void forgetFrontend(KubernetesObject frontend) {
    if (frontend.getMetadata() != null && frontend.getMetadata().getUid() != null) {
      support.forget(frontend.getMetadata().getUid());
    }
  }

  private void enqueue(FrontendKey key) {
    if (running) {
      queue.add(key);
    }
  }

  /** A Pod changed: every direct-access frontend of its namespace may select it. */
  private void enqueueFrontendsOf(String namespace) {
    for (V1Service service : services.getIndexer().byIndex(Caches.NAMESPACE_INDEX, namespace)) {
      if (rules.isDirectAccessService(service)) {
        enqueue(FrontendKey.service(namespace, service.getMetadata().getName()));
      }
    }
    enqueueIngressesOf(namespace, null);
  }

  /** The direct-access Ingresses of a namespace, only those with this backend Service when one is named. */
  private void enqueueIngressesOf(String namespace, String serviceName) {
    for (V1Ingress ingress : ingresses.getIndexer().byIndex(Caches.NAMESPACE_INDEX, namespace)) {
      if ((rules.isDirectAccessIngress(ingress) || FrontendWriter.hasFinalizer(ingress, FINALIZER))
          && (serviceName == null || DirectAccessRules.backendServiceNames(ingress).contains(serviceName))) {
        enqueue(FrontendKey.ingress(namespace, ingress.getMetadata().getName()));
      }
    }
  }

  /** A TkeServiceConfig changed: the frontends naming it apply it again. */
  private void enqueueReferencing(String namespace, String configName) {
    for (V1Service service : services.getIndexer().byIndex(Caches.NAMESPACE_INDEX, namespace)) {
      if (configName.equals(TkeServiceConfigInformer.referenceOf(service))) {
        enqueue(FrontendKey.service(namespace, service.getMetadata().getName()));
      }
    }
    for (V1Ingress ingress : ingresses.getIndexer().byIndex(Caches.NAMESPACE_INDEX, namespace)) {
      if (configName.equals(TkeServiceConfigInformer.referenceOf(ingress))) {
        enqueue(FrontendKey.ingress(namespace, ingress.getMetadata().getName()));
      }
    }
  }

  /** Starts the loops; they only act while {@link #lead()} has been called and {@link #stopLeading()} not. */
  public void start() {
    running = true;
    events.startRecording();
    for (int i = 0; i < workers; i++) {
      threads.submit(this::work);
    }
    threads.scheduleWithFixedDelay(this::healthPass, healthInterval.toMillis(), healthInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** This replica now holds the Lease: reconcile every frontend from scratch. */
  public void lead() {
    states.clear();
    reconcilers.values().forEach(FrontendReconciler::reset);
    support.forgetAnnouncements();
    synchronized (passLock) {
      unhealthyTargets.forget();
    }
    leading = true;
    for (V1Service service : services.getIndexer().list()) {
      enqueue(FrontendKey.service(service.getMetadata().getNamespace(), service.getMetadata().getName()));
    }
    for (V1Ingress ingress : ingresses.getIndexer().list()) {
      enqueue(FrontendKey.ingress(ingress.getMetadata().getNamespace(), ingress.getMetadata().getName()));
    }
  }

  /** Another replica writes from now on; nothing is written here until {@link #lead()} again. */
  public void stopLeading() {
    leading = false;
    unhealthyGauge.register(List.of(), true); // the leader reports
  }

  private void work() {
    while (running) {
      FrontendKey key;
      try {
        key = queue.get();
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        return;
      }
      try {
        if (!leading) {
          continue; // lead() enqueues everything again
        }
        if (!hasSynced()) {
          queue.addAfter(key, Duration.ofMillis(200));
          continue;
        }
        Timer.Sample sample = Timer.start();
        try {
          FrontendState state = reconcilers.get(key.kind()).reconcile(key);
          // Gates are released by the health pass once no frontend selects the Pods.
          record(key, state);
        } finally {
          sample.stop(reconcileTimer);
        }
        queue.forget(key);
      } catch (FrontendFailure e) {
        record(key, e.state());
        if (e.refusal() != null) {
          refused(key, e.refusal());
        } else {
          cloudApiError(key, e.clbError());
        }
      } catch (ClbOperationException e) {
        cloudApiError(key, e);
      } catch (ApiException e) {
        log.warn("reconcile of {} failed, retrying: {} {}", key, e.getCode(), e.getResponseBody());
        queue.addRateLimited(key);
      } catch (RuntimeException e) {
        log.warn("reconcile of {} failed, retrying", key, e);
        queue.addRateLimited(key);
      } catch (Error e) {
        // Logged loudly and retried, so the worker thread never dies quietly while this replica holds the Lease.
        log.error("reconcile of {} failed with {}, retrying; this replica likely needs a restart", key, e, e);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  }

  /**
   * Keeps what a reconcile established for the health pass. Any change reads health on the next pass
   * (within {@code healthInterval}); one that changes what the frontend's Pods should say (released,
   * first bound, another load balancer, a refusal or error come or gone) asks for a pass at once, so
   * their reasons follow within the reconcile instead of the settled 30 s.
   */
  private void record(FrontendKey key, FrontendState state) {
    FrontendState before = state == null ? states.remove(key) : states.put(key, state);
    if (state != null) {
      changed.set(true);
    }
    if (FrontendState.changesReasons(before, state)) {
      promptHealthPass();
    }
  }

  /** A health pass soon, coalesced: many changes at once make one pass. */
  private void promptHealthPass() {
    changed.set(true);
    if (running && promptPassScheduled.compareAndSet(false, true)) {
      threads.schedule(() -> {
        promptPassScheduled.set(false);
        healthPass();
      }, PROMPT_PASS.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void cloudApiError(FrontendKey key, ClbOperationException e) {
    log.warn("reconcile of {} failed, retrying: {}", key, e.getMessage());
    KubernetesObject failed = key.kind() == FrontendKey.Kind.SERVICE
        ? services.getIndexer().getByKey(key.cacheKey()) : ingresses.getIndexer().getByKey(key.cacheKey());
    if (failed != null) {
      recorder.event(failed, EventType.Warning, "CloudApiError", "%s", e.getMessage());
    }
    queue.addRateLimited(key);
  }

  /**
   * The user must act (fix an annotation, enable SNAT Pro on a load balancer): said once as an Event, and
   * looked at again now and then rather than retried at the API-error pace. Pods wait with the reason.
   */
  private void refused(FrontendKey key, LoadBalancerRefused e) {
    log.info("{} is not served: {}", key, e.getMessage());
    KubernetesObject frontend = key.kind() == FrontendKey.Kind.SERVICE
        ? services.getIndexer().getByKey(key.cacheKey()) : ingresses.getIndexer().getByKey(key.cacheKey());
    if (frontend != null) {
      support.announceOnce(frontend, e.eventReason(), e.getMessage());
    }
    queue.forget(key);
    queue.addAfter(key, REFUSAL_RECHECK);
  }

  /** Reads health for every managed load balancer and writes every gated Pod's condition. */
  void healthPass() {
    synchronized (passLock) { // the scheduled pass and a prompt one never overlap
      pass();
    }
  }

  private void pass() {
    if (!running || !leading || !hasSynced()) {
      return;
    }
    boolean sinceChanged = changed.getAndSet(false);
    boolean due = unsettled || sinceChanged || !Instant.now().isBefore(lastHealthRead.plus(SETTLED_INTERVAL));
    if (!due) {
      return; // all gates settled: poll rarely, so a quiet cluster costs ~2 calls a minute, not 60
    }
    try {
      lastHealthRead = Instant.now();
      Set<String> lbIds = new HashSet<>();
      states.values().forEach(s -> {
        if (s.loadBalancerId() != null) {
          lbIds.add(s.loadBalancerId());
        }
      });
      Map<BackendGroup, Map<TargetAddress, HealthState>> health = Map.of();
      Set<String> missing = Set.of();
      String error = null;
      try {
        if (!lbIds.isEmpty()) {
          ClbTargets.HealthRead read = targets.health(lbIds);
          health = read.health();
          missing = read.missing();
        }
      } catch (ClbOperationException e) {
        error = e.code();
      }
      Map<String, List<BackendObservation>> observations = new HashMap<>();
      List<UnhealthyTargets.Sighting> sightings = new ArrayList<>();
      for (Map.Entry<FrontendKey, FrontendState> entry : states.entrySet()) {
        FrontendState state = entry.getValue();
        FrontendKey key = entry.getKey();
        UnhealthyTargets.FrontendId frontend = new UnhealthyTargets.FrontendId(key.namespace(),
            key.kind().name().toLowerCase(java.util.Locale.ROOT) + "/" + key.name());
        String gone = state.loadBalancerId() != null && missing.contains(state.loadBalancerId()) ? "InvalidParameter.LBIdNotFound" : null;
        if (gone != null) {
          enqueue(key); // deleted out of band: the reconcile finds (or makes) it again, or says it is not found
        }
        for (Map.Entry<String, List<Binding>> pod : state.bindings().entrySet()) {
          for (Binding binding : pod.getValue()) {
            String bindingError = state.error() != null ? state.error() : gone != null ? gone : error;
            BackendObservation observed = state.refusal() != null
                ? new BackendObservation(binding.frontend(), binding.loadBalancerId(), binding.listenerId(),
                    state.refusal().state(), state.refusal().message())
                : HealthState.observe(binding, health, bindingError);
            if (observed.state() == BackendObservation.State.NOT_BOUND && binding.listenerId() != null
                && state.quotaFull().contains(binding.listenerId())) {
              observed = new BackendObservation(binding.frontend(), binding.loadBalancerId(), binding.listenerId(),
                  BackendObservation.State.QUOTA_EXCEEDED, null);
            }
            observations.computeIfAbsent(pod.getKey(), k -> new ArrayList<>()).add(observed);
            sightings.add(new UnhealthyTargets.Sighting(pod.getKey(), frontend, binding.target(), observed));
          }
        }
      }
      int notReady = 0;
      boolean waitingOnHealth = false;
      Set<String> live = new HashSet<>();
      Map<String, List<DirectAccessFrontend>> frontendsByNamespace = new HashMap<>();
      for (V1Pod pod : pods.getIndexer().byIndex(GATED_INDEX, GATED)) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
          continue;
        }
        live.add(pod.getMetadata().getUid());
        String podKey = key(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        List<BackendObservation> observed = observations.get(podKey);
        if (observed == null) {
          if (selectedByAnyFrontend(pod, frontendsByNamespace)) {
            continue; // selected, but not servable yet (no Pod IP) or its frontend not reconciled yet
          }
          observed = List.of();
        }
        GateCondition current = GateStatusWriter.current(pod);
        GateCondition wanted = decider.decide(observed, current);
        if (!wanted.status()) {
          notReady++;
        }
        if (wanted.reason() == GateReason.DirectAccessResumed) {
          waitingOnHealth = true; // kept True, but LoadBalancerNetworkGroupReady is due once healthy
        }
        if (observed.stream().anyMatch(o -> !o.state().refusal() && o.state() != BackendObservation.State.NOT_BOUND
            && o.state() != BackendObservation.State.LISTENER_MISSING && o.state() != BackendObservation.State.API_ERROR)) {
          firstBound.putIfAbsent(pod.getMetadata().getUid(), Instant.now());
        }
        try {
          if (status.write(pod, wanted)) {
            recorder.event(pod, wanted.reason().severity() == GateReason.Severity.WARNING ? EventType.Warning : EventType.Normal,
                wanted.reason().name(), "%s", wanted.message());
            if (wanted.status() && wanted.reason() == GateReason.LoadBalancerNetworkGroupReady
                && (current == null || !current.status())) {
              recordReady(pod);
            }
          }
        } catch (ApiException e) {
          log.debug("gate patch of {} failed ({}), next pass retries", podKey, e.getCode());
        }
      }
      announce(unhealthyTargets.observe(sightings, Instant.now()));
      waiting.set(notReady);
      unsettled = notReady > 0 || waitingOnHealth || pendingRelease(observations);
      firstBound.keySet().retainAll(live);
    } catch (RuntimeException e) {
      log.warn("health pass failed", e);
    } catch (Error e) {
      // A scheduled task that throws is never run again: log it and let the next pass try.
      log.error("health pass failed with {}; this replica likely needs a restart", e, e);
    }
  }

  /** Targets that turned Dead after Alive (or recovered) as Events on their Pods, and the Dead count per frontend. */
  private void announce(UnhealthyTargets.Pass pass) {
    for (UnhealthyTargets.Change change : pass.changes()) {
      V1Pod pod = pods.getIndexer().getByKey(change.pod());
      if (pod != null) {
        recorder.event(pod, change.kind() == UnhealthyTargets.Kind.TURNED_UNHEALTHY ? EventType.Warning : EventType.Normal,
            change.eventReason(), "%s", change.message());
      }
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    pass.dead().forEach((frontend, dead) -> rows.add(MultiGauge.Row.of(
        Tags.of("namespace", frontend.namespace(), "frontend", frontend.name()), dead)));
    unhealthyGauge.register(rows, true);
  }

  /** Pods bound but not yet decided (e.g. no gate condition yet) keep the fast pace too. */
  private boolean pendingRelease(Map<String, List<BackendObservation>> observations) {
    for (Map.Entry<String, List<BackendObservation>> entry : observations.entrySet()) {
      V1Pod pod = pods.getIndexer().getByKey(entry.getKey());
      if (pod != null && gated(pod) && GateStatusWriter.current(pod) == null) {
        return true;
      }
    }
    return false;
  }

  private void recordReady(V1Pod pod) {
    Instant now = Instant.now();
    if (pod.getMetadata().getCreationTimestamp() != null) {
      creationToReady.record(Duration.between(pod.getMetadata().getCreationTimestamp().toInstant(), now));
    }
    Instant bound = firstBound.get(pod.getMetadata().getUid());
    if (bound != null) {
      boundToReady.record(Duration.between(bound, now));
    }
  }

  /** @param cache this pass's frontends per namespace: computed once per namespace, not once per Pod */
  private boolean selectedByAnyFrontend(V1Pod pod, Map<String, List<DirectAccessFrontend>> cache) {
    // A frontend being deleted is being released: its Pods are not held for it (it may linger in the cache
    // for a moment after its finalizer went).
    List<DirectAccessFrontend> frontends = cache.computeIfAbsent(pod.getMetadata().getNamespace(), ns -> rules.frontends(
        notDeleting(services.getIndexer().byIndex(Caches.NAMESPACE_INDEX, ns)),
        notDeleting(ingresses.getIndexer().byIndex(Caches.NAMESPACE_INDEX, ns)),
        name -> services.getIndexer().getByKey(ns + "/" + name)));
    return frontends.stream().anyMatch(f -> f.selects(pod.getMetadata().getLabels()));
  }

  private static <T extends KubernetesObject> List<T> notDeleting(List<T> objects) {
    return objects.stream().filter(o -> o.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private static boolean gated(V1Pod pod) {
    return FrontendSupport.gated(pod);
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  @Override
  public String name() {
    return "gate-controller";
  }

  @Override
  public boolean hasSynced() {
    return services.hasSynced() && pods.hasSynced() && ingresses.hasSynced() && configs.hasSynced();
  }

  @Override
  public void close() {
    running = false;
    configs.close();
    events.shutdown();
    queue.shutDown();
    threads.shutdownNow();
  }
}
