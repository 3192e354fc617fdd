package io.clbdirect.webhook.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.RenewalPolicy;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.certs.rotation.RotationPlanner;
import io.clbdirect.certs.rotation.ServingMaterial;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;

/**
 * What every replica does with the Secret: serve a valid leaf from memory, never an expired one.
 */
class SecretFollowerTest {

  static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  final List<SslBundle> swaps = new ArrayList<>();
  final ServedCertificate served = new ServedCertificate();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final SecretFollower follower;

  SecretFollowerTest() {
    served.attach(
        new SslBundleRegistry() {
          @Override
          public void registerBundle(String name, SslBundle bundle) {}

          @Override
          public void updateBundle(String name, SslBundle bundle) {
            swaps.add(bundle);
          }
        });
    BootstrapSettings settings =
        new BootstrapSettings(
            "clb-direct-system",
            "clb-direct-webhook-tls",
            "clb-direct",
            "replica-a",
            WebhookRegistrationTest.service(),
            new RotationPlanner.Desired(
                List.of("clb-direct"), List.of(), RenewalPolicy.defaults(), Duration.ofSeconds(5)));
    follower = new SecretFollower(served, new BootstrapMetrics(meters), settings, CLOCK);
  }

  static V1Secret managed(CertificateAuthority ca, ServingCertificate leaf) {
    return ServingSecret.next(
        "clb-direct-system", "clb-direct-webhook-tls", null, ServingMaterial.of(ca, leaf), false);
  }

  @Test
  void aValidLeafIsServedAndItsExpiryReported() {
    CertificateAuthority ca = CertificateAuthority.generate("ca", Duration.ofDays(365), CLOCK);
    ServingCertificate leaf =
        ca.issueServing(List.of("clb-direct"), List.of(), Duration.ofDays(90), CLOCK);

    follower.onAdd(managed(ca, leaf));

    assertThat(served.certificate()).isEqualTo(leaf.certificate());
    assertThat(
            meters
                .get("clb_direct_certificate_expiry_timestamp_seconds")
                .tag("certificate", "serving")
                .gauge()
                .value())
        .isEqualTo(leaf.certificate().getNotAfter().toInstant().getEpochSecond());
  }

  @Test
  void anExpiredLeafIsNotServedAndThePreviousOneStays() {
    CertificateAuthority ca = CertificateAuthority.generate("ca", Duration.ofDays(365), CLOCK);
    ServingCertificate valid =
        ca.issueServing(List.of("clb-direct"), List.of(), Duration.ofDays(90), CLOCK);
    Clock lastYear = Clock.fixed(NOW.minus(Duration.ofDays(300)), ZoneOffset.UTC);
    CertificateAuthority oldCa =
        CertificateAuthority.generate("old-ca", Duration.ofDays(365), lastYear);
    ServingCertificate expired =
        oldCa.issueServing(List.of("clb-direct"), List.of(), Duration.ofDays(90), lastYear);
    follower.onAdd(managed(ca, valid));

    follower.onUpdate(null, managed(oldCa, expired));

    assertThat(served.certificate()).isEqualTo(valid.certificate());
    assertThat(swaps).hasSize(1);
  }

  @Test
  void aSecretWithoutAUsableLeafOrADeletedOneChangesNothingServed() {
    CertificateAuthority ca = CertificateAuthority.generate("ca", Duration.ofDays(365), CLOCK);
    ServingCertificate leaf =
        ca.issueServing(List.of("clb-direct"), List.of(), Duration.ofDays(90), CLOCK);
    follower.onAdd(managed(ca, leaf));
    V1Secret broken =
        new V1Secret()
            .metadata(new V1ObjectMeta().name("clb-direct-webhook-tls"))
            .data(Map.of("tls.crt", "not a certificate".getBytes(StandardCharsets.UTF_8)));

    follower.onUpdate(null, broken);
    follower.onDelete(broken, false);

    assertThat(served.certificate()).isEqualTo(leaf.certificate());
    assertThat(swaps).hasSize(1);
  }
}
