package io.clbdirect.gate.controller;

import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.core.InformerSync;
import io.clbdirect.core.KubernetesClients;
import io.clbdirect.gate.clb.CertificateUploads;
import io.clbdirect.gate.clb.CertificatesFromSecrets;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.clb.ClbTargets;
import io.clbdirect.gate.clb.IngressLoadBalancers;
import io.clbdirect.gate.clb.LoadBalancers;
import io.clbdirect.gate.clb.ServiceLoadBalancers;
import io.clbdirect.gate.decide.GateConditionDecider;
import io.clbdirect.gate.informers.LeanPodListerWatcher;
import io.clbdirect.gate.informers.LeanSecretListerWatcher;
import io.clbdirect.runtime.ControllerGroup;
import io.clbdirect.runtime.CrashPoints;
import io.clbdirect.runtime.ForgettingReconciler;
import io.clbdirect.runtime.LeaderTerms;
import io.clbdirect.runtime.LeaseFence;
import io.clbdirect.runtime.LeaseSettings;
import io.clbdirect.runtime.ManagedLifecycle;
import io.clbdirect.runtime.StartWhenSynced;
import io.clbdirect.runtime.TermQueue;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.controller.builder.ControllerBuilder;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.extended.event.legacy.EventRecorder;
import io.kubernetes.client.extended.event.legacy.LegacyEventBroadcaster;
import io.kubernetes.client.extended.workqueue.RateLimitingQueue;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretList;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the Pods of direct-access LoadBalancer Services and Ingresses as CLB backends and drives
 * their readiness gate, on client-java-extended's controller runtime while this replica holds the
 * Lease:
 *
 * <ol>
 *   <li>{@link Triggers}: watch events, filtered, to frontend and load-balancer keys;
 *   <li>{@link ServiceReconciler}, {@link IngressReconciler} (one workqueue each): the frontend up
 *       to its load balancer, found or made, and its {@link Placements placement} on it;
 *   <li>{@link LoadBalancerReconciler} (a workqueue of load-balancer ids): listeners, rules and
 *       targets of every frontend on one load balancer, in one read and one batch of calls;
 *   <li>{@link HealthPass} (every {@code healthInterval} while gates wait): target health → each
 *       gated Pod's condition.
 * </ol>
 */
public final class GateController implements InformerSync, ManagedLifecycle.Managed {

  private static final Logger log = LoggerFactory.getLogger(GateController.class);

  /**
   * Held on direct-access Services and Ingresses so their targets (and a load balancer made for
   * them) are cleaned up.
   */
  public static final String FINALIZER = FrontendReconciler.FINALIZER;

  /**
   * Pods carrying clb-direct's readiness gate, indexed so a health pass never walks every Pod of
   * the cluster.
   */
  static final String GATED_INDEX = "clb-direct-gated";

  private static final String GATED = "gated";

  /**
   * A reconcile that changed what a frontend's Pods should say asks for a health pass this soon.
   */
  static final Duration PROMPT_PASS = Duration.ofMillis(50);

  /**
   * How long a load balancer's reconcile waits after a frontend was placed on it, for the others
   * sharing it.
   */
  static final Duration PLACEMENT_SETTLE = Duration.ofMillis(200);

  private final SharedInformerFactory factory;
  private final SharedIndexInformer<V1Service> services;
  private final SharedIndexInformer<V1Pod> pods;
  private final SharedIndexInformer<V1Ingress> ingresses;
  private final SharedIndexInformer<V1Secret> secrets;
  private final SharedInformerFactory secretFactory;
  private final TkeServiceConfigInformer configs;
  private final LegacyEventBroadcaster events;
  private final FrontendSupport support;
  private final Placements placements = new Placements();
  private final TermQueue serviceQueue =
      new TermQueue(Duration.ofMillis(200), Duration.ofSeconds(30));
  private final TermQueue ingressQueue =
      new TermQueue(Duration.ofMillis(200), Duration.ofSeconds(30));
  private final TermQueue loadBalancerQueue =
      new TermQueue(Duration.ofMillis(200), Duration.ofSeconds(30));
  private final ServiceReconciler serviceReconciler;
  private final IngressReconciler ingressReconciler;
  private final LoadBalancerReconciler loadBalancerReconciler;
  private final HealthPass health;
  private final GateMetrics metrics;
  private final Triggers triggers;
  private final LeaderTerms terms;
  private final LoadBalancers loadBalancers;

