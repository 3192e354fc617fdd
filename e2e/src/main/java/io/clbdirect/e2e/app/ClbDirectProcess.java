package io.clbdirect.e2e.app;

import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.Pem;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.e2e.controlplane.ManagedProcess;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged clb-direct jar ({@code app/target/clb-direct.jar}) running as its own process on
 * loopback, exactly as users run it, with a certificate from a test CA. Ready when its readiness
 * endpoint says so (caches synced).
 */
public final class ClbDirectProcess implements AutoCloseable {

  private final ManagedProcess process;
  private final int httpsPort;
  private final int managementPort;
  private final String caBundlePem;

  private ClbDirectProcess(ManagedProcess process, int httpsPort, int managementPort, String caBundlePem) {
    this.process = process;
    this.httpsPort = httpsPort;
    this.managementPort = managementPort;
    this.caBundlePem = caBundlePem;
  }

  /** The jar Maven built, as the e2e module's surefire configuration names it. */
  public static Path packagedJar() {
    String configured = System.getProperty("clbdirect.appJar");
    Path jar = configured != null ? Path.of(configured) : Path.of("app/target/clb-direct.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("clb-direct jar not found at " + jar.toAbsolutePath()
          + "; build it first: ./mvnw -B -DskipTests -pl app -am package");
    }
    return jar;
  }

  public static ClbDirectProcess start(Path workDir, Path kubeconfig, List<String> extraArgs) {
    try {
      Files.createDirectories(workDir);
      CertificateAuthority ca = CertificateAuthority.generate("clb-direct-e2e-webhook-ca", Duration.ofDays(2), Clock.systemUTC());
      ServingCertificate leaf = ca.issueServing(
          List.of("localhost"), List.of(InetAddress.getByName("127.0.0.1")), Duration.ofDays(1), Clock.systemUTC());
      Path certificate = Files.writeString(workDir.resolve("tls.crt"), leaf.certificatePem());
      Path key = Files.writeString(workDir.resolve("tls.key"), leaf.privateKeyPem());
      int httpsPort = freePort();
      int managementPort = freePort();
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> command = new ArrayList<>(List.of(
          java, "-Xmx256m", "-jar", packagedJar().toAbsolutePath().toString(),
          "--server.address=127.0.0.1",
          "--server.port=" + httpsPort,
          "--management.server.address=127.0.0.1",
          "--management.server.port=" + managementPort,
          "--clb-direct.kubeconfig=" + kubeconfig,
          "--clb-direct.tls.certificate-file=file:" + certificate,
          "--clb-direct.tls.private-key-file=file:" + key));
      command.addAll(extraArgs);
      ManagedProcess process = ManagedProcess.start("clb-direct", command, workDir.resolve("clb-direct.log"), Map.of());
      ClbDirectProcess app = new ClbDirectProcess(process, httpsPort, managementPort, Pem.encodeCertificates(List.of(ca.certificate())));
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

  public String webhookUrl() {
    return "https://127.0.0.1:" + httpsPort + "/mutate-pods";
  }

  public String caBundlePem() {
    return caBundlePem;
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
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(),
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
    throw new IllegalStateException("clb-direct not ready within " + timeout + ": " + last + "\n" + process.logTail(40));
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
