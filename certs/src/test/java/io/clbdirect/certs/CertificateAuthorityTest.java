package io.clbdirect.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final CertificateAuthority ca =
      CertificateAuthority.generate("clb-direct-ca", Duration.ofDays(365), CLOCK);

  @Test
  void caIsACaBackdatedOneHour() throws Exception {
    X509Certificate cert = ca.certificate();
    assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
    cert.verify(cert.getPublicKey());
  }

  @Test
  void servingCertificateCarriesSansIsSignedByTheCaAndIsNotACa() throws Exception {
    ServingCertificate leaf =
        ca.issueServing(
            List.of("clb-direct", "clb-direct.system.svc"),
            List.of(InetAddress.getByName("127.0.0.1")),
            Duration.ofDays(90),
            CLOCK);

    X509Certificate cert = leaf.certificate();
    cert.verify(ca.certificate().getPublicKey());
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    assertThat(sans)
        .containsExactlyInAnyOrder(
            List.of(2, "clb-direct"), List.of(2, "clb-direct.system.svc"), List.of(7, "127.0.0.1"));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(90)));
  }

  @Test
  void leafNeverOutlivesItsCa() {
    ServingCertificate leaf =
        ca.issueServing(List.of("x"), List.of(), Duration.ofDays(10_000), CLOCK);
    assertThat(leaf.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  @Test
  void serialsAreRandomPositiveAndAtLeast64BitsOfEntropy() {
    ServingCertificate a = ca.issueServing(List.of("x"), List.of(), Duration.ofDays(1), CLOCK);
    ServingCertificate b = ca.issueServing(List.of("x"), List.of(), Duration.ofDays(1), CLOCK);
    assertThat(a.certificate().getSerialNumber()).isNotEqualTo(b.certificate().getSerialNumber());
    assertThat(a.certificate().getSerialNumber().signum()).isPositive();
    assertThat(ca.certificate().getSerialNumber().bitLength()).isGreaterThan(64);
  }

  @Test
  void clientCertificateNamesUserAndGroupsForTheApiServer() throws Exception {
    ServingCertificate client =
        ca.issueClient("admin", List.of("system:masters"), Duration.ofDays(1), CLOCK);

    X509Certificate cert = client.certificate();
    cert.verify(ca.certificate().getPublicKey());
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=admin,O=system:masters");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
  }

  @Test
  void refusesACertificateWithoutNames() {
    assertThatThrownBy(() -> ca.issueServing(List.of(), List.of(), Duration.ofDays(1), CLOCK))
        .hasMessageContaining("at least one DNS or IP name");
  }

  @Test
  void pemRoundTrips() {
    ServingCertificate leaf = ca.issueServing(List.of("x"), List.of(), Duration.ofDays(1), CLOCK);

    assertThat(Pem.decodeCertificates(leaf.certificatePem() + leaf.issuerPem()))
        .containsExactly(leaf.certificate(), ca.certificate());
    // Same key, whatever optional parameters the encoder chose to include.
    assertThat(
            ((java.security.interfaces.ECPrivateKey) Pem.decodePrivateKey(leaf.privateKeyPem()))
                .getS())
        .isEqualTo(((java.security.interfaces.ECPrivateKey) leaf.privateKey()).getS());
    assertThat(leaf.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void printingNeverShowsAPrivateKey() {
    ServingCertificate leaf = ca.issueServing(List.of("x"), List.of(), Duration.ofDays(1), CLOCK);
    String keyBase64 =
        leaf.privateKeyPem().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    String scalar = ((java.security.interfaces.ECPrivateKey) leaf.privateKey()).getS().toString(16);
    String printed =
        ca
            + " "
            + leaf
            + " "
            + new io.clbdirect.certs.rotation.ServingMaterial(
                CaBundle.of(ca.certificate()), ca, leaf, null, null, null);

    assertThat(printed)
        .doesNotContain(keyBase64)
        .doesNotContain(scalar)
        .doesNotContainIgnoringCase("private");
    assertThat(printed).contains("serial=");
  }

  @Test
  void malformedPemIsAClearError() {
    assertThatThrownBy(() -> Pem.decodeCertificates("")).hasMessageContaining("no certificate");
    ServingCertificate leaf = ca.issueServing(List.of("x"), List.of(), Duration.ofDays(1), CLOCK);
    assertThatThrownBy(() -> Pem.decodeCertificates(leaf.privateKeyPem()))
        .hasMessageContaining("expected CERTIFICATE");
    assertThatThrownBy(() -> Pem.decodePrivateKey(leaf.certificatePem()))
        .hasMessageContaining("expected a PRIVATE KEY");
  }
}
