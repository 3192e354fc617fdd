package io.clbdirect.webhook.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.RenewalPolicy;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.certs.rotation.RotationPlanner;
import io.clbdirect.certs.rotation.SecretCodec;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bootstrapper's decisions against an in-memory cluster: no API server, no threads, no waiting.
 */
class BootstrapReconcilerTest {

  static final String NAMESPACE = "clb-direct-system";
  static final String SECRET = "clb-direct-webhook-tls";
  static final Request KEY = new Request("serving-certificate");
  static final Duration PROPAGATION = Duration.ofSeconds(30);

  final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final RecordedEvents events = new RecordedEvents();
  final InMemoryCluster cluster = new InMemoryCluster(WebhookRegistrationTest.service());

  BootstrapReconciler reconciler(Duration propagationDelay) {
    BootstrapSettings settings =
        new BootstrapSettings(
            NAMESPACE,
            SECRET,
            "clb-direct",
            "replica-a",
            WebhookRegistrationTest.service(),
            new RotationPlanner.Desired(
                BootstrapSettings.serviceDnsNames("clb-direct", NAMESPACE),
                List.of(),
                RenewalPolicy.defaults(),
                propagationDelay));
    return new BootstrapReconciler(
        cluster, cluster, cluster, events, new BootstrapMetrics(meters), settings, clock);
  }

  final BootstrapReconciler reconciler = reconciler(PROPAGATION);

  /**
   * A first install: the Secret written, the configuration applied, and the steady state reached.
   */
  Result install() {
    reconciler.reconcile(KEY);
    assertThat(cluster.secret).isNotNull();
    assertThat(cluster.configuration).isNotNull();
    return reconciler.reconcile(KEY);
  }

