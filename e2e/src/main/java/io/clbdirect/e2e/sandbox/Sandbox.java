package io.clbdirect.e2e.sandbox;

import io.clbdirect.core.NetworkMode;
import io.clbdirect.core.WellKnown;
import io.clbdirect.e2e.Await;
import io.clbdirect.e2e.app.ClbDirectProcess;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.controlplane.ControlPlaneAssets;
import io.clbdirect.e2e.controlplane.ManagedProcess;
import io.clbdirect.e2e.crd.TkeServiceConfigCrd;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.emulator.Networks;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.NetworkingV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1DeploymentStrategy;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1RollingUpdateDeployment;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code hack/sandbox.sh up} runs, in one supervising JVM: a real control plane, the CLB
 * emulator with generated credentials, clb-direct (webhook, bootstrapper, gate-controller) as its
 * own process, a fake kubelet, and an example workload. All on loopback. It writes its state under
 * the directory it is given and {@code ready} once every example gate is True; it stops everything
 * on SIGTERM (the script's {@code down} or Ctrl-C), and the processes' watchdogs stop them even if
 * this JVM is killed outright.
 */
public final class Sandbox implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Sandbox.class);

  public static final String SYSTEM_NAMESPACE = "clb-direct-system";
  public static final String EXAMPLE_NAMESPACE = "demo";
  public static final int EXAMPLE_PORT = 8080;

  /** Pod IPs of the sandbox's node: ENI IPs inside the emulator's cluster VPC (127.0.0.0/10). */
  static final int VPC_POD_OCTET = 10;

  /**
   * GlobalRouter Pod IPs in mixed mode: inside the emulator's GlobalRouter cluster CIDR
   * (127.128.0.0/10).
   */
  static final int GLOBAL_ROUTER_POD_OCTET = 130;

  static final Duration TIMEOUT = Duration.ofMinutes(3);

  private final Path state;
  private final NetworkMode networkMode;
  private final List<AutoCloseable> started = new ArrayList<>();

  private Sandbox(Path state, NetworkMode networkMode) {
    this.state = state;
    this.networkMode = networkMode;
  }

  /** {@code Sandbox <state dir> <repository> [vpc-cni|mixed]}; runs until SIGTERM. */
  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: Sandbox <state dir> <repository root> [vpc-cni|mixed]");
      System.exit(2);
    }
    NetworkMode mode =
        args.length == 3 ? NetworkMode.fromConfigValue(args[2]) : NetworkMode.VPC_CNI;
    if (mode == NetworkMode.GLOBAL_ROUTER) {
      System.err.println(
          "the sandbox runs vpc-cni or mixed; global-router is mixed without ENI Pods (see docs/gate-controller.md)");
      System.exit(2);
    }
    Sandbox sandbox = new Sandbox(Path.of(args[0]).toAbsolutePath(), mode);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sandbox.close();
                  stopped.countDown();
                },
                "sandbox-shutdown"));
    try {
      sandbox.up(Path.of(args[1]).toAbsolutePath());
    } catch (Exception e) {
      log.error("sandbox failed to come up", e);
      System.exit(1); // the shutdown hook stops what did start
    }
    stopped.await();
  }

  void up(Path repository) throws Exception {
    long begin = System.nanoTime();
    Path logs = Files.createDirectories(state.resolve("logs"));
    ControlPlane plane =
        remember(
            ControlPlane.start(
                ControlPlaneAssets.resolve(repository), state.resolve("control-plane"), logs));
    Path kubeconfig = state.resolve("kubeconfig");
    Files.copy(plane.adminKubeconfig(), kubeconfig, StandardCopyOption.REPLACE_EXISTING);

    SecureRandom random = new SecureRandom();
    String secretId = "AKIDsandbox" + HexFormat.of().formatHex(random.generateSeed(8));
    String secretKey = HexFormat.of().formatHex(random.generateSeed(16));
    ClbEmulator clb =
        remember(
            ClbEmulator.start(
                EmulatorConfig.defaults(secretId, secretKey)
                    .withTaskDelay(Duration.ofMillis(300))
                    .withHealthTimeScale(0.2)
                    .withVipOctet(100)));
    log.info("CLB emulator at {}", clb.endpoint());

    ApiClient admin = plane.adminClient();
    CoreV1Api core = new CoreV1Api(admin);
    // As the install does (kubectl apply -k manifests/): TkeServiceConfig can be tried at once.
    TkeServiceConfigCrd.install(admin, repository, TIMEOUT);
    core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(SYSTEM_NAMESPACE)))
        .execute();
    Map<String, String> env =
        new LinkedHashMap<>(ClbDirectProcess.clbCredentials(secretId, secretKey));
    env.put("POD_NAME", "sandbox");
    List<String> args =
        new ArrayList<>(
            ClbDirectProcess.gateControllerArguments(SYSTEM_NAMESPACE, "sandbox", clb.endpoint()));
    args.add("--clb-direct.network-mode=" + networkMode.configValue());
    FakeKubelet kubelet;
    if (networkMode == NetworkMode.MIXED) {
      // TKE's switch, off: direct-access Pods ask for an ENI IP (the webhook injects the request),
      // so the
      // load balancer binds VPC addresses. Switched on, new Pods keep GlobalRouter addresses and
      // new load
      // balancers get SNAT Pro (the hints printed by up show how).
      try {
        core.createNamespace(
                new V1Namespace().metadata(new V1ObjectMeta().name(WellKnown.TKE_CONFIG_NAMESPACE)))
            .execute();
      } catch (ApiException e) {
        if (e.getCode() != 409) { // the API server makes kube-system itself, but maybe not yet
          throw e;
        }
      }
      core.createNamespacedConfigMap(
              WellKnown.TKE_CONFIG_NAMESPACE,
              new V1ConfigMap()
                  .metadata(new V1ObjectMeta().name(WellKnown.TKE_CONFIG_NAME))
                  .data(Map.of(WellKnown.GLOBAL_ROUTE_DIRECT_ACCESS_KEY, "false")))
          .execute();
      kubelet =
          remember(
              new FakeKubelet(
                      plane.adminClient(Duration.ZERO),
                      "sandbox-node",
                      VPC_POD_OCTET,
                      GLOBAL_ROUTER_POD_OCTET)
                  .start());
    } else {
      kubelet =
          remember(
              new FakeKubelet(plane.adminClient(Duration.ZERO), "sandbox-node", VPC_POD_OCTET)
                  .start());
    }
    ClbDirectProcess clbDirect =
        remember(
            ClbDirectProcess.start(logs, kubeconfig, SYSTEM_NAMESPACE, "clb-direct", args, env));

    String vip = applyExample(core, new AppsV1Api(admin));
    String httpsVip =
        HttpsExample.apply(
            core,
            new NetworkingV1Api(admin),
            EXAMPLE_NAMESPACE,
            "web",
            EXAMPLE_PORT,
            state,
            TIMEOUT);
    Map<String, String> printed = new LinkedHashMap<>();
    printed.put("KUBECONFIG", kubeconfig.toString());
    printed.put("SANDBOX_VIP", vip);
    printed.put("SANDBOX_VIP_PORT", Integer.toString(EXAMPLE_PORT));
    printed.put("SANDBOX_HTTPS_VIP", httpsVip);
    printed.put("SANDBOX_HTTPS_HOST", HttpsExample.HOST);
    printed.put("SANDBOX_CA", state.resolve(HttpsExample.CA_FILE).toAbsolutePath().toString());
    printed.put("SANDBOX_NETWORK_MODE", networkMode.configValue());
    printed.put("SANDBOX_VPC", Networks.CLUSTER_VPC);
    printed.put("SANDBOX_SUBNET", Networks.CLUSTER_SUBNET);
    printed.put("CLB_EMULATOR_ENDPOINT", "http://" + clb.endpoint());
    printed.put("CLB_EMULATOR_SECRET_ID", secretId);
    printed.put("CLB_EMULATOR_SECRET_KEY", secretKey);
    printed.put("CLB_DIRECT_WEBHOOK", clbDirect.webhookUrl());
    printed.put("CLB_DIRECT_MANAGEMENT", "http://127.0.0.1:" + clbDirect.managementPort());
    printed.put("KUBE_APISERVER", plane.apiServerUrl());
    write(state.resolve("env"), printed);
    writePids(plane, clbDirect);
    String took = Long.toString(ManagedProcess.timeSince(begin).toMillis());
    Files.writeString(state.resolve("ready"), took + "\n", StandardCharsets.UTF_8);
    log.info("sandbox ready in {} ms: VIP {}:{}", took, vip, EXAMPLE_PORT);
  }

  /**
   * A Deployment of 3 HTTP replicas behind a direct-access LoadBalancer Service; returns the VIP
   * once every gate is True.
   */
  static String applyExample(CoreV1Api core, AppsV1Api apps) throws ApiException {
    core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(EXAMPLE_NAMESPACE)))
        .execute();
    core.createNamespacedService(
            EXAMPLE_NAMESPACE,
            new V1Service()
                .metadata(
                    new V1ObjectMeta()
                        .name("web")
                        .annotations(
                            Map.of(
                                "service.cloud.tencent.com/direct-access", "true",
                                "service.cloud.tencent.com/enable-grace-shutdown", "true")))
                .spec(
                    new V1ServiceSpec()
                        .type("LoadBalancer")
                        .selector(Map.of("app", "web"))
                        .addPortsItem(
                            new V1ServicePort()
                                .name("http")
                                .port(EXAMPLE_PORT)
                                .targetPort(new IntOrString("http")))))
        .execute();
    apps.createNamespacedDeployment(
            EXAMPLE_NAMESPACE,
            new V1Deployment()
                .metadata(new V1ObjectMeta().name("web"))
                .spec(
                    new V1DeploymentSpec()
                        .replicas(3)
                        .selector(new V1LabelSelector().matchLabels(Map.of("app", "web")))
                        .strategy(
                            new V1DeploymentStrategy()
                                .type("RollingUpdate")
                                .rollingUpdate(
                                    new V1RollingUpdateDeployment()
                                        .maxUnavailable(new IntOrString(0))
                                        .maxSurge(new IntOrString(1))))
                        .template(
                            new V1PodTemplateSpec()
                                .metadata(new V1ObjectMeta().labels(Map.of("app", "web")))
                                // overhead: client-java sends {} for an unset map, which the API
                                // server rejects without a RuntimeClass
                                .spec(
                                    new V1PodSpec()
                                        .overhead(null)
                                        .addContainersItem(
                                            new V1Container()
                                                .name("web")
                                                .image("example.com/web:1")
                                                .addPortsItem(
                                                    new V1ContainerPort()
                                                        .name("http")
                                                        .containerPort(EXAMPLE_PORT)))))))
        .execute();
    Await.until(
        TIMEOUT,
        "the example Deployment demo/web Available with 3 replicas (every readiness gate True)",
        () -> {
          try {
            return apps.readNamespacedDeployment("web", EXAMPLE_NAMESPACE).execute();
          } catch (ApiException e) {
            throw new IllegalStateException(e);
          }
        },
        d ->
            d.getStatus() != null
                && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas()));
    V1Service web =
        Await.until(
            TIMEOUT,
            "the VIP of Service demo/web",
            () -> {
              try {
                return core.readNamespacedService("web", EXAMPLE_NAMESPACE).execute();
              } catch (ApiException e) {
                throw new IllegalStateException(e);
              }
            },
            s ->
                s.getStatus() != null
                    && s.getStatus().getLoadBalancer() != null
                    && s.getStatus().getLoadBalancer().getIngress() != null
                    && !s.getStatus().getLoadBalancer().getIngress().isEmpty());
    return web.getStatus().getLoadBalancer().getIngress().get(0).getIp();
  }

  /**
   * One file per process, {@code pids/<name>}, each line a pid: the script's status and its last
   * resort.
   */
  private void writePids(ControlPlane plane, ClbDirectProcess clbDirect) throws IOException {
    Path pids = Files.createDirectories(state.resolve("pids"));
    for (ManagedProcess process : plane.processes()) {
      write(pids.resolve(process.name()), process.pids());
    }
    write(pids.resolve("clb-direct"), clbDirect.pids());
    write(pids.resolve("sandbox"), List.of(ProcessHandle.current().pid()));
  }

  private static void write(Path file, List<Long> pids) throws IOException {
    StringBuilder text = new StringBuilder();
    pids.forEach(pid -> text.append(pid).append('\n'));
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static void write(Path file, Map<String, String> env) throws IOException {
    StringBuilder text =
        new StringBuilder("# written by hack/sandbox.sh up; source it: . .sandbox/env\n");
    env.forEach(
        (key, value) ->
            text.append("export ").append(key).append("='").append(value).append("'\n"));
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private <T extends AutoCloseable> T remember(T resource) {
    synchronized (started) {
      started.add(resource);
    }
    return resource;
  }

  /** Stops everything, newest first. */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(state.resolve("ready"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<AutoCloseable> toStop;
    synchronized (started) {
      toStop = new ArrayList<>(started);
      started.clear();
    }
    for (int i = toStop.size() - 1; i >= 0; i--) {
      try {
        toStop.get(i).close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", toStop.get(i).getClass().getSimpleName(), e.toString());
      }
    }
  }
}