  /**
   * Whether this term has described the load balancers its frontends name, 20 per call, before
   * resolving them one by one.
   */
  private final AtomicBoolean prefetched = new AtomicBoolean();

  private final Duration healthInterval;
  private final int workers;
  private final ScheduledExecutorService threads =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "clb-direct-gate-health");
            thread.setDaemon(true);
            return thread;
          });

  /** Gate patches in flight at once: round trips to the API server, not CPU. */
  private final ExecutorService gateWriters =
      Executors.newFixedThreadPool(
          8,
          runnable -> {
            Thread thread = new Thread(runnable, "clb-direct-gate-status");
            thread.setDaemon(true);
            return thread;
          });

  private final AtomicBoolean promptPassScheduled = new AtomicBoolean();
  private final Object passLock = new Object();
  private volatile boolean running;

  public GateController(
      KubernetesClients clients,
      SharedInformerFactory factory,
      DirectAccessRules rules,
      LoadBalancers loadBalancers,
      ClbTargets targets,
      GateConditionDecider decider,
      Duration healthInterval,
      int workers,
      MeterRegistry meters,
      BooleanSupplier directAccessAvailable,
      BooleanSupplier podIpsOutsideVpc,
      BooleanSupplier podGracefulDeletion,
      CertificateUploads uploads,
      LeaseSettings lease,
      LeaseFence fence) {
    // Several workers: a cold start with hundreds of load balancers is bound by CLB round trips and
    // task
    // waits, not by CPU (docs/benchmarks.md, item 4). A workqueue never hands one key to two
    // workers.
    CrashPoints.warnIfArmed();
    this.workers = workers;
    this.healthInterval = healthInterval;
    this.factory = factory;
    this.events = EventRecording.broadcaster(new CoreV1Api(clients.calling()));
    EventRecorder recorder =
        events.newRecorder(new V1EventSource().component("clb-direct-gate-controller"));
    this.metrics = new GateMetrics(meters);
    this.services =
        existingOr(
            factory,
            V1Service.class,
            () ->
                factory.sharedIndexInformerFor(
                    new GenericKubernetesApi<>(
                        V1Service.class,
                        V1ServiceList.class,
                        "",
                        "v1",
                        "services",
                        clients.watching()),
                    V1Service.class,
                    0));
    this.pods =
        existingOr(
            factory,
            V1Pod.class,
            () ->
                factory.sharedIndexInformerFor(
                    LeanPodListerWatcher.create(
                        new GenericKubernetesApi<>(
                            V1Pod.class, V1PodList.class, "", "v1", "pods", clients.watching())),
                    V1Pod.class,
                    0));
    this.ingresses =
        existingOr(
            factory,
            V1Ingress.class,
            () ->
                factory.sharedIndexInformerFor(
                    new GenericKubernetesApi<>(
                        V1Ingress.class,
                        V1IngressList.class,
                        "networking.k8s.io",
                        "v1",
                        "ingresses",
                        clients.watching()),
                    V1Ingress.class,
                    0));
    // Certificate Secrets: a cache that keeps only the keys certificates are read from. Its own
    // factory: the shared one holds one informer per type, and the webhook bootstrapper's V1Secret
    // informer there follows one Secret only.
    this.secretFactory = new SharedInformerFactory(clients.watching());
    this.secrets =
        secretFactory.sharedIndexInformerFor(
            LeanSecretListerWatcher.create(
                new GenericKubernetesApi<>(
                    V1Secret.class, V1SecretList.class, "", "v1", "secrets", clients.watching())),
            V1Secret.class,
            0);
    pods.addIndexers(
        Map.of(
            GATED_INDEX,
            pod -> FrontendSupport.gated(pod) ? List.of(GATED) : List.of(),
            FrontendSupport.LABEL_INDEX,
            FrontendSupport::labelIndex));
    this.support =
        new FrontendSupport(
            pods.getIndexer(),
            targets,
            new FrontendWriter(clients.calling()),
            recorder,
            DeletionToClbChange.register(meters, Clock.systemUTC()),
            podGracefulDeletion,
            new SecretCertificateSource(
                new CertificatesFromSecrets(
                    ref -> secrets.getIndexer().getByKey(ref.namespace() + "/" + ref.name()),
                    uploads)));
    this.health =
        new HealthPass(
            pods.getIndexer(),
            GATED_INDEX,
            GATED,
            services.getIndexer(),
            ingresses.getIndexer(),
            rules,
            targets,
            decider,
            new GateStatusWriter(clients.calling()),
            recorder,
            metrics,
            Clock.systemUTC(),
            this::targetsMissing,
            this::loadBalancerMissing,
            gateWriters);
    this.triggers =
        new Triggers(
            services,
            ingresses,
            pods,
            rules,
            placements,
            this::enqueue,
            this::enqueueLoadBalancer,
            this::frontendDeleted);
    triggers.watchSecrets(secrets);
    this.configs =
        new TkeServiceConfigInformer(
            clients, factory, triggers::configChanged, triggers::everything);
    this.serviceReconciler =
        new ServiceReconciler(
            services.getIndexer(),
            rules,
            new ServiceLoadBalancers(loadBalancers),
            placements,
            this::placed,
            support,
            directAccessAvailable,
            podIpsOutsideVpc);
    this.ingressReconciler =
        new IngressReconciler(
            ingresses.getIndexer(),
            services.getIndexer(),
            rules,
            new IngressLoadBalancers(loadBalancers),
            placements,
            this::placed,
            support,
            directAccessAvailable,
            podIpsOutsideVpc);
    this.loadBalancerReconciler =
        new LoadBalancerReconciler(
            services.getIndexer(),
            ingresses.getIndexer(),
            placements,
            loadBalancers,
            configs,
            support,
            this::record,
            this::enqueue,
            this::loadBalancerMissing,
            Clock.systemUTC());
    this.loadBalancers = loadBalancers;
    this.terms = new LeaderTerms(clients.calling(), lease, this::newTerm, fence);
  }

  private static <T extends KubernetesObject> SharedIndexInformer<T> existingOr(
      SharedInformerFactory factory, Class<T> type, Supplier<SharedIndexInformer<T>> create) {
    SharedIndexInformer<T> existing = factory.getExistingSharedIndexInformer(type);
    return existing != null ? existing : create.get();
  }

  /**
   * The controllers of one leadership term, starting from scratch: every frontend reconciled, every
   * load balancer read again. Built before the Lease is won; they run once it is.
   */
  private Controller newTerm() {
    placements.clear();
    serviceReconciler.reset();
    ingressReconciler.reset();
    loadBalancerReconciler.reset();
    support.forgetAnnouncements();
    prefetched.set(false);
    synchronized (passLock) {
      health.reset();
    }
    Reconciler serviceController =
        new FrontendController(
            FrontendKey.Kind.SERVICE,
            serviceReconciler,
            key -> services.getIndexer().getByKey(key.cacheKey()),
            this::record,
            support,
            metrics.reconcile);
    Reconciler ingressController =
        new FrontendController(
            FrontendKey.Kind.INGRESS,
            ingressReconciler,
            key -> ingresses.getIndexer().getByKey(key.cacheKey()),
            this::record,
            support,
            metrics.reconcile);
    Controller servicesRun =
        controller(
            "clb-direct-services",
            serviceQueue,
            workers,
            request -> {
              prefetch();
              return serviceController.reconcile(request);
            });
    Controller ingressesRun =
        controller(
            "clb-direct-ingresses",
            ingressQueue,
            Math.max(1, workers / 2),
            request -> {
              prefetch();
              return ingressController.reconcile(request);
            });
    // Load balancers wait for the term's first pass over the frontends: a cold start or a new
    // leader then
    // serves each load balancer once with all its frontends placed (one CreateListener for all of
    // them),
    // not once per frontend as they trickle in.
    Controller loadBalancerController =
        controller(
            "clb-direct-load-balancers",
            loadBalancerQueue,
            workers,
            this::reconcileLoadBalancer,
            () -> hasSynced() && serviceQueue.waiting() == 0 && ingressQueue.waiting() == 0);
    triggers.everything();
    return new ControllerGroup(
        "clb-direct-gate-controller", List.of(servicesRun, ingressesRun, loadBalancerController));
  }

  /**
   * Started once the caches have synced; a result with requeueAfter is a success (its backoff is
   * reset).
   */
  /**
   * Once per term, before the first frontend is resolved: every load balancer a frontend names or
   * has recorded, described 20 per call. A failure only means the lookups describe them one by one.
   */
  private void prefetch() {
    if (!prefetched.compareAndSet(false, true)) {
      return;
    }
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (V1Service service : services.getIndexer().list()) {
      addIds(
          ids,
          service.getMetadata().getAnnotations(),
          ServiceLoadBalancers.EXISTING_LB_ANNOTATION,
          ServiceLoadBalancers.RECORDED_LB_ANNOTATION);
    }
    for (V1Ingress ingress : ingresses.getIndexer().list()) {
      addIds(
          ids,
          ingress.getMetadata().getAnnotations(),
          IngressLoadBalancers.EXISTING_LB_ANNOTATION,
          IngressLoadBalancers.RECORDED_LB_ANNOTATION);
    }
    try {
      loadBalancers.prefetch(ids);
    } catch (ClbOperationException e) {
      log.info(
          "describing the {} known load balancers at once failed ({}); each is described when its frontend is",
          ids.size(),
          e.getMessage());
    }
  }

  private static void addIds(
      java.util.Set<String> ids, Map<String, String> annotations, String... keys) {
    if (annotations != null) {
      for (String key : keys) {
        String id = annotations.get(key);
        if (id != null && !id.isBlank()) {
          ids.add(id.trim());
        }
      }
    }
  }

  private Controller controller(
      String name, TermQueue queue, int workerCount, Reconciler reconciler) {
    return controller(name, queue, workerCount, reconciler, this::hasSynced);
  }

  private Controller controller(
      String name,
      TermQueue queue,
      int workerCount,
      Reconciler reconciler,
      BooleanSupplier startWhen) {
    RateLimitingQueue<Request> termQueue = queue.newTerm();
    return new StartWhenSynced(
        startWhen,
        ControllerBuilder.defaultBuilder(factory)
            .withName(name)
            .withWorkQueue(termQueue)
            .withReconciler(new ForgettingReconciler(termQueue, reconciler))
            .withWorkerCount(workerCount)
            .build());
  }

  private Result reconcileLoadBalancer(Request request) {
    Timer.Sample sample = Timer.start();
    try {
      return loadBalancerReconciler.reconcile(request);
    } finally {
      sample.stop(metrics.loadBalancerReconcile);
    }
  }

  private void enqueue(FrontendKey key) {
    Request request = new Request(key.namespace(), key.name());
    (key.kind() == FrontendKey.Kind.SERVICE ? serviceQueue : ingressQueue).add(request);
  }

  private void enqueueLoadBalancer(String loadBalancerId) {
    loadBalancerQueue.add(new Request(loadBalancerId));
  }

  /**
   * A frontend was placed on (or left) a load balancer. Its reconcile runs a moment later, so the
   * frontends sharing it that are reconciled together (a cold start, a new leader) are served by
   * one reconcile: one CreateListener for all their listeners rather than one each.
   */
  private void placed(String loadBalancerId) {
    loadBalancerQueue.addAfter(new Request(loadBalancerId), PLACEMENT_SETTLE);
  }

  /**
   * The health pass found a target its load balancer's reconcile bound missing: read that load
   * balancer again.
   */
  private void targetsMissing(String loadBalancerId) {
    loadBalancerReconciler.invalidate(loadBalancerId);
    enqueueLoadBalancer(loadBalancerId);
  }

  /** Deleted out of band: its frontends find it (or make another) again. */
  private void loadBalancerMissing(String loadBalancerId) {
    loadBalancers.forget(loadBalancerId);
    for (Placements.Placement placement : placements.on(loadBalancerId)) {
      (placement.frontend().kind() == FrontendKey.Kind.SERVICE
              ? serviceReconciler
              : ingressReconciler)
          .forgetLookup(placement.frontend());
      enqueue(placement.frontend());
    }
  }

  private void frontendDeleted(KubernetesObject frontend) {
    if (frontend.getMetadata() != null && frontend.getMetadata().getUid() != null) {
      support.forget(frontend.getMetadata().getUid());
    }
  }

  /**
   * A reconcile's outcome for the health pass; one that changes what Pods should say asks for a
   * pass at once.
   */
  private void record(FrontendKey key, FrontendState state) {
    if (health.record(key, state)) {
      promptHealthPass();
    }
  }

  /** A health pass soon, coalesced: many changes at once make one pass. */
  private void promptHealthPass() {
    if (running && promptPassScheduled.compareAndSet(false, true)) {
      threads.schedule(
          () -> {
            promptPassScheduled.set(false);
            healthPass();
          },
          PROMPT_PASS.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Reads health where gates wait (or every load balancer, now and then) and writes the gated Pods'
   * conditions.
   */
  void healthPass() {
    synchronized (passLock) { // the scheduled pass and a prompt one never overlap
      // The fence, not only leading(): gates written after the renew deadline could contradict
      // what the Lease's next holder writes.
      if (!running || !terms.fence().check().mayWrite() || !hasSynced()) {
        return;
      }
      try {
        health.run();
      } catch (RuntimeException e) {
        log.warn("health pass failed", e);
      } catch (Error e) {
        // A scheduled task that throws is never run again: log it and let the next pass try.
        log.error("health pass failed with {}; this replica likely needs a restart", e, e);
      }
    }
  }

  @Override
  public void start() {
    running = true;
    secretFactory.startAllRegisteredInformers();
    events.startRecording();
    threads.scheduleWithFixedDelay(
        this::healthPass,
        healthInterval.toMillis(),
        healthInterval.toMillis(),
        TimeUnit.MILLISECONDS);
    threads.scheduleWithFixedDelay(this::reportWhenFollowing, 1, 1, TimeUnit.SECONDS);
    terms.start();
  }

  /** Another replica reports the unhealthy-target gauge. */
  private void reportWhenFollowing() {
    if (!terms.leading()) {
      synchronized (passLock) {
        health.stopReporting();
      }
    }
  }

  @Override
  public String name() {
    return "gate-controller";
  }

  @Override
  public boolean hasSynced() {
    // Secrets too: a certificate read from an unsynced cache would be reported missing, and its
    // host's rules deleted.
    return services.hasSynced()
        && pods.hasSynced()
        && ingresses.hasSynced()
        && secrets.hasSynced()
        && configs.hasSynced();
  }

  @Override
  public void close() {
    running = false;
    terms.close();
    configs.close();
    secretFactory.stopAllRegisteredInformers();
    events.shutdown();
    threads.shutdownNow();
    gateWriters.shutdownNow();
  }
}