  @Test
  void aMissingSecretIsWrittenAndTheConfigurationAppliedWithItsCa() throws Exception {
    Result result = reconciler.reconcile(KEY);

    assertThat(cluster.secretWrites).hasSize(1);
    V1Secret written = cluster.secret;
    assertThat(written.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(written.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "clb-direct");
    assertThat(written.getData()).containsKeys("tls.crt", "tls.key", "ca.crt");
    assertThat(cluster.applied).hasSize(1);
    assertThat(cluster.applied.get(0).sameAs(SecretCodec.readBundle(written.getData())))
        .as("the Secret's CA is published")
        .isTrue();
    assertThat(result).isEqualTo(new Result(true, Duration.ofMinutes(1)));

    assertThat(events.events)
        .containsExactly(SECRET + " Missing", SECRET + " WebhookConfigurationRestored");
    assertThat(count("clb_direct_certificate_writes_total", "reason", "missing")).isEqualTo(1);
    assertThat(count("clb_direct_bootstrap_repairs_total", "kind", "secret")).isEqualTo(1);
    assertThat(count("clb_direct_bootstrap_repairs_total", "kind", "webhook-configuration"))
        .as("a first install is no repair")
        .isZero();
  }

  @Test
  void inTheSteadyStateNothingIsWrittenAndTheNextLookIsAMinuteAway() {
    Result result = install();

    assertThat(cluster.secretWrites).hasSize(1);
    assertThat(cluster.applied).hasSize(1);
    assertThat(result).isEqualTo(new Result(true, Duration.ofMinutes(1)));
  }

  @Test
  void aLeafRotationRequestIsWrittenAndTheRequestRemoved() {
    install();
    X509Certificate before = leaf(cluster.secret);
    annotate("clb-direct.io/rotate", "leaf");
    annotate("example.com/kept", "yes");

    reconciler.reconcile(KEY);

    assertThat(cluster.secretWrites).hasSize(2);
    assertThat(leaf(cluster.secret)).isNotEqualTo(before);
    assertThat(cluster.secret.getMetadata().getAnnotations())
        .doesNotContainKey("clb-direct.io/rotate")
        .containsEntry("example.com/kept", "yes");
    assertThat(cluster.applied).as("same CA: the configuration needs nothing").hasSize(1);
    assertThat(events.events).endsWith(SECRET + " LeafRotationRequested");
    assertThat(count("clb_direct_certificate_writes_total", "reason", "leaf-rotation-requested"))
        .isEqualTo(1);
  }

  @Test
  void aCaRotationIsPublishedSwitchedAndRetiredEachAtThePlannersRecheckTime() throws Exception {
    install();
    CaBundle oldBundle = cluster.applied.get(0);
    annotate("clb-direct.io/rotate", "ca");

    Result published = reconciler.reconcile(KEY);
    assertThat(cluster.applied.get(1).certificates()).as("both CAs published").hasSize(2);
    assertThat(cluster.secret.getMetadata().getAnnotations())
        .doesNotContainKey("clb-direct.io/rotate");
    assertThat(published).isEqualTo(new Result(true, Duration.ofSeconds(1)));

    assertThat(reconciler.reconcile(KEY))
        .as("waits for the caBundle to propagate")
        .isEqualTo(new Result(true, PROPAGATION));

    clock.advance(PROPAGATION);
    Result switched = reconciler.reconcile(KEY);
    assertThat(oldBundle.contains(issuer(cluster.secret)))
        .as("the leaf is signed by the new CA")
        .isFalse();
    assertThat(switched)
        .as("waits for every replica to serve it")
        .isEqualTo(new Result(true, PROPAGATION));

    clock.advance(PROPAGATION);
    reconciler.reconcile(KEY);
    CaBundle retired = cluster.applied.get(cluster.applied.size() - 1);
    assertThat(retired.certificates())
        .as("the old CA retired")
        .hasSize(1)
        .doesNotContainAnyElementsOf(oldBundle.certificates());
    assertThat(events.events)
        .contains(
            SECRET + " CaRotationRequested",
            SECRET + " CaRotationLeafSwitched",
            SECRET + " CaRotationOldCaRetired");
  }

  @Test
  void theNextLookIsNeverMoreThanAMinuteAway() {
    BootstrapReconciler slow = reconciler(Duration.ofMinutes(5));
    slow.reconcile(KEY);
    annotate("clb-direct.io/rotate", "ca");
    slow.reconcile(KEY);

    assertThat(slow.reconcile(KEY))
        .as("the planner waits 5 min; the reconciler looks again after 1")
        .isEqualTo(new Result(true, Duration.ofMinutes(1)));
  }

  @Test
  void aBringYourOwnSecretIsPublishedButNeverWritten() {
    CertificateAuthority usersCa =
        CertificateAuthority.generate("users-ca", Duration.ofDays(30), clock);
    ServingCertificate usersLeaf =
        usersCa.issueServing(
            List.of("clb-direct.clb-direct-system.svc"), List.of(), Duration.ofDays(10), clock);
    cluster.secret =
        new V1Secret()
            .metadata(
                new V1ObjectMeta()
                    .name(SECRET)
                    .namespace(NAMESPACE)
                    .labels(Map.of("app", "from-cert-manager"))
                    .annotations(Map.of("clb-direct.io/rotate", "ca")))
            .type("kubernetes.io/tls")
            .data(
                Map.of(
                    "tls.crt",
                    bytes(usersLeaf.certificatePem()),
                    "tls.key",
                    bytes(usersLeaf.privateKeyPem()),
                    "ca.crt",
                    bytes(usersLeaf.issuerPem())));

    Result result = reconciler.reconcile(KEY);
    reconciler.reconcile(KEY);

    assertThat(cluster.secretWrites).as("never written, not even on request").isEmpty();
    assertThat(cluster.applied).hasSize(1);
    assertThat(cluster.applied.get(0).certificates()).containsExactly(usersCa.certificate());
    assertThat(result).isEqualTo(new Result(true, Duration.ofMinutes(1)));
  }

  @Test
  void aBringYourOwnSecretWithoutCaIsNeitherWrittenNorPublished() {
    cluster.secret =
        new V1Secret()
            .metadata(new V1ObjectMeta().name(SECRET).namespace(NAMESPACE))
            .type("kubernetes.io/tls")
            .data(Map.of("tls.crt", bytes("not a certificate")));

    Result result = reconciler.reconcile(KEY);

    assertThat(cluster.secretWrites).isEmpty();
    assertThat(cluster.applied).isEmpty();
    assertThat(result).isEqualTo(new Result(true, Duration.ofMinutes(1)));
  }

  @Test
  void aDriftedConfigurationIsAppliedAgainAndCountedAsARepair() {
    install();
    cluster.configuration.getWebhooks().get(0).failurePolicy("Fail");

    reconciler.reconcile(KEY);

    assertThat(cluster.applied).hasSize(2);
    assertThat(cluster.configuration.getWebhooks().get(0).getFailurePolicy()).isEqualTo("Ignore");
    assertThat(count("clb_direct_bootstrap_repairs_total", "kind", "webhook-configuration"))
        .isEqualTo(1);
    assertThat(events.events).endsWith(SECRET + " WebhookConfigurationRestored");
    assertThat(cluster.secretWrites).as("the Secret needed nothing").hasSize(1);
  }

  @Test
  void aDeletedConfigurationIsAppliedAgain() {
    install();
    cluster.configuration = null;

    reconciler.reconcile(KEY);

    assertThat(cluster.applied).hasSize(2);
    assertThat(count("clb_direct_bootstrap_repairs_total", "kind", "webhook-configuration"))
        .isEqualTo(1);
  }

  @Test
  void aSecretOfAnotherTypeIsWrittenAfresh() {
    install();
    V1Secret opaque = cluster.secret.type("Opaque");
    cluster.secret = opaque;

    reconciler.reconcile(KEY);

    assertThat(cluster.secret).isNotSameAs(opaque);
    assertThat(cluster.secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(count("clb_direct_certificate_writes_total", "reason", "wrong-type")).isEqualTo(1);
    assertThat(count("clb_direct_bootstrap_repairs_total", "kind", "secret")).isEqualTo(2);
  }

  @Test
  void aFailedWriteIsRetriedWithBackoffAndTheRetryWrites() {
    cluster.failNext = new ApiException(409, "conflict");

    Result failed = reconciler.reconcile(KEY);

    assertThat(failed.isRequeue()).isTrue();
    assertThat(failed.getRequeueAfter())
        .as("no delay of its own: the workqueue's backoff decides")
        .isNull();
    assertThat(cluster.secret).isNull();
    reconciler.reconcile(KEY);
    assertThat(cluster.secret).isNotNull();
  }

  @Test
  void aFailedApplyAndAnErrorAreRetriedWithBackoff() {
    reconciler.reconcile(KEY);
    cluster.configuration = null;
    cluster.failNext = new IllegalStateException("connection reset");
    assertThat(reconciler.reconcile(KEY)).isEqualTo(new Result(true));

    cluster.failNext = new NoClassDefFoundError("io/clbdirect/Gone");
    assertThat(reconciler.reconcile(KEY)).isEqualTo(new Result(true));

    reconciler.reconcile(KEY);
    assertThat(cluster.configuration).isNotNull();
  }

  private void annotate(String key, String value) {
    Map<String, String> annotations = new HashMap<>(ServingSecret.annotations(cluster.secret));
    annotations.put(key, value);
    cluster.secret.getMetadata().annotations(annotations);
  }

  private double count(String name, String tag, String value) {
    Counter counter = meters.find(name).tag(tag, value).counter();
    return counter == null ? 0 : counter.count();
  }

  private static X509Certificate leaf(V1Secret secret) {
    try {
      return SecretCodec.readLeaf(secret.getData()).certificate();
    } catch (SecretCodec.MalformedSecretException e) {
      throw new AssertionError(e);
    }
  }

  private static X509Certificate issuer(V1Secret secret) throws Exception {
    return SecretCodec.decode(secret.getData(), secret.getMetadata().getAnnotations())
        .signingCa()
        .certificate();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    private Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
