package io.clbdirect.gate.controller;

import io.clbdirect.core.DirectAccessFrontend;
import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.core.InformerSync;
import io.clbdirect.core.KubernetesClients;
import io.clbdirect.core.LabelSelectors;
import io.clbdirect.core.WellKnown;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.decide.BackendGroup;
import io.clbdirect.gate.decide.BackendObservation;
import io.clbdirect.gate.decide.Binding;
import io.clbdirect.gate.decide.CallPlan;
import io.clbdirect.gate.decide.DesiredBackends;
import io.clbdirect.gate.decide.GateCondition;
import io.clbdirect.gate.decide.GateConditionDecider;
import io.clbdirect.gate.decide.HealthState;
import io.clbdirect.gate.decide.TargetAddress;
import io.clbdirect.gate.decide.TargetChanges;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue;
import io.kubernetes.client.extended.workqueue.RateLimitingQueue;
import io.kubernetes.client.extended.workqueue.ratelimiter.ItemExponentialFailureRateLimiter;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.informer.cache.Caches;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the Pods of direct-access LoadBalancer Services as CLB backends and drives their readiness
 * gate. Watch events feed a workqueue of Service keys; a reconcile makes sure the load balancer and
 * listeners exist, diffs the wanted targets against the bound ones and sends the planned batch calls.
 * A health pass (every {@code healthInterval}) reads target health for all load balancers, 30 per call,
 * and writes each gated Pod's condition from the pure {@link GateConditionDecider}.
 */
