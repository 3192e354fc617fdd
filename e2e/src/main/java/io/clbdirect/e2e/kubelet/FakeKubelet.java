package io.clbdirect.e2e.kubelet;

import com.google.gson.JsonObject;
import io.clbdirect.core.WellKnown;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Binding;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1Preconditions;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the kubelet of one Node, against a real API server, for Pods whose containers are fake but
 * whose network is real:
 *
 * <ul>
 *   <li>registers the Node (Ready) and keeps it alive with the kubelet's Lease and status
 *       heartbeats ({@link NodeHeartbeat}); binds every unscheduled Pod to it (there is no
 *       scheduler);
 *   <li>mounts each Pod's volume sources before starting it, as the kubelet must ({@link
 *       VolumeMounter}): until then the Pod is Pending in ContainerCreating, without an IP;
 *   <li>gives each Pod a unique 127.x.y.z IP and, per TCP container port, a real HTTP listener
 *       there, switchable per Pod ({@link Serving});
 *   <li>reports Running, container statuses, PodScheduled/Initialized/ContainersReady, and computes
 *       {@code Ready} as the kubelet does ({@link PodReadiness}), again whenever a gate condition
 *       changes;
 *   <li>ends containers that end on their own ({@link PodExit}: an exit-after annotation, or
 *       activeDeadlineSeconds): the listeners close and the Pod is Succeeded or Failed;
 *   <li>finishes graceful deletion as the kubelet does ({@link Termination}): each container runs
 *       its {@code preStop} hook (sleep, httpGet; exec is refused), all containers concurrently,
 *       then gets "SIGTERM", which closes its listeners at once; all bounded by the grace period.
 *       Then the Pod is deleted with grace period 0. A Pod without hooks stops serving at once.
 * </ul>
 *
 * {@link #close()} is a kubelet that dies: the heartbeats stop and the Node stays, so the
 * node-lifecycle controller marks it NotReady after its grace period and evicts what still runs
 * there 300 s later (each test class deletes its namespaces before it closes its kubelet, so
 * nothing does).
 *
 * <p>One worker thread handles one Pod key at a time, like a controller's workqueue.
 */
public final class FakeKubelet implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FakeKubelet.class);

  /**
   * How soon a Pod whose volumes could not be mounted is tried again (the kubelet's pod workers
   * resync).
   */
  private static final Duration MOUNT_RETRY = Duration.ofMillis(500);

  private final String nodeName;
  private final ApiClient client;
  private final CoreV1Api core;
  private final SharedInformerFactory informers;
  private final SharedIndexInformer<V1Pod> pods;
  private final LoopbackAddresses addresses;

  /** GlobalRouter Pod IPs on a node of a mixed cluster; null on a VPC-CNI node. */
  private LoopbackAddresses globalRouterAddresses;

  private final Map<String, PodEndpoints> endpoints = new ConcurrentHashMap<>();
  private final Map<String, Duration> shutdownDelays = new ConcurrentHashMap<>();

  /**
   * Pods being terminated, by key: their termination under way (null once it is being finished).
   */
  private final Map<String, Termination.Run> terminating = new ConcurrentHashMap<>();

  private final Set<String> notReadyContainers = ConcurrentHashMap.newKeySet();

  /**
   * Pods whose containers ended ({@link PodExit}), by key, until their status says so: the Pod's
   * uid and why.
   */
  private final Map<String, Map.Entry<String, PodExit.Cause>> ended = new ConcurrentHashMap<>();

  private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(daemon("fake-kubelet-worker"));
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(daemon("fake-kubelet-timers"));
  private final ExecutorService listenerThreads =
      Executors.newCachedThreadPool(daemon("fake-pod-listener"));
  private final NodeHeartbeat heartbeat;
  private final VolumeMounter volumes;
  private final Termination termination;
  private volatile Duration defaultShutdownDelay = Duration.ZERO;
  private volatile Serving defaultServing = Serving.OK;
  private volatile boolean listening = true;
  private volatile boolean running = true;

  /**
   * @param client a client whose read timeout is 0 (the Pod informer holds a watch open)
   * @param nodeName the Node to register and bind to
   * @param addressOctet second octet of the Pod IPs this kubelet hands out (1..254)
   */
  public FakeKubelet(ApiClient client, String nodeName, int addressOctet) {
    this.client = client;
    this.nodeName = nodeName;
    this.core = new CoreV1Api(client);
    this.addresses = new LoopbackAddresses(addressOctet);
    this.globalRouterAddresses = null;
    this.heartbeat = new NodeHeartbeat(client, nodeName, daemon("fake-kubelet-heartbeat"));
    this.volumes = new VolumeMounter(client);
    this.termination = new Termination(LifecycleHttp.timer(timers), new LifecycleHttp());
    this.informers = new SharedInformerFactory(client);
    this.pods =
        informers.sharedIndexInformerFor(
            new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", client),
            V1Pod.class,
            0);
    pods.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(V1Pod pod) {
            enqueue(key(pod));
          }

          @Override
          public void onUpdate(V1Pod old, V1Pod pod) {
            enqueue(key(pod));
          }

          @Override
          public void onDelete(V1Pod pod, boolean unknownFinalState) {
            enqueue(key(pod));
          }
        });
  }

  /**
   * Plays a GlobalRouter node of a mixed (or GlobalRouter) cluster: a Pod gets an ENI IP from the
   * VPC range of {@code addressOctet} only when it asks for one (the {@code
   * tke.cloud.tencent.com/networks: tke-route-eni} annotation the webhook injects), as TKE's ENI
   * agent does; every other Pod gets a GlobalRouter address, 127.{@code globalRouterOctet}.x.y,
   * from the cluster CIDR.
   */
  public FakeKubelet(ApiClient client, String nodeName, int addressOctet, int globalRouterOctet) {
    this(client, nodeName, addressOctet, new LoopbackAddresses(globalRouterOctet));
  }

  private FakeKubelet(
      ApiClient client,
      String nodeName,
      int addressOctet,
      LoopbackAddresses globalRouterAddresses) {
    this(client, nodeName, addressOctet);
    this.globalRouterAddresses = globalRouterAddresses;
  }

  /**
   * Registers the Node, starts its heartbeats and watching Pods, and returns once the Pod cache has
   * synced.
   */
  public FakeKubelet start() {
    heartbeat.register();
    heartbeat.start();
    informers.startAllRegisteredInformers();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!pods.hasSynced()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("fake kubelet: Pod cache did not sync in 30 s");
      }
      sleep(50);
    }
    worker.submit(this::work);
    return this;
  }

  public String nodeName() {
    return nodeName;
  }

  /** The Pod's IP, or null when this kubelet has not started it. */
  public InetAddress podIp(String namespace, String name) {
    PodEndpoints pod = endpoints.get(namespace + "/" + name);
    return pod == null ? null : pod.ip();
  }

  /** Switches how the Pod's listeners behave (for health-check tests). */
  public void serve(String namespace, String name, Serving mode) {
    PodEndpoints pod = endpoints.get(namespace + "/" + name);
    if (pod == null) {
      throw new IllegalArgumentException(
          "no running Pod " + namespace + "/" + name + " on " + nodeName);
    }
    pod.serve(mode);
  }

  /** Marks the Pod's containers unready (or ready again), as a failing readiness probe would. */
  public void setContainersReady(String namespace, String name, boolean ready) {
    String key = namespace + "/" + name;
    if (ready) {
      notReadyContainers.remove(key);
    } else {
      notReadyContainers.add(key);
    }
    enqueue(key);
  }

  /**
   * How Pods started from now on serve at first (e.g. CLOSED to make a rollout's new Pods
   * unhealthy).
   */
  public void setDefaultServing(Serving serving) {
    this.defaultServing = Objects.requireNonNull(serving);
  }

  /**
   * Whether Pods started from now on open their listeners (default yes). Without them a Pod still
   * gets its IP, Running and Ready, but costs no socket or thread: for scale runs of thousands of
   * Pods against a CLB emulator whose health is forced.
   */
  public void setListening(boolean listening) {
    this.listening = listening;
  }

  /**
   * A preStop sleep of {@code delay} on every container of every Pod deleted from now on, which the
   * test workload would otherwise carry in its spec; default 0.
   *
   * @deprecated a real kubelet has no such thing: it runs the Pod's own {@code lifecycle.preStop}
   *     hooks, which this kubelet now does. Kept only for the callers (sandbox, benchmarks, rollout
   *     tests) until the webhook injects a drain hook. It composes with the hooks as one more sleep
   *     running alongside each container's own hook: a container gets SIGTERM once both returned,
   *     within the grace period.
   */
  @Deprecated
  public void setDefaultShutdownDelay(Duration delay) {
    this.defaultShutdownDelay = Objects.requireNonNull(delay);
  }

  /**
   * {@link #setDefaultShutdownDelay} for one Pod.
   *
   * @deprecated give the Pod a {@code lifecycle.preStop.sleep} instead; see {@link
   *     #setDefaultShutdownDelay}.
   */
  @Deprecated
  public void setShutdownDelay(String namespace, String name, Duration delay) {
    shutdownDelays.put(namespace + "/" + name, delay);
  }

  /** Ends a terminating Pod now: abandons its hooks, closes its listeners and deletes it. */
  public void finishTermination(String namespace, String name) {
    String key = namespace + "/" + name;
    Termination.Run run = terminating.get(key);
    if (run != null) {
      run.abort();
    } else {
      timers.execute(() -> terminate(key));
    }
  }

  private void enqueue(String key) {
    if (running && queued.add(key)) {
      queue.add(key);
    }
  }

  private void work() {
    while (running) {
      String key;
      try {
        key = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        continue;
      }
      queued.remove(key);
      try {
        sync(key);
      } catch (Exception e) {
        if (running) {
          log.debug("fake kubelet: sync of {} failed, retrying: {}", key, e.toString());
          timers.schedule(() -> enqueue(key), 200, TimeUnit.MILLISECONDS);
        }
      }
    }
  }

  private void sync(String key) throws ApiException {
    V1Pod pod = pods.getIndexer().getByKey(key);
    if (pod == null) {
      stopEndpoints(key);
      terminating.remove(key);
      ended.remove(key);
      return;
    }
    String podNode = pod.getSpec().getNodeName();
    if (podNode == null || podNode.isEmpty()) {
      if (pod.getMetadata().getDeletionTimestamp() == null) {
        bind(pod);
      }
      return;
    }
    if (!nodeName.equals(podNode)) {
      return;
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      beginTermination(key, pod);
      return;
    }
    if (PodStatusPatch.isEnded(pod)) {
      // Succeeded or Failed is final: its containers never run again.
      stopEndpoints(key);
      ended.remove(key);
      return;
    }
    Map.Entry<String, PodExit.Cause> end = ended.get(key);
    if (end != null && end.getKey().equals(pod.getMetadata().getUid())) {
      patchStatus(pod, PodStatusPatch.ended(pod, end.getValue(), PodStatusPatch.now()));
      return;
    }
    PodEndpoints running = endpoints.get(key);
    if (running == null) {
      String unmounted = volumes.mount(pod);
      if (unmounted != null) {
        if (!PodStatusPatch.isWaiting(pod, PodStatusPatch.CONTAINER_CREATING, unmounted)) {
          log.info("fake kubelet: Pod {} waits: {}", key, unmounted);
          patchStatus(
              pod,
              PodStatusPatch.waiting(
                  pod, PodStatusPatch.CONTAINER_CREATING, unmounted, PodStatusPatch.now()));
        }
        timers.schedule(() -> enqueue(key), MOUNT_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
      running = endpoints.computeIfAbsent(key, k -> startEndpoints(pod));
      planExit(key, pod);
    }
    Serving asked = Serving.fromAnnotation(pod.getMetadata().getAnnotations());
    if (asked != null && asked != running.serving()) {
      running.serve(asked);
    }
    reportStatus(pod, running);
  }

  /**
   * Schedules the end of a Pod's containers, just started, when {@link PodExit} says they end on
   * their own.
   */
  private void planExit(String key, V1Pod pod) {
    Instant now = Instant.now();
    OffsetDateTime startTime = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
    PodExit.Planned planned;
    try {
      planned =
          PodExit.plan(pod, startTime == null ? now : startTime.toInstant(), now).orElse(null);
    } catch (IllegalArgumentException e) {
      log.warn(
          "fake kubelet: Pod {}: {}; its containers run until it is deleted", key, e.getMessage());
      return;
    }
    if (planned == null) {
      if (pod.getMetadata().getAnnotations() != null
          && pod.getMetadata().getAnnotations().containsKey(PodExit.EXIT_AFTER_ANNOTATION)) {
        log.warn(
            "fake kubelet: Pod {} has restartPolicy Always: a kubelet would restart its exited containers, which this "
                + "one does not play; {} is ignored",
            key,
            PodExit.EXIT_AFTER_ANNOTATION);
      }
      return;
    }
    String uid = pod.getMetadata().getUid();
    timers.schedule(
        () -> endContainers(key, uid, planned.cause()),
        Math.max(0, Duration.between(now, planned.at()).toMillis()),
        TimeUnit.MILLISECONDS);
  }

  private void endContainers(String key, String uid, PodExit.Cause cause) {
    V1Pod pod = pods.getIndexer().getByKey(key);
    if (pod == null
        || !uid.equals(pod.getMetadata().getUid())
        || pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    ended.put(key, Map.entry(uid, cause));
    stopEndpoints(key);
    enqueue(key);
  }

  private void bind(V1Pod pod) throws ApiException {
    V1Binding binding =
        new V1Binding()
            .metadata(
                new V1ObjectMeta()
                    .name(pod.getMetadata().getName())
                    .namespace(pod.getMetadata().getNamespace()))
            .target(new V1ObjectReference().apiVersion("v1").kind("Node").name(nodeName));
    // The API server answers pods/binding with a Status, which client-java's generated V1Binding
    // reader rejects; so send the call and check the HTTP code ourselves.
    Call call =
        core.createNamespacedPodBinding(
                pod.getMetadata().getName(), pod.getMetadata().getNamespace(), binding)
            .buildCall(null);
    try (okhttp3.Response response = call.execute()) {
      if (response.code() != 201 && response.code() != 409) {
        throw new ApiException(
            response.code(), "binding " + key(pod) + " failed: " + response.body().string());
      }
    } catch (java.io.IOException e) {
      throw new ApiException(e);
    }
  }

  /** An ENI IP for a Pod that asks for one (or on a VPC-CNI node), else a GlobalRouter address. */
  private LoopbackAddresses addressesFor(V1Pod pod) {
    if (globalRouterAddresses == null) {
      return addresses;
    }
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    boolean eni =
        annotations != null
            && WellKnown.ENI_NETWORKS_VALUE.equals(
                annotations.get(WellKnown.ENI_NETWORKS_ANNOTATION));
    return eni ? addresses : globalRouterAddresses;
  }

  private PodEndpoints startEndpoints(V1Pod pod) {
    List<Integer> ports = new ArrayList<>();
    for (V1Container container : pod.getSpec().getContainers()) {
      if (container.getPorts() == null) {
        continue;
      }
      for (V1ContainerPort port : container.getPorts()) {
        if (port.getProtocol() == null || "TCP".equals(port.getProtocol())) {
          ports.add(port.getContainerPort());
        }
      }
    }
    PodEndpoints started =
        new PodEndpoints(
            pod.getMetadata().getName(), addressesFor(pod).allocate(), ports, listenerThreads);
    Serving initial = defaultServing;
    List<Integer> failed = initial == Serving.CLOSED || !listening ? List.of() : started.open();
    if (initial != Serving.OK) {
      started.serve(initial);
    }
    if (!failed.isEmpty()) {
      log.warn(
          "fake kubelet: Pod {} could not listen on {}:{}",
          key(pod),
          started.ip().getHostAddress(),
          failed);
    }
    return started;
  }

  private void stopEndpoints(String key) {
    PodEndpoints pod = endpoints.remove(key);
    if (pod != null) {
      pod.close();
    }
  }

  private void beginTermination(String key, V1Pod pod) {
    if (terminating.containsKey(key)) {
      return;
    }
    // Containers that have ended have nothing left to shut down.
    boolean over = PodStatusPatch.isEnded(pod) || ended.containsKey(key);
    PodEndpoints running = endpoints.get(key);
    if (over || running == null) {
      terminating.put(
          key, termination.start(key, List.of(), Duration.ZERO, Duration.ZERO, c -> {}));
      timers.execute(() -> terminate(key));
      return;
    }
    Duration grace = Termination.gracePeriod(pod);
    Duration extra = shutdownDelays.getOrDefault(key, defaultShutdownDelay);
    List<Termination.Container> containers =
        Termination.containers(pod, running.ip().getHostAddress());
    log.debug("fake kubelet: Pod {} terminating, grace period {} s", key, grace.toSeconds());
    Termination.Run run =
        termination.start(
            key, containers, grace, extra, container -> running.stop(container.ports()));
    terminating.put(key, run);
    run.done().whenComplete((ignored, error) -> timers.execute(() -> terminate(key)));
  }

  private void terminate(String key) {
    V1Pod pod = pods.getIndexer().getByKey(key);
    stopEndpoints(key);
    if (pod == null) {
      return;
    }
    try {
      core.deleteNamespacedPod(pod.getMetadata().getName(), pod.getMetadata().getNamespace())
          .gracePeriodSeconds(0)
          .body(
              new V1DeleteOptions()
                  .gracePeriodSeconds(0L)
                  .preconditions(new V1Preconditions().uid(pod.getMetadata().getUid())))
          .execute();
    } catch (ApiException e) {
      if (e.getCode() != 404 && e.getCode() != 409 && running) {
        log.debug("fake kubelet: final delete of {} failed, retrying: {}", key, e.getCode());
        timers.schedule(() -> terminate(key), 200, TimeUnit.MILLISECONDS);
      }
    }
  }

  private void reportStatus(V1Pod pod, PodEndpoints running) throws ApiException {
    String key = key(pod);
    List<String> containerNames =
        pod.getSpec().getContainers().stream().map(V1Container::getName).toList();
    boolean containersReady = !notReadyContainers.contains(key);
    List<String> unready = containersReady ? List.of() : containerNames;
    List<V1PodCondition> current =
        pod.getStatus() == null ? List.of() : pod.getStatus().getConditions();
    V1PodCondition ready = PodReadiness.ready(unready, pod.getSpec().getReadinessGates(), current);
    V1PodCondition containers =
        containersReady
            ? new V1PodCondition().type("ContainersReady").status("True")
            : new V1PodCondition()
                .type("ContainersReady")
                .status("False")
                .reason(PodReadiness.CONTAINERS_NOT_READY)
                .message(ready.getMessage());
    List<V1PodCondition> desired =
        List.of(
            new V1PodCondition().type("PodScheduled").status("True"),
            new V1PodCondition().type("Initialized").status("True"),
            containers,
            ready);
    String ip = running.ip().getHostAddress();
    boolean upToDate =
        pod.getStatus() != null
            && "Running".equals(pod.getStatus().getPhase())
            && ip.equals(pod.getStatus().getPodIP())
            && desired.stream()
                .allMatch(want -> same(want, PodReadiness.find(current, want.getType())))
            && pod.getStatus().getContainerStatuses() != null
            && pod.getStatus().getContainerStatuses().stream()
                .allMatch(s -> Boolean.valueOf(containersReady).equals(s.getReady()));
    if (upToDate) {
      return;
    }
    patchStatus(
        pod, PodStatusPatch.running(pod, ip, containersReady, desired, PodStatusPatch.now()));
  }

  private void patchStatus(V1Pod pod, JsonObject patch) throws ApiException {
    PatchUtils.patch(
        V1Pod.class,
        () ->
            core.patchNamespacedPodStatus(
                    pod.getMetadata().getName(),
                    pod.getMetadata().getNamespace(),
                    new V1Patch(patch.toString()))
                .buildCall(null),
        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        client);
  }

  private static boolean same(V1PodCondition want, V1PodCondition have) {
    return have != null
        && Objects.equals(want.getStatus(), have.getStatus())
        && Objects.equals(want.getReason(), have.getReason())
        && Objects.equals(want.getMessage(), have.getMessage());
  }

  private static String key(V1Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    running = false;
    heartbeat.close();
    informers.stopAllRegisteredInformers();
    worker.shutdownNow();
    timers.shutdownNow();
    endpoints.values().forEach(PodEndpoints::close);
    endpoints.clear();
    listenerThreads.shutdownNow();
  }
}
