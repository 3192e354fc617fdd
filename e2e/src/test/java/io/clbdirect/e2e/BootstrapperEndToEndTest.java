package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.certs.CertificateChecks;
import io.clbdirect.e2e.app.ClbDirectProcess;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.PatchUtils;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bootstrapper against the real API server: it repairs what users break, and rotates
 * certificates while Pods keep being created, without one failed or unmutated admission.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootstrapperEndToEndTest {

  static final String NAMESPACE = "clb-direct-bootstrap-e2e";
  static final String CONFIGURATION = "clb-direct-bootstrap-e2e";
  static final String SECRET = "clb-direct-webhook-tls";
  static final String WORKLOAD_NS = "bootstrap-workloads";
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(NAMESPACE)
          .args(
              "--clb-direct.bootstrap.failure-policy=Fail",
              "--clb-direct.bootstrap.propagation-delay=3s")
          .beforeStart(BootstrapperEndToEndTest::directAccessService)
          // No kubelet runs: the load test's Pods are never bound, and their namespace is deleted
          // at the end
          // (nothing to wait for) before a later class's kubelet could bind them.
          .build();

  static AdmissionregistrationV1Api admission;

  @BeforeAll
  static void start() {
    admission = new AdmissionregistrationV1Api(stack.admin());
    awaitMutating();
  }

  /** What the dry-run Pods select: the webhook gates them once its cache has it. */
  static void directAccessService(ControlPlane plane) throws ApiException {
    CoreV1Api core = new CoreV1Api(plane.adminClient());
    Namespaces.create(core, WORKLOAD_NS);
    core.createNamespacedService(WORKLOAD_NS, Fixtures.directAccessService("web", "web")).execute();
  }

  static void awaitMutating() {
    stack.pods().awaitGatedDryRun(WORKLOAD_NS, "web", TIMEOUT);
  }

  static V1MutatingWebhookConfiguration configuration() {
    try {
      return admission.readMutatingWebhookConfiguration(CONFIGURATION).execute();
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw new IllegalStateException(e);
    }
  }

  static V1Secret secret() {
    try {
      return stack.core().readNamespacedSecret(SECRET, NAMESPACE).execute();
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw new IllegalStateException(e);
    }
  }

  static CaBundle publishedBundle() {
    V1MutatingWebhookConfiguration configuration = configuration();
    if (configuration == null) {
      return null;
    }
    byte[] pem = configuration.getWebhooks().get(0).getClientConfig().getCaBundle();
    try {
      return pem == null ? null : CaBundle.parse(new String(pem, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The certificate the server presents to a new connection. */
  static X509Certificate served() {
    return PresentedCertificate.at(stack.clbDirect().httpsPort());
  }

  static boolean servedIsTrusted() {
    CaBundle bundle = publishedBundle();
    return bundle != null
        && CertificateChecks.trustedBy(served(), bundle.certificates(), Instant.now());
  }

  static void annotateSecret(String key, String value) throws ApiException {
    String patch = "{\"metadata\":{\"annotations\":{\"" + key + "\":\"" + value + "\"}}}";
    PatchUtils.patch(
        V1Secret.class,
        () ->
            stack
                .core()
                .patchNamespacedSecret(SECRET, NAMESPACE, new V1Patch(patch))
                .buildCall(null),
        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        stack.admin());
  }

  @Test
  @Order(1)
  void createsItsSecretAndRegistrationAndServesATrustedCertificate() {
    V1Secret secret = secret();
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "clb-direct");
    assertThat(secret.getData()).containsKeys("tls.crt", "tls.key", "ca.crt");
    var webhook = configuration().getWebhooks().get(0);
    assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
    assertThat(webhook.getSideEffects()).isEqualTo("None");
    assertThat(webhook.getTimeoutSeconds()).isEqualTo(10);
    assertThat(webhook.getClientConfig().getUrl())
        .isEqualTo("https://127.0.0.1:" + stack.clbDirect().httpsPort() + "/mutate-pods");
    assertThat(webhook.getNamespaceSelector().getMatchExpressions().get(0).getValues())
        .containsExactly("kube-system", NAMESPACE);
    assertThat(servedIsTrusted()).isTrue();
  }

  @Test
  @Order(2)
  void deletedWebhookConfigurationComesBackAndPodsAreStillMutated() throws Exception {
    long started = System.nanoTime();
    admission.deleteMutatingWebhookConfiguration(CONFIGURATION).execute();
    Await.until(
        TIMEOUT,
        "the webhook configuration restored",
        BootstrapperEndToEndTest::configuration,
        c -> c != null);
    long restoredMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    System.out.println("REPAIR webhook configuration deleted -> restored in " + restoredMs + " ms");
    assertThat(restoredMs).as("restored within 2 s").isLessThan(2000);
    awaitMutating();
  }

  @Test
  @Order(3)
  void tamperedCaBundleIsRestored() throws Exception {
    String bogus =
        "{\"webhooks\":[{\"name\":\"pods.clb-direct.io\",\"clientConfig\":{\"caBundle\":\""
            + java.util.Base64.getEncoder()
                .encodeToString("not a certificate".getBytes(StandardCharsets.UTF_8))
            + "\"}}]}";
    long started = System.nanoTime();
    PatchUtils.patch(
        V1MutatingWebhookConfiguration.class,
        () ->
            admission
                .patchMutatingWebhookConfiguration(CONFIGURATION, new V1Patch(bogus))
                .buildCall(null),
        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        stack.admin());
    Await.until(
        TIMEOUT,
        "caBundle restored",
        BootstrapperEndToEndTest::publishedBundle,
        bundle -> bundle != null);
    long restoredMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    System.out.println("REPAIR caBundle tampered -> restored in " + restoredMs + " ms");
    assertThat(restoredMs).as("restored within 2 s").isLessThan(2000);
    assertThat(servedIsTrusted()).isTrue();
    awaitMutating();
  }

  @Test
  @Order(4)
  void deletedSecretGetsANewCaAndLeafAndTheServerSwapsToIt() throws Exception {
    BigInteger oldSerial = served().getSerialNumber();
    CaBundle oldBundle = publishedBundle();
    long started = System.nanoTime();
    stack.core().deleteNamespacedSecret(SECRET, NAMESPACE).execute();
    Await.until(TIMEOUT, "a new Secret", BootstrapperEndToEndTest::secret, s -> s != null);
    long secretMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    Await.until(
        TIMEOUT,
        "a new certificate served and trusted",
        () -> !served().getSerialNumber().equals(oldSerial) && servedIsTrusted(),
        ok -> ok);
    long swappedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    System.out.println(
        "REPAIR Secret deleted -> recreated in "
            + secretMs
            + " ms, new certificate served and trusted in "
            + swappedMs
            + " ms");
    assertThat(publishedBundle().sameAs(oldBundle)).as("a new CA").isFalse();
    assertThat(swappedMs).as("repaired within 2 s").isLessThan(2000);
    awaitMutating();
  }

  /**
   * At least 20 Pod creations a second through the API server, while the serving certificate and
   * then the CA are rotated: every creation must succeed and carry the gate.
   */
  @Test
  @Order(5)
  void rotationsUnderLoadLoseNoAdmission() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger created = new AtomicInteger();
    AtomicInteger unmutated = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ExecutorService load = Executors.newFixedThreadPool(2);
    long started = System.nanoTime();
    for (int t = 0; t < 2; t++) {
      int thread = t;
      load.submit(
          () -> {
            int i = 0;
            while (running.get()) {
              try {
                V1Pod pod =
                    stack
                        .core()
                        .createNamespacedPod(
                            WORKLOAD_NS, Fixtures.pod("load-" + thread + "-" + i++, "web"))
                        .execute();
                created.incrementAndGet();
                if (!Pods.hasGate(pod)) {
                  unmutated.incrementAndGet();
                }
              } catch (ApiException e) {
                failures.add(e.getCode() + " " + e.getResponseBody());
              }
            }
          });
    }
    try {
      Thread.sleep(1000);
      BigInteger leafBefore = served().getSerialNumber();
      annotateSecret("clb-direct.io/rotate", "leaf");
      Await.until(
          TIMEOUT,
          "leaf rotated",
          () -> served().getSerialNumber(),
          serial -> !serial.equals(leafBefore));
      Thread.sleep(1000);

      CaBundle caBefore = publishedBundle();
      annotateSecret("clb-direct.io/rotate", "ca");
      Await.until(
          TIMEOUT,
          "both CAs published",
          BootstrapperEndToEndTest::publishedBundle,
          b -> b != null && b.certificates().size() == 2);
      Await.until(
          TIMEOUT,
          "old CA retired, one new CA left",
          BootstrapperEndToEndTest::publishedBundle,
          b -> b != null && b.certificates().size() == 1 && !b.sameAs(caBefore));
      assertThat(servedIsTrusted()).isTrue();
      Thread.sleep(2000);
    } finally {
      running.set(false);
      load.shutdown();
      assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    double rate = created.get() / seconds;
    System.out.printf(
        "LOAD %d Pods created in %.1f s (%.1f/s) across a leaf and a CA rotation: %d failed, %d unmutated%n",
        created.get(), seconds, rate, failures.size(), unmutated.get());
    assertThat(failures).as("failed creations").isEmpty();
    assertThat(unmutated.get()).as("creations without the gate").isZero();
    assertThat(rate).as("creations per second").isGreaterThanOrEqualTo(20);
    assertThat(secret().getMetadata().getAnnotations()).doesNotContainKey("clb-direct.io/rotate");
  }

  @Test
  @Order(6)
  void rotateCertificatesSubcommandRotatesTheServedCertificate() throws Exception {
    BigInteger before = served().getSerialNumber();
    String java = ProcessHandle.current().info().command().orElse("java");
    Process command =
        new ProcessBuilder(
                java,
                "-jar",
                ClbDirectProcess.packagedJar().toString(),
                "rotate-certificates",
                "--namespace=" + NAMESPACE,
                "--kubeconfig=" + stack.plane().adminKubeconfig())
            .redirectErrorStream(true)
            .start();
    String output = new String(command.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(command.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(command.exitValue()).as(output).isZero();
    assertThat(output).contains("requested serving certificate rotation");

    Await.until(
        TIMEOUT,
        "a new serving certificate",
        () -> served().getSerialNumber(),
        serial -> !serial.equals(before));
    Await.until(
        TIMEOUT,
        "the request annotation removed",
        BootstrapperEndToEndTest::secret,
        s ->
            s.getMetadata().getAnnotations() == null
                || !s.getMetadata().getAnnotations().containsKey("clb-direct.io/rotate"));
    assertThat(servedIsTrusted()).isTrue();
  }

  @Test
  @Order(7)
  void repairsAndRotationsAreCountedAndRecordedAsEvents() throws Exception {
    String metrics = stack.clbDirect().management("/actuator/prometheus");
    assertThat(
            metricValue(
                metrics, "clb_direct_bootstrap_repairs_total{kind=\"webhook-configuration\"}"))
        .isGreaterThanOrEqualTo(2);
    assertThat(metricValue(metrics, "clb_direct_bootstrap_repairs_total{kind=\"secret\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            metricValue(
                metrics,
                "clb_direct_certificate_writes_total{reason=\"ca-rotation-leaf-switched\"}"))
        .isGreaterThanOrEqualTo(1);
    double leafExpiry =
        metricValue(
            metrics, "clb_direct_certificate_expiry_timestamp_seconds{certificate=\"serving\"}");
    assertThat(leafExpiry).isEqualTo((double) served().getNotAfter().toInstant().getEpochSecond());

    List<String> reasons =
        Await.until(
            TIMEOUT,
            "events on the Secret",
            () -> {
              try {
                return stack.core().listNamespacedEvent(NAMESPACE).execute().getItems().stream()
                    .filter(e -> SECRET.equals(e.getInvolvedObject().getName()))
                    .map(e -> e.getReason())
                    .toList();
              } catch (ApiException e) {
                throw new IllegalStateException(e);
              }
            },
            list ->
                list.contains("WebhookConfigurationRestored")
                    && list.contains("LeafRotationRequested"));
    assertThat(reasons)
        .contains(
            "Missing", "CaRotationRequested", "CaRotationLeafSwitched", "CaRotationOldCaRetired");
  }

  /** The value of one sample line in Prometheus text format. */
  static double metricValue(String exposition, String series) {
    return exposition
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .findFirst()
        .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
        .orElseThrow(
            () ->
                new AssertionError(
                    "no series "
                        + series
                        + " in:\n"
                        + exposition
                            .lines()
                            .filter(l -> l.startsWith("clb_direct_"))
                            .collect(java.util.stream.Collectors.joining("\n"))));
  }
}