public final class GateController implements InformerSync, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GateController.class);

  /** What one reconcile of a Service established. */
  record ServiceState(LoadBalancerRef loadBalancer, Map<String, List<Binding>> bindings, Set<String> quotaFull, String error) {}

  private final KubernetesClients clients;
  private final DirectAccessRules rules;
  private final ServiceLoadBalancers loadBalancers;
  private final ClbTargets targets;
  private final GateConditionDecider decider;
  private final GateStatusWriter status;
  private final Duration healthInterval;
  private final SharedIndexInformer<V1Service> services;
  private final SharedIndexInformer<V1Pod> pods;
  private final SharedIndexInformer<V1Ingress> ingresses;
  private final RateLimitingQueue<String> queue = new DefaultRateLimitingQueue<>(Executors.newSingleThreadExecutor(),
      new ItemExponentialFailureRateLimiter<>(Duration.ofMillis(200), Duration.ofSeconds(30)));
  private final Map<String, ServiceState> states = new ConcurrentHashMap<>();
  private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(2, runnable -> {
    Thread thread = new Thread(runnable, "clb-direct-gate-controller");
    thread.setDaemon(true);
    return thread;
  });
  private volatile boolean running;
  private volatile boolean leading;
  private final io.micrometer.core.instrument.MeterRegistry meters;
  private final io.kubernetes.client.extended.event.legacy.LegacyEventBroadcaster events;
  private final io.kubernetes.client.extended.event.legacy.EventRecorder recorder;
  private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
  private final Map<String, java.time.Instant> firstBound = new ConcurrentHashMap<>();
  private final Set<String> warnedUngated = ConcurrentHashMap.newKeySet();
  /** While nothing waits on a gate, health is read this rarely (initial mode needs it only for new Pods). */
  static final Duration SETTLED_INTERVAL = Duration.ofSeconds(30);
  private volatile boolean pending = true;
  private volatile java.time.Instant lastHealthRead = java.time.Instant.EPOCH;
  private final io.micrometer.core.instrument.Timer reconcileTimer;
  private final io.micrometer.core.instrument.Timer creationToReady;
  private final io.micrometer.core.instrument.Timer boundToReady;
  private final java.util.function.BooleanSupplier directAccessAvailable;

  public GateController(KubernetesClients clients, SharedInformerFactory factory, DirectAccessRules rules,
      ServiceLoadBalancers loadBalancers, ClbTargets targets, GateConditionDecider decider, Duration healthInterval,
      io.micrometer.core.instrument.MeterRegistry meters, java.util.function.BooleanSupplier directAccessAvailable) {
    this.clients = clients;
    this.directAccessAvailable = directAccessAvailable;
    this.meters = meters;
    this.events = new io.kubernetes.client.extended.event.legacy.LegacyEventBroadcaster(new CoreV1Api(clients.calling()));
    this.recorder = events.newRecorder(new io.kubernetes.client.openapi.models.V1EventSource().component("clb-direct-gate-controller"));
    io.micrometer.core.instrument.Gauge.builder("clb_direct_gate_pods_waiting", waiting, java.util.concurrent.atomic.AtomicInteger::get)
        .description("Pods whose readiness gate is False").register(meters);
    this.reconcileTimer = io.micrometer.core.instrument.Timer.builder("clb_direct_gate_reconcile_duration")
        .description("One Service reconcile, CLB calls included").publishPercentileHistogram().register(meters);
    this.creationToReady = io.micrometer.core.instrument.Timer.builder("clb_direct_gate_creation_to_ready")
        .description("Pod creation to its gate first True").publishPercentileHistogram().register(meters);
    this.boundToReady = io.micrometer.core.instrument.Timer.builder("clb_direct_gate_bound_to_ready")
        .description("Target first seen bound to the gate first True (health checks passing)").publishPercentileHistogram().register(meters);
    this.rules = rules;
    this.loadBalancers = loadBalancers;
    this.targets = targets;
    this.decider = decider;
    this.status = new GateStatusWriter(clients.calling());
    this.healthInterval = healthInterval;
    this.services = existingOr(factory, V1Service.class, () -> factory.sharedIndexInformerFor(
        new GenericKubernetesApi<>(V1Service.class, V1ServiceList.class, "", "v1", "services", clients.watching()), V1Service.class, 0));
    this.pods = existingOr(factory, V1Pod.class, () -> factory.sharedIndexInformerFor(
        new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", clients.watching()), V1Pod.class, 0));
    this.ingresses = factory.getExistingSharedIndexInformer(V1Ingress.class);
    services.addEventHandler(handler(service -> enqueue(key(service.getMetadata().getNamespace(), service.getMetadata().getName()))));
    pods.addEventHandler(handler(pod -> enqueueServicesOf(pod.getMetadata().getNamespace())));
  }

  private static <T extends io.kubernetes.client.common.KubernetesObject> SharedIndexInformer<T> existingOr(
      SharedInformerFactory factory, Class<T> type, java.util.function.Supplier<SharedIndexInformer<T>> create) {
    SharedIndexInformer<T> existing = factory.getExistingSharedIndexInformer(type);
    return existing != null ? existing : create.get();
  }

  private <T extends io.kubernetes.client.common.KubernetesObject> ResourceEventHandler<T> handler(java.util.function.Consumer<T> onChange) {
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
      }
    };
  }

  private void enqueue(String key) {
    if (running) {
      queue.add(key);
    }
  }

  private void enqueueServicesOf(String namespace) {
    for (V1Service service : services.getIndexer().byIndex(Caches.NAMESPACE_INDEX, namespace)) {
      if (rules.isDirectAccessService(service)) {
        enqueue(key(namespace, service.getMetadata().getName()));
      }
    }
  }

  /** Starts the loops; they only act while {@link #lead()} has been called and {@link #stopLeading()} not. */
  public void start() {
    running = true;
    events.startRecording();
    threads.submit(this::work);
    threads.scheduleWithFixedDelay(this::healthPass, healthInterval.toMillis(), healthInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** This replica now holds the Lease: reconcile every Service from scratch. */
  public void lead() {
    states.clear();
    leading = true;
    for (V1Service service : services.getIndexer().list()) {
      enqueue(key(service.getMetadata().getNamespace(), service.getMetadata().getName()));
    }
  }

  /** Another replica writes from now on; nothing is written here until {@link #lead()} again. */
  public void stopLeading() {
    leading = false;
  }

  private void work() {
    while (running) {
      String key;
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
        io.micrometer.core.instrument.Timer.Sample sample = io.micrometer.core.instrument.Timer.start();
        try {
          reconcile(key);
        } finally {
          sample.stop(reconcileTimer);
        }
        queue.forget(key);
      } catch (ClbOperationException e) {
        log.warn("reconcile of Service {} failed, retrying: {}", key, e.getMessage());
        V1Service failed = services.getIndexer().getByKey(key);
        if (failed != null) {
          recorder.event(failed, io.kubernetes.client.extended.event.EventType.Warning, "CloudApiError", "%s", e.getMessage());
        }
        queue.addRateLimited(key);
      } catch (ApiException e) {
        log.warn("reconcile of Service {} failed, retrying: {} {}", key, e.getCode(), e.getResponseBody());
        queue.addRateLimited(key);
      } catch (RuntimeException e) {
        log.warn("reconcile of Service {} failed, retrying", key, e);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  }

  /** Held on direct-access Services so their targets (and a load balancer made for them) are cleaned up. */
  public static final String FINALIZER = "clb-direct.io/load-balancer";

  void reconcile(String key) throws ClbOperationException, ApiException {
    V1Service service = services.getIndexer().getByKey(key);
    if (service == null) {
      states.remove(key);
      return;
    }
    boolean wanted = rules.isDirectAccessService(service) && service.getMetadata().getDeletionTimestamp() == null;
    boolean finalized = service.getMetadata().getFinalizers() != null && service.getMetadata().getFinalizers().contains(FINALIZER);
    if (!wanted) {
      // Gates are released by the health pass once no frontend selects the Pods any more.
      states.remove(key);
      if (finalized) {
        loadBalancers.release(service, targets);
        forget(service);
      }
      return;
    }
    if (!directAccessAvailable.getAsBoolean()) {
      // global-router mode without TKE's GlobalRouteDirectAccess: the CLB cannot reach these Pods, and
      // the webhook gave them no gate. Leave everything as it is and say why.
      if (warnedUngated.add(key + "#unavailable")) {
        recorder.event(service, io.kubernetes.client.extended.event.EventType.Warning, "DirectAccessUnavailable",
            "direct access is unavailable in global-router mode until GlobalRouteDirectAccess is \"true\" in "
                + "kube-system/tke-service-controller-config; not binding Pods");
      }
      return;
    }
    warnedUngated.remove(key + "#unavailable");
    if (!finalized) {
      setFinalizers(service, true);
    }
    LoadBalancerRef lb;
    ServiceState previous = states.get(key);
    try {
      // Pod churn reconciles often; the load balancer and listeners only need checking when the
      // Service's ports change or a call says they are gone.
      lb = previous != null && previous.loadBalancer() != null && samePorts(previous.loadBalancer(), service)
          ? previous.loadBalancer() : loadBalancers.ensure(service);
    } catch (ClbOperationException e) {
      states.put(key, new ServiceState(null, DesiredBackends.of(service, selected(service), null, Map.of()).bindings(), Set.of(), e.code()));
      throw e;
    }
    record(service, lb);
    List<V1Pod> selected = selected(service);
    long ungated = selected.stream().filter(p -> !gated(p) && p.getMetadata().getDeletionTimestamp() == null).count();
    if (ungated > 0 && warnedUngated.add(key)) {
      // Still bound (traffic must reach them), but their rollouts will not wait for the CLB.
      recorder.event(service, io.kubernetes.client.extended.event.EventType.Warning, "PodsWithoutReadinessGate",
          "%d Pods selected by this direct-access Service were created before it was direct-access and have no readiness gate; "
              + "restart the workload (kubectl rollout restart) so that its rollouts wait for the load balancer", String.valueOf(ungated));
    }
    DesiredBackends desired = DesiredBackends.of(service, selected, lb.loadBalancerId(), lb.listenerIds());
    Map<BackendGroup, Map<TargetAddress, Integer>> bound;
    try {
      bound = targets.bound(lb.loadBalancerId(), lb.listenerIds().values());
    } catch (ClbOperationException e) {
      if (e.code().startsWith("InvalidParameter.LBIdNotFound") || e.code().startsWith("InvalidParameter.ListenerIdNotFound")) {
        states.remove(key); // someone deleted them: the retry finds or creates them again
      }
      throw e;
    }
    List<TargetChanges> changes = new ArrayList<>();
    desired.targets().forEach((group, want) -> changes.add(TargetChanges.diff(group, want, bound.getOrDefault(group, Map.of()), t -> true)));
    Set<String> quotaFull = new HashSet<>();
    for (CallPlan.Call call : CallPlan.plan(changes)) {
      quotaFull.addAll(targets.execute(call));
    }
    if (!quotaFull.isEmpty()) {
      recorder.event(service, io.kubernetes.client.extended.event.EventType.Warning, "BackendQuotaExceeded",
          "load balancer %s could not take all targets on listeners %s (backend quota, 200 by default); the rest stay unbound",
          lb.loadBalancerId(), String.join(", ", quotaFull));
    }
    states.put(key, new ServiceState(lb, desired.bindings(), quotaFull, null));
    pending = true; // something may have changed: read health on the next pass
  }

  private static boolean samePorts(LoadBalancerRef lb, V1Service service) {
    Set<Integer> ports = new HashSet<>();
    if (service.getSpec().getPorts() != null) {
      service.getSpec().getPorts().forEach(p -> ports.add(p.getPort()));
    }
    return ports.equals(lb.listenerIds().keySet()) && service.getMetadata().getAnnotations() != null
        && lb.loadBalancerId().equals(service.getMetadata().getAnnotations().get(ServiceLoadBalancers.RECORDED_LB_ANNOTATION));
  }

  /** Drops the finalizer, and the recorded load balancer when direct access was only switched off. */
  private void forget(V1Service service) throws ApiException {
    setFinalizers(service, false);
    if (service.getMetadata().getDeletionTimestamp() == null) {
      CoreV1Api core = new CoreV1Api(clients.calling());
      String ns = service.getMetadata().getNamespace();
      String name = service.getMetadata().getName();
      String patch = "{\"metadata\":{\"annotations\":{\"" + ServiceLoadBalancers.RECORDED_LB_ANNOTATION + "\":null}}}";
      PatchUtils.patch(V1Service.class, () -> core.patchNamespacedService(name, ns, new V1Patch(patch)).buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, clients.calling());
      PatchUtils.patch(V1Service.class, () -> core.patchNamespacedServiceStatus(name, ns,
              new V1Patch("{\"status\":{\"loadBalancer\":{\"ingress\":null}}}")).buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, clients.calling());
    }
  }

  /** Adds or removes our finalizer; resourceVersion guards against overwriting someone else's change. */
  private void setFinalizers(V1Service service, boolean present) throws ApiException {
    List<String> finalizers = new ArrayList<>(service.getMetadata().getFinalizers() == null ? List.of() : service.getMetadata().getFinalizers());
    finalizers.remove(FINALIZER);
    if (present) {
      finalizers.add(FINALIZER);
    }
    com.google.gson.JsonObject metadata = new com.google.gson.JsonObject();
    com.google.gson.JsonArray list = new com.google.gson.JsonArray();
    finalizers.forEach(list::add);
    metadata.add("finalizers", list);
    metadata.addProperty("resourceVersion", service.getMetadata().getResourceVersion());
    com.google.gson.JsonObject patch = new com.google.gson.JsonObject();
    patch.add("metadata", metadata);
    CoreV1Api core = new CoreV1Api(clients.calling());
    PatchUtils.patch(V1Service.class, () -> core.patchNamespacedService(service.getMetadata().getName(), service.getMetadata().getNamespace(),
        new V1Patch(patch.toString())).buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, clients.calling());
  }

  private List<V1Pod> selected(V1Service service) {
    Map<String, String> selector = service.getSpec().getSelector();
    List<V1Pod> selected = new ArrayList<>();
    for (V1Pod pod : pods.getIndexer().byIndex(Caches.NAMESPACE_INDEX, service.getMetadata().getNamespace())) {
      if (LabelSelectors.selects(selector, pod.getMetadata().getLabels())) {
        selected.add(pod);
      }
    }
    return selected;
  }

  /** service.kubernetes.io/loadbalance-id and status.loadBalancer.ingress, written once. */
  private void record(V1Service service, LoadBalancerRef lb) throws ApiException {
    Map<String, String> annotations = service.getMetadata().getAnnotations() == null ? Map.of() : service.getMetadata().getAnnotations();
    CoreV1Api core = new CoreV1Api(clients.calling());
    String ns = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    if (!lb.loadBalancerId().equals(annotations.get(ServiceLoadBalancers.RECORDED_LB_ANNOTATION))) {
      String patch = "{\"metadata\":{\"annotations\":{\"" + ServiceLoadBalancers.RECORDED_LB_ANNOTATION + "\":\"" + lb.loadBalancerId() + "\"}}}";
      PatchUtils.patch(V1Service.class, () -> core.patchNamespacedService(name, ns, new V1Patch(patch)).buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, clients.calling());
    }
    boolean hasVip = service.getStatus() != null && service.getStatus().getLoadBalancer() != null
        && service.getStatus().getLoadBalancer().getIngress() != null
        && service.getStatus().getLoadBalancer().getIngress().stream().anyMatch(i -> lb.vip().equals(i.getIp()));
    if (!hasVip) {
      String patch = "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"" + lb.vip() + "\"}]}}}";
      PatchUtils.patch(V1Service.class, () -> core.patchNamespacedServiceStatus(name, ns, new V1Patch(patch)).buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, clients.calling());
    }
  }

  /** Reads health for every managed load balancer and writes every gated Pod's condition. */
  void healthPass() {
    if (!running || !leading || !hasSynced()) {
      return;
    }
    if (!pending && java.time.Instant.now().isBefore(lastHealthRead.plus(SETTLED_INTERVAL))) {
      return; // all gates settled: poll rarely, so a quiet cluster costs ~2 calls a minute, not 60
    }
    try {
      lastHealthRead = java.time.Instant.now();
      Set<String> lbIds = new HashSet<>();
      states.values().forEach(s -> {
        if (s.loadBalancer() != null) {
          lbIds.add(s.loadBalancer().loadBalancerId());
        }
      });
      Map<BackendGroup, Map<TargetAddress, HealthState>> health = Map.of();
      String error = null;
      try {
        health = lbIds.isEmpty() ? Map.of() : targets.health(lbIds);
      } catch (ClbOperationException e) {
        error = e.code();
      }
      Map<String, List<BackendObservation>> observations = new HashMap<>();
      for (ServiceState state : states.values()) {
        for (Map.Entry<String, List<Binding>> pod : state.bindings().entrySet()) {
          for (Binding binding : pod.getValue()) {
            String bindingError = state.error() != null ? state.error() : error;
            BackendObservation observed = HealthState.observe(binding, health, bindingError);
            if (observed.state() == BackendObservation.State.NOT_BOUND && binding.listenerId() != null
                && state.quotaFull().contains(binding.listenerId())) {
              observed = new BackendObservation(binding.frontend(), binding.loadBalancerId(), binding.listenerId(),
                  BackendObservation.State.QUOTA_EXCEEDED, null);
            }
            observations.computeIfAbsent(pod.getKey(), k -> new ArrayList<>()).add(observed);
          }
        }
      }
      int notReady = 0;
      Set<String> live = new HashSet<>();
      for (V1Pod pod : pods.getIndexer().list()) {
        if (!gated(pod) || pod.getMetadata().getDeletionTimestamp() != null) {
          continue;
        }
        live.add(pod.getMetadata().getUid());
        String podKey = key(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        List<BackendObservation> observed = observations.get(podKey);
        if (observed == null) {
          if (selectedByAnyFrontend(pod)) {
            continue; // selected but not servable yet (or an Ingress backend, not handled here yet)
          }
          observed = List.of();
        }
        GateCondition current = GateStatusWriter.current(pod);
        GateCondition wanted = decider.decide(observed, current);
        if (!wanted.status()) {
          notReady++;
        }
        if (observed.stream().anyMatch(o -> o.state() != BackendObservation.State.NOT_BOUND
            && o.state() != BackendObservation.State.LISTENER_MISSING && o.state() != BackendObservation.State.API_ERROR)) {
          firstBound.putIfAbsent(pod.getMetadata().getUid(), java.time.Instant.now());
        }
        try {
          if (status.write(pod, wanted)) {
            recorder.event(pod, wanted.status() ? io.kubernetes.client.extended.event.EventType.Normal
                : io.kubernetes.client.extended.event.EventType.Warning, wanted.reason().name(), "%s", wanted.message());
            if (wanted.status() && wanted.reason() == io.clbdirect.gate.decide.GateReason.LoadBalancerNetworkGroupReady
                && (current == null || !current.status())) {
              recordReady(pod);
            }
          }
        } catch (ApiException e) {
          log.debug("gate patch of {} failed ({}), next pass retries", podKey, e.getCode());
        }
      }
      waiting.set(notReady);
      pending = notReady > 0 || pendingRelease(observations);
      firstBound.keySet().retainAll(live);
    } catch (RuntimeException e) {
      log.warn("health pass failed", e);
    }
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
    java.time.Instant now = java.time.Instant.now();
    if (pod.getMetadata().getCreationTimestamp() != null) {
      creationToReady.record(Duration.between(pod.getMetadata().getCreationTimestamp().toInstant(), now));
    }
    java.time.Instant bound = firstBound.get(pod.getMetadata().getUid());
    if (bound != null) {
      boundToReady.record(Duration.between(bound, now));
    }
  }

  private boolean selectedByAnyFrontend(V1Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    List<V1Ingress> nsIngresses = ingresses == null ? List.of() : ingresses.getIndexer().byIndex(Caches.NAMESPACE_INDEX, ns);
    List<DirectAccessFrontend> frontends = rules.frontends(services.getIndexer().byIndex(Caches.NAMESPACE_INDEX, ns), nsIngresses,
        name -> services.getIndexer().getByKey(ns + "/" + name));
    return frontends.stream().anyMatch(f -> f.selects(pod.getMetadata().getLabels()));
  }

  private static boolean gated(V1Pod pod) {
    return pod.getSpec() != null && pod.getSpec().getReadinessGates() != null
        && pod.getSpec().getReadinessGates().stream().anyMatch(g -> WellKnown.READINESS_GATE.equals(g.getConditionType()));
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
    return services.hasSynced() && pods.hasSynced() && (ingresses == null || ingresses.hasSynced());
  }

  @Override
  public void close() {
    running = false;
    events.shutdown();
    queue.shutDown();
    threads.shutdownNow();
  }
}
