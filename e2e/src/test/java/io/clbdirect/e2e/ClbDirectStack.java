package io.clbdirect.e2e;

import com.tencentcloudapi.clb.v20180317.ClbClient;
import io.clbdirect.e2e.app.ClbDirectProcess;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.controlplane.ControlPlaneAssets;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.emulator.ClbEmulator;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an end-to-end class runs against, as a JUnit extension on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ClbDirectStack stack = ClbDirectStack.builder("clb-direct-gate-e2e").gateController(95)
 *     .kubelet(admin -> new FakeKubelet(admin, "fake-node-3", 3)).build();
 * }</pre>
 *
 * <p>Before the class's tests, on the shared control plane ({@link ControlPlaneExtension}), in this
 * order: clb-direct's namespace (also the name of the webhook configuration it registers), the
 * class's own {@link Builder#beforeStart} step, the CLB emulator in this JVM when the
 * gate-controller is on ({@link EmulatedClb}), clb-direct as its own process (one per replica) and
 * a fake kubelet. It runs before the class's {@code @BeforeAll} methods.
 *
 * <p>After them, and also when the start failed half-way: the namespaces the class made are deleted
 * and awaited while clb-direct and the kubelet still run, because they remove the finalizers and
 * end the Pods (see {@link Namespaces}); then the kubelet, clb-direct, its webhook configuration
 * and the emulator are stopped, and last the class's {@link Builder#afterStop} step. A failed step
 * does not skip the later ones. It runs after the class's {@code @AfterAll} methods, so those must
 * not need anything stopped.
 */
final class ClbDirectStack implements BeforeAllCallback, AfterAllCallback {

  /** A step of the class's own, run with the control plane before the start or after the stop. */
  interface Step {
    void run(ControlPlane plane) throws Exception;
  }

  /** The kubeconfig one replica talks to the API server with (e.g. through a proxy). */
  interface ReplicaKubeconfig {
    Path of(String replica, ControlPlane plane) throws Exception;
  }

  /** How a replica was started, to start it again the same way. */
  private record ReplicaStart(
      Path work, Path kubeconfig, List<String> args, Map<String, String> env) {}

  private final String system;
  private final Integer vipOctet;
  private final List<String> args;
  private final List<String> replicaNames;
  private final Function<ApiClient, FakeKubelet> kubeletFactory;
  private final Step beforeStart;
  private final Step afterStop;
  private final ReplicaKubeconfig replicaKubeconfig;
  private final Map<String, Map<String, String>> replicaEnv;
  private final Map<String, ReplicaStart> replicaStarts = new HashMap<>();
  private int restarts;
  private final boolean ownControlPlane;

  private ControlPlane plane;
  private ControlPlane ownPlane;
  private ApiClient admin;
  private CoreV1Api core;
  private AppsV1Api apps;
  private Pods pods;
  private Deployments deployments;
  private boolean beforeStartRan;
  private EmulatedClb clb;
  private final Map<String, ClbDirectProcess> replicas = new LinkedHashMap<>();
  private FakeKubelet kubelet;
  private boolean kubeletRunning;
  private long kubeletStartedNanos;

  private ClbDirectStack(Builder builder) {
    this.system = builder.system;
    this.vipOctet = builder.vipOctet;
    this.args = List.copyOf(builder.args);
    this.replicaNames = List.copyOf(builder.replicaNames);
    this.kubeletFactory = builder.kubelet;
    this.beforeStart = builder.beforeStart;
    this.afterStop = builder.afterStop;
    this.replicaKubeconfig = builder.replicaKubeconfig;
    this.replicaEnv = Map.copyOf(builder.replicaEnv);
    this.ownControlPlane = builder.ownControlPlane;
  }

