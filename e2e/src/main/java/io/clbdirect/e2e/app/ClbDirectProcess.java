package io.clbdirect.e2e.app;

import io.clbdirect.e2e.controlplane.ManagedProcess;
import io.clbdirect.emulator.Networks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged clb-direct jar ({@code app/target/clb-direct.jar}) running as its own process on
 * loopback, exactly as users run it: its bootstrapper makes the certificates and registers the
 * webhook. Ready when its readiness endpoint says so (caches synced, certificate trusted).
 */
public final class ClbDirectProcess implements AutoCloseable {

  private final ManagedProcess process;
  private final int httpsPort;
  private final int managementPort;

  private ClbDirectProcess(ManagedProcess process, int httpsPort, int managementPort) {
    this.process = process;
    this.httpsPort = httpsPort;
    this.managementPort = managementPort;
  }

  /** The jar Maven built, as the e2e module's surefire configuration names it. */
  public static Path packagedJar() {
    String configured = System.getProperty("clbdirect.appJar");
    Path jar = configured != null ? Path.of(configured) : Path.of("app/target/clb-direct.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "clb-direct jar not found at "
              + jar.toAbsolutePath()
              + "; build it first: ./mvnw -B -DskipTests -pl app -am package");
    }
    return jar;
  }

  /**
   * Starts clb-direct with its bootstrapper in url mode: it creates its own CA and serving
   * certificate in a Secret in {@code namespace} (which must exist) and registers the
   * MutatingWebhookConfiguration {@code configurationName} pointing at itself on 127.0.0.1.
   */
  public static ClbDirectProcess start(
      Path workDir,
      Path kubeconfig,
      String namespace,
      String configurationName,
      List<String> extraArgs) {
    return start(workDir, kubeconfig, namespace, configurationName, extraArgs, Map.of());
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(rest);
    return all;
  }

  /**
   * @param env extra environment, e.g. {@code POD_NAME} to fix the replica's leader-election
   *     identity
   */
  public static ClbDirectProcess start(
      Path workDir,
      Path kubeconfig,
      String namespace,
      String configurationName,
      List<String> extraArgs,
      Map<String, String> env) {
    return start(workDir, kubeconfig, namespace, configurationName, extraArgs, env, 0);
  }

  /**
   * @param httpsPort the webhook's port, 0 for a free one: a replica started again after a crash
   *     takes its old port, as a restarted Pod keeps its Service, so the registered url still
   *     reaches it
   */
  public static ClbDirectProcess start(
      Path workDir,
      Path kubeconfig,
      String namespace,
      String configurationName,
      List<String> extraArgs,
      Map<String, String> env,
      int httpsPort) {
    try {
      Files.createDirectories(workDir);
      httpsPort = httpsPort != 0 ? httpsPort : freePort();
      int managementPort = freePort();
      String java = ProcessHandle.current().info().command().orElse("java");
      // JVM options among the extra arguments (-Xmx384m for a larger benchmark) go before -jar; the
      // shipped heap, 256 MiB, is the default.
      List<String> jvm = extraArgs.stream().filter(a -> a.startsWith("-X")).toList();
      List<String> command = new ArrayList<>(List.of(java));
      command.addAll(
          jvm.stream().anyMatch(a -> a.startsWith("-Xmx")) ? jvm : prepend("-Xmx256m", jvm));
      command.addAll(
          List.of(
              "-jar",
              packagedJar().toAbsolutePath().toString(),
              "--server.address=127.0.0.1",
              "--server.port=" + httpsPort,
              "--management.server.address=127.0.0.1",
              "--management.server.port=" + managementPort,
              "--clb-direct.kubeconfig=" + kubeconfig,
              "--clb-direct.bootstrap.namespace=" + namespace,
              "--clb-direct.bootstrap.configuration-name=" + configurationName,
              "--clb-direct.bootstrap.url=https://127.0.0.1:" + httpsPort + "/mutate-pods"));
      command.addAll(extraArgs.stream().filter(a -> !a.startsWith("-X")).toList());
      ManagedProcess process =
          ManagedProcess.start("clb-direct", command, workDir.resolve("clb-direct.log"), env);
      ClbDirectProcess app = new ClbDirectProcess(process, httpsPort, managementPort);
      try {
        app.awaitReady(Duration.ofSeconds(90));
      } catch (RuntimeException e) {
        app.close();
        throw e;
      }
      return app;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Arguments that switch the gate-controller on against a CLB emulator (plain HTTP) at {@code
   * endpoint}, with its Lease in {@code namespace}, in the emulator's cluster VPC ({@link
   * Networks#CLUSTER_VPC}); the credentials go in the environment, see {@link #clbCredentials}.
   */
  public static List<String> gateControllerArguments(
      String namespace, String clusterName, String endpoint) {
    return List.of(
        "--clb-direct.gate-controller.enabled=true",
        "--clb-direct.gate-controller.cluster-name=" + clusterName,
        "--clb-direct.gate-controller.namespace=" + namespace,
        "--clb-direct.clb.endpoint=" + endpoint,
        "--clb-direct.clb.https=false",
        "--clb-direct.clb.vpc-id=" + Networks.CLUSTER_VPC);
  }

  /**
   * The environment that carries CLB credentials, as the install manifests pass them from a Secret.
   */
  public static Map<String, String> clbCredentials(String secretId, String secretKey) {
    return Map.of("CLB_DIRECT_CLB_SECRET_ID", secretId, "CLB_DIRECT_CLB_SECRET_KEY", secretKey);
  }

  /** See {@link ManagedProcess#pids()}. */
  public List<Long> pids() {
    return process.pids();
  }

  public int managementPort() {
    return managementPort;
  }

  public String webhookUrl() {
    return "https://127.0.0.1:" + httpsPort + "/mutate-pods";
  }

  public int httpsPort() {
    return httpsPort;
  }

  /** GET on the management port, e.g. /actuator/prometheus. */
  public String management(String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The environment that arms a crash point (io.clbdirect.runtime.CrashPoints): the process halts,
   * as SIGKILL would end it, the first time it reaches {@code point}. Tests only.
   */
  public static Map<String, String> crashAt(String point) {
    return Map.of("CLB_DIRECT_TEST_CRASH_AT", point);
  }

  /**
   * Waits until the process has ended by itself (a crash point), failing with its log tail if it
   * still runs after {@code timeout}.
   */
  public void awaitExit(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (process.isAlive()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "clb-direct still runs after " + timeout + ":\n" + process.logTail(30));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** The process's output so far (stdout and stderr). */
  public String log() {
    try {
      return Files.readString(process.logFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ends the process abruptly (SIGKILL): no shutdown hook, no Lease released. */
  public void kill() {
    process.kill();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String logTail(int lines) {
    return process.logTail(lines);
  }

  private void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(timeout);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      process.requireAlive();
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + managementPort + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(
        "clb-direct not ready within " + timeout + ": " + last + "\n" + process.logTail(40));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
