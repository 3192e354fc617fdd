package io.clbdirect.e2e.controlplane;

import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.Pem;
import io.clbdirect.certs.ServingCertificate;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd + kube-apiserver + kube-controller-manager on free loopback ports, in a temporary directory,
 * with RBAC on and client-certificate authentication. {@link #close()} stops all three and deletes
 * the directory; the processes' watchdogs stop them if this JVM dies first.
 */
public final class ControlPlane implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  /**
   * kube-controller-manager's default set, as on a real cluster: StatefulSets, Jobs, namespace
   * deletion, node lifecycle and the rest work. Which of them cannot do anything on loopback, and
   * why, is in docs/testing.md. There is still no scheduler: the fake kubelet binds Pods.
   */
  public static final String CONTROLLERS = "*";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path workDir;
  private final Path logDir;
  private final List<ManagedProcess> processes = new ArrayList<>();
  private final CertificateAuthority ca;
  private int apiserverPort;
  private String etcdUrl;
  private Path adminKubeconfig;

  /**
   * The parts a fault test can stop and start again in place: same binary, flags, ports,
   * certificates and (for etcd) data directory, as a node restarting a static Pod would.
   */
  public enum Component {
    ETCD("etcd"),
    KUBE_APISERVER("kube-apiserver");

    private final String processName;

    Component(String processName) {
      this.processName = processName;
    }
  }

  private ControlPlane(Path workDir, Path logDir) {
    this.workDir = workDir;
    this.logDir = logDir;
    this.ca =
        CertificateAuthority.generate("clb-direct-e2e-ca", Duration.ofDays(7), Clock.systemUTC());
  }

  public static ControlPlane start(ControlPlaneAssets assets) {
    Path workDir;
    try {
      workDir = Files.createTempDirectory("clb-direct-control-plane-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return start(assets, workDir, workDir);
  }

  /**
   * @param workDir data, certificates and kubeconfigs (created if missing)
   * @param logDir where each process's log goes (created if missing)
   */
  public static ControlPlane start(ControlPlaneAssets assets, Path workDir, Path logDir) {
    mkdir(workDir);
    mkdir(logDir);
    ControlPlane plane = new ControlPlane(workDir, logDir);
    try {
      long started = System.nanoTime();
      plane.startAll(assets);
      log.info(
          "control plane ready at {} in {} ms (work dir {})",
          plane.apiServerUrl(),
          ManagedProcess.timeSince(started).toMillis(),
          workDir);
      return plane;
    } catch (RuntimeException e) {
      plane.close();
      throw e;
    }
  }

  public String apiServerUrl() {
    return "https://127.0.0.1:" + apiserverPort;
  }

  public Path workDir() {
    return workDir;
  }

  /** A kubeconfig for user {@code clb-direct-e2e-admin} in group {@code system:masters}. */
  public Path adminKubeconfig() {
    return adminKubeconfig;
  }

  public String caCertificatePem() {
    return Pem.encodeCertificates(List.of(ca.certificate()));
  }

  /** An admin client with the given read timeout (0 for clients that hold watches open). */
  public ApiClient adminClient(Duration readTimeout) {
    try {
      KubeConfig config =
          KubeConfig.loadKubeConfig(new StringReader(Files.readString(adminKubeconfig)));
      return ClientBuilder.kubeconfig(config).setReadTimeout(readTimeout).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ApiClient adminClient() {
    return adminClient(Duration.ofSeconds(30));
  }

  /**
   * Writes a kubeconfig for another user, authenticated by a client certificate this control
   * plane's CA signs. The user has no rights until RBAC grants them.
   */
  public Path kubeconfigFor(String user, List<String> groups) {
    ServingCertificate client = ca.issueClient(user, groups, Duration.ofDays(7), Clock.systemUTC());
    Path file = workDir.resolve("kubeconfig-" + user.replaceAll("[^A-Za-z0-9._-]", "_"));
    write(file, kubeconfig(client));
    return file;
  }

  private void startAll(ControlPlaneAssets assets) {
    Path pki = mkdir(workDir.resolve("pki"));
    write(pki.resolve("ca.crt"), caCertificatePem());
    // For the CSR signing controller: certificates approved through the certificates API are issued
    // by
    // the same CA the API server trusts for client certificates, as with kubeadm.
    write(pki.resolve("ca.key"), Pem.encodePrivateKey(ca.privateKey()));
    ServingCertificate serving =
        ca.issueServing(
            List.of(
                "localhost",
                "kubernetes",
                "kubernetes.default",
                "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local"),
            List.of(address("127.0.0.1"), address("10.0.0.1")),
            Duration.ofDays(7),
            Clock.systemUTC());
    write(pki.resolve("apiserver.crt"), serving.certificatePem());
    write(pki.resolve("apiserver.key"), serving.privateKeyPem());
    KeyPair serviceAccount = CertificateAuthority.generateKeyPair();
    write(pki.resolve("sa.pub"), Pem.encodePublicKey(serviceAccount.getPublic()));
    write(pki.resolve("sa.key"), Pem.encodePrivateKey(serviceAccount.getPrivate()));

    int etcdPort = freePort();
    int etcdPeerPort = freePort();
    apiserverPort = freePort();
    etcdUrl = "http://127.0.0.1:" + etcdPort;
    String peerUrl = "http://127.0.0.1:" + etcdPeerPort;

    ManagedProcess etcd =
        launch(
            "etcd",
            List.of(
                assets.etcd().toString(),
                "--name=e2e",
                "--data-dir=" + mkdir(workDir.resolve("etcd")),
                "--listen-client-urls=" + etcdUrl,
                "--advertise-client-urls=" + etcdUrl,
                "--listen-peer-urls=" + peerUrl,
                "--initial-advertise-peer-urls=" + peerUrl,
                "--initial-cluster=e2e=" + peerUrl,
                // Test data is throw-away: skipping fsync makes etcd several times faster on small
                // disks.
                "--unsafe-no-fsync=true",
                "--log-level=warn"));
    awaitHttp(etcd, etcdUrl + "/health", "\"health\":\"true\"");

    ManagedProcess apiserver =
        launch(
            "kube-apiserver",
            List.of(
                assets.kubeApiserver().toString(),
                "--etcd-servers=" + etcdUrl,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--secure-port=" + apiserverPort,
                "--cert-dir=" + mkdir(workDir.resolve("apiserver-certs")),
                "--tls-cert-file=" + pki.resolve("apiserver.crt"),
                "--tls-private-key-file=" + pki.resolve("apiserver.key"),
                "--client-ca-file=" + pki.resolve("ca.crt"),
                "--authorization-mode=RBAC",
                // /16: the scale benchmark makes 500 Services (a /24 holds 254).
                "--service-cluster-ip-range=10.0.0.0/16",
                "--service-account-issuer=https://127.0.0.1:" + apiserverPort,
                "--service-account-key-file=" + pki.resolve("sa.pub"),
                "--service-account-signing-key-file=" + pki.resolve("sa.key"),
                // ServiceAccount admission is on (the default): Pods get serviceAccountName and the
                // projected
                // kube-api-access volume, as on a real cluster; the serviceaccount controller makes
                // each
                // namespace's "default" account, the root-CA publisher its kube-root-ca.crt
                // ConfigMap, and the
                // fake kubelet mounts both before it starts a Pod, as a kubelet does.
                "--allow-privileged=true",
                "--profiling=false"));

    ServingCertificate admin =
        ca.issueClient(
            "clb-direct-e2e-admin",
            List.of("system:masters"),
            Duration.ofDays(7),
            Clock.systemUTC());
    adminKubeconfig = workDir.resolve("admin.kubeconfig");
    write(adminKubeconfig, kubeconfig(admin));
    awaitReadyz(apiserver);
    awaitDefaultNamespace(apiserver);

    ManagedProcess controllerManager =
        launch(
            "kube-controller-manager",
            List.of(
                assets.kubeControllerManager().toString(),
                "--kubeconfig=" + adminKubeconfig,
                "--controllers=" + CONTROLLERS,
                // serviceaccount-token (legacy token Secrets) signs with the API server's key; the
                // root-CA
                // publisher puts this CA into every namespace's kube-root-ca.crt.
                "--service-account-private-key-file=" + pki.resolve("sa.key"),
                "--root-ca-file=" + pki.resolve("ca.crt"),
                "--cluster-signing-cert-file=" + pki.resolve("ca.crt"),
                "--cluster-signing-key-file=" + pki.resolve("ca.key"),
                "--leader-elect=false",
                "--bind-address=127.0.0.1",
                "--secure-port=0",
                "--use-service-account-credentials=false"));
    sleepQuietly(Duration.ofMillis(500));
    controllerManager.requireAlive();
  }

  private ManagedProcess launch(String name, List<String> command) {
    ManagedProcess process =
        ManagedProcess.start(name, command, logDir.resolve(name + ".log"), Map.of());
    processes.add(process);
    return process;
  }

  private String kubeconfig(ServingCertificate client) {
    Base64.Encoder b64 = Base64.getEncoder();
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: e2e
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            client-certificate-data: %s
            client-key-data: %s
        contexts:
        - name: e2e
          context:
            cluster: e2e
            user: %s
        current-context: e2e
        """
        .formatted(
            apiServerUrl(),
            b64.encodeToString(caCertificatePem().getBytes(StandardCharsets.UTF_8)),
            client.certificate().getSubjectX500Principal().getName(),
            b64.encodeToString(client.certificatePem().getBytes(StandardCharsets.UTF_8)),
            b64.encodeToString(client.privateKeyPem().getBytes(StandardCharsets.UTF_8)),
            client.certificate().getSubjectX500Principal().getName());
  }

  private void awaitHttp(ManagedProcess process, String url, String expected) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      process.requireAlive();
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().contains(expected)) {
          return;
        }
        last = response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleepQuietly(Duration.ofMillis(100));
    }
    throw new IllegalStateException(
        process.name()
            + " not healthy at "
            + url
            + " within "
            + START_TIMEOUT
            + ": "
            + last
            + "\n"
            + process.logTail(30));
  }

  private void awaitReadyz(ManagedProcess apiserver) {
    ApiClient client = adminClient(Duration.ofSeconds(5));
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      apiserver.requireAlive();
      try (Response response =
          client
              .getHttpClient()
              .newCall(new Request.Builder().url(apiServerUrl() + "/readyz").build())
              .execute()) {
        if (response.code() == 200) {
          return;
        }
        last = response.code() + " " + response.body().string();
      } catch (IOException e) {
        last = e.toString();
      }
      sleepQuietly(Duration.ofMillis(200));
    }
    throw new IllegalStateException(
        "kube-apiserver not ready within "
            + START_TIMEOUT
            + ": "
            + last
            + "\n"
            + apiserver.logTail(30));
  }

  private void awaitDefaultNamespace(ManagedProcess apiserver) {
    CoreV1Api core = new CoreV1Api(adminClient(Duration.ofSeconds(5)));
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      apiserver.requireAlive();
      try {
        core.readNamespace("default").execute();
        return;
      } catch (Exception e) {
        sleepQuietly(Duration.ofMillis(200));
      }
    }
    throw new IllegalStateException("namespace default never appeared\n" + apiserver.logTail(30));
  }

  /**
   * Stops {@code component} as its supervisor would (SIGTERM; SIGKILL after 5 s): clients see
   * connections refused until {@link #start(Component)}. etcd keeps its data directory.
   */
  public synchronized void stop(Component component) {
    ManagedProcess process = process(component);
    log.info("stopping {} in place", component.processName);
    process.close();
  }

  /** SIGKILL to {@code component}, as a crash or an OOM kill: no graceful shutdown. */
  public synchronized void kill(Component component) {
    ManagedProcess process = process(component);
    log.info("killing {} in place", component.processName);
    process.kill();
  }

  /**
   * Launches a stopped {@code component} again with the same command, and waits until the control
   * plane serves again: etcd's {@code /health}, then (if it runs) the API server's {@code /readyz},
   * which checks its etcd connection too.
   */
  public synchronized void start(Component component) {
    ManagedProcess relaunched = process(component).relaunch();
    processes.set(indexOf(component), relaunched);
    long started = System.nanoTime();
    if (component == Component.ETCD) {
      awaitHttp(relaunched, etcdUrl + "/health", "\"health\":\"true\"");
    }
    ManagedProcess apiserver = process(Component.KUBE_APISERVER);
    if (apiserver.isAlive()) {
      awaitReadyz(apiserver);
    }
    log.info(
        "{} started again in place; control plane ready in {} ms",
        component.processName,
        ManagedProcess.timeSince(started).toMillis());
  }

  /** Is {@code component}'s process running (false between a stop and a start)? */
  public synchronized boolean isRunning(Component component) {
    return process(component).isAlive();
  }

  private ManagedProcess process(Component component) {
    return processes.get(indexOf(component));
  }

  private int indexOf(Component component) {
    for (int i = 0; i < processes.size(); i++) {
      if (processes.get(i).name().equals(component.processName)) {
        return i;
      }
    }
    throw new IllegalStateException("no " + component.processName + " in this control plane");
  }

  @Override
  public synchronized void close() {
    // Reverse order: controllers before the API server before its storage.
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    processes.clear();
    if (Boolean.getBoolean(KEEP_PROPERTY)) {
      // For reading the processes' logs after a failed run (docs/testing.md).
      log.info("kept the control plane's work dir and logs: {}", workDir);
      return;
    }
    deleteRecursively(workDir);
  }

  /** {@code -Dclbdirect.e2e.keep=true}: keep the work dir (every process's log) after the run. */
  public static final String KEEP_PROPERTY = "clbdirect.e2e.keep";

  public synchronized List<ManagedProcess> processes() {
    return List.copyOf(processes);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path mkdir(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      log.warn("could not delete {}: {}", dir, e.getMessage());
    }
  }
}