  /**
   * @param system clb-direct's namespace and webhook configuration name, unique per class
   */
  static Builder builder(String system) {
    return new Builder(system);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (ownControlPlane) {
      // Closed last by stopInOrder, also when the start fails half-way.
      ownPlane = ControlPlane.start(ControlPlaneAssets.resolve(ControlPlaneExtension.repository()));
      start(ownPlane);
    } else {
      start(ControlPlaneExtension.controlPlane(context));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  /** Starts it all; when a step fails, stops what had started before rethrowing. */
  void start(ControlPlane controlPlane) throws Exception {
    plane = controlPlane;
    admin = plane.adminClient();
    core = new CoreV1Api(admin);
    apps = new AppsV1Api(admin);
    pods = new Pods(core);
    deployments = new Deployments(apps);
    try {
      startInOrder();
    } catch (Exception | Error e) {
      stopInOrder().attachTo(e);
      throw e;
    }
  }

  /** Stops it all (nothing when it was stopped already), in the order the class doc gives. */
  void stop() throws Exception {
    if (plane != null) {
      stopInOrder().rethrow();
    }
  }

  private void startInOrder() throws Exception {
    Namespaces.create(core, system);
    beforeStartRan = true;
    beforeStart.run(plane);
    List<String> appArgs = new ArrayList<>();
    Map<String, String> env = new HashMap<>();
    if (vipOctet != null) {
      clb = EmulatedClb.start(system, vipOctet);
      appArgs.addAll(clb.gateControllerArguments(system));
      env.putAll(clb.credentials());
    }
    appArgs.addAll(args);
    Path work = Files.createDirectories(plane.workDir().resolve(system));
    if (replicaNames.isEmpty()) {
      replicas.put(
          "", ClbDirectProcess.start(work, plane.adminKubeconfig(), system, system, appArgs, env));
    }
    for (String name : replicaNames) {
      // POD_NAME is the replica's identity in the Leases, as the Deployment's downward API sets it.
      Map<String, String> baseEnv = new HashMap<>(env);
      baseEnv.put("POD_NAME", name);
      ReplicaStart how =
          new ReplicaStart(
              work.resolve(name),
              replicaKubeconfig.of(name, plane),
              List.copyOf(appArgs),
              Map.copyOf(baseEnv));
      replicaStarts.put(name, how);
      Map<String, String> firstEnv = new HashMap<>(baseEnv);
      firstEnv.putAll(replicaEnv.getOrDefault(name, Map.of()));
      replicas.put(
          name,
          ClbDirectProcess.start(
              how.work(), how.kubeconfig(), system, system, how.args(), firstEnv));
    }
    if (kubeletFactory != null) {
      kubeletStartedNanos = System.nanoTime();
      kubelet =
          kubeletFactory.apply(
              plane.adminClient(Duration.ZERO)); // assigned first: closed also when its start fails
      kubelet.start();
      kubeletRunning = true;
    }
  }

  private Teardown stopInOrder() {
    Teardown teardown = new Teardown();
    if (ownPlane != null) {
      // A fault test that failed with etcd or the API server stopped: bring them back, so that the
      // namespaces can be deleted and every process stopped as usual.
      for (ControlPlane.Component component : ControlPlane.Component.values()) {
        if (!ownPlane.isRunning(component)) {
          teardown.run(() -> ownPlane.start(component));
        }
      }
    }
    if (kubeletRunning) {
      // While clb-direct and the kubelet run: they remove the finalizers and end the Pods.
      teardown.run(() -> Namespaces.deleteCreatedAndAwait(core, system));
    }
    if (kubelet != null) {
      teardown.run(kubelet::close);
    }
    replicas.values().forEach(replica -> teardown.run(replica::close));
    if (!replicas.isEmpty()) {
      // After clb-direct stopped, or it would restore it; with Fail it would block every later Pod
      // creation.
      teardown.run(this::deleteWebhookConfiguration);
    }
    if (clb != null) {
      teardown.run(clb::close);
    }
    // Without a kubelet no Pod ever ran (see above), nothing to wait for; with one, only
    // clb-direct's namespace is left.
    teardown.run(() -> Namespaces.deleteCreated(core));
    if (beforeStartRan) {
      ControlPlane controlPlane = plane;
      teardown.run(() -> afterStop.run(controlPlane));
    }
    if (ownPlane != null) {
      teardown.run(ownPlane::close);
      ownPlane = null;
    }
    plane = null;
    kubelet = null;
    kubeletRunning = false;
    replicas.clear();
    replicaStarts.clear();
    clb = null;
    beforeStartRan = false;
    return teardown;
  }

  private void deleteWebhookConfiguration() throws ApiException {
    try {
      new AdmissionregistrationV1Api(admin).deleteMutatingWebhookConfiguration(system).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) { // 404: no replica got as far as registering it
        throw e;
      }
    }
  }

  ControlPlane plane() {
    return plane;
  }

  /**
   * One admin client for the class's calls (each {@link ControlPlane#adminClient()} builds a new
   * one).
   */
  ApiClient admin() {
    return admin;
  }

  CoreV1Api core() {
    return core;
  }

  AppsV1Api apps() {
    return apps;
  }

  Pods pods() {
    return pods;
  }

  Deployments deployments() {
    return deployments;
  }

  /** See {@link EmulatedClb#sdk()}. */
  ClbClient sdk() {
    return emulated().sdk();
  }

  ClbEmulator clb() {
    return emulated().emulator();
  }

  /** See {@link EmulatedClb#ssl()}. */
  com.tencentcloudapi.ssl.v20191205.SslClient ssl() {
    return emulated().ssl();
  }

  /** Every target the emulator reported Alive since it started. */
  AliveHistory aliveHistory() {
    return emulated().aliveHistory();
  }

  private EmulatedClb emulated() {
    if (clb == null) {
      throw new IllegalStateException(
          "no CLB emulator: the stack of " + system + " runs without the gate-controller");
    }
    return clb;
  }

  /** The one clb-direct process of a stack without {@link Builder#replicas}. */
  ClbDirectProcess clbDirect() {
    return replica("");
  }

  ClbDirectProcess replica(String podName) {
    ClbDirectProcess replica = replicas.get(podName);
    if (replica == null) {
      throw new IllegalStateException(
          "no clb-direct replica '" + podName + "' in " + replicas.keySet());
    }
    return replica;
  }

  /**
   * Starts a named replica again as it was first started, but with {@code extraEnv} instead of its
   * {@link Builder#replicaEnv}: e.g. without the crash point it was armed with. The old process is
   * stopped first if it still runs; the new one takes its webhook port (the registered url) and
   * logs to a directory of its own, so the old log stays readable.
   */
  ClbDirectProcess restart(String podName, Map<String, String> extraEnv) {
    ReplicaStart how = replicaStarts.get(podName);
    if (how == null) {
      throw new IllegalStateException("no named clb-direct replica '" + podName + "'");
    }
    ClbDirectProcess old = replicas.get(podName);
    old.close();
    Map<String, String> env = new HashMap<>(how.env());
    env.putAll(extraEnv);
    ClbDirectProcess started =
        ClbDirectProcess.start(
            how.work().resolveSibling(podName + "-restart-" + ++restarts),
            how.kubeconfig(),
            system,
            system,
            how.args(),
            env,
            old.httpsPort());
    replicas.put(podName, started);
    return started;
  }

  FakeKubelet kubelet() {
    if (kubelet == null) {
      throw new IllegalStateException("no fake kubelet in the stack of " + system);
    }
    return kubelet;
  }

  /** {@link System#nanoTime()} just before the kubelet started: how long its Node has been up. */
  long kubeletStartedNanos() {
    kubelet();
    return kubeletStartedNanos;
  }

  static final class Builder {

    private final String system;
    private Integer vipOctet;
    private final List<String> args = new ArrayList<>();
    private final List<String> replicaNames = new ArrayList<>();
    private Function<ApiClient, FakeKubelet> kubelet;
    private Step beforeStart = plane -> {};
    private Step afterStop = plane -> {};
    private ReplicaKubeconfig replicaKubeconfig = (replica, plane) -> plane.adminKubeconfig();
    private final Map<String, Map<String, String>> replicaEnv = new HashMap<>();
    private boolean ownControlPlane;

    private Builder(String system) {
      this.system = system;
    }

    /**
     * The gate-controller on, against a CLB emulator of VIPs 127.{@code vipOctet}.x.y: see {@link
     * EmulatedClb}.
     */
    Builder gateController(int vipOctet) {
      this.vipOctet = vipOctet;
      return this;
    }

    /** clb-direct arguments beyond the gate-controller's. */
    Builder args(String... more) {
      args.addAll(List.of(more));
      return this;
    }

    /**
     * One clb-direct process per name, each with that {@code POD_NAME}; by default one, without.
     */
    Builder replicas(String... podNames) {
      replicaNames.addAll(List.of(podNames));
      return this;
    }

    /**
     * Makes the (not yet started) fake kubelet from an admin client without read timeout (it
     * watches).
     */
    Builder kubelet(Function<ApiClient, FakeKubelet> factory) {
      this.kubelet = factory;
      return this;
    }

    /** Each named replica's kubeconfig; by default the admin's. */
    Builder replicaKubeconfig(ReplicaKubeconfig kubeconfig) {
      this.replicaKubeconfig = kubeconfig;
      return this;
    }

    /** Environment for one named replica's first start only (see {@link #restart}). */
    Builder replicaEnv(String podName, Map<String, String> env) {
      replicaEnv.put(podName, Map.copyOf(env));
      return this;
    }

    /** Runs after clb-direct's namespace exists and before anything else starts. */
    Builder beforeStart(Step step) {
      this.beforeStart = step;
      return this;
    }

    /**
     * Runs after everything stopped, whenever {@link #beforeStart} ran: to undo what it changed.
     */
    Builder afterStop(Step step) {
      this.afterStop = step;
      return this;
    }

    /**
     * A control plane of the class's own instead of the shared one, closed after everything else:
     * for fault tests that stop etcd or the API server, which no other class should ever see.
     */
    Builder ownControlPlane() {
      this.ownControlPlane = true;
      return this;
    }

    ClbDirectStack build() {
      return new ClbDirectStack(this);
    }
  }
}
