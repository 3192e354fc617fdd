package io.clbdirect.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateChecksTest {

  static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  final CertificateAuthority ca =
      CertificateAuthority.generate("clb-direct-webhook-ca", Duration.ofDays(30), CLOCK);
  final CertificateAuthority sameNameOtherKey =
      CertificateAuthority.generate("clb-direct-webhook-ca", Duration.ofDays(30), CLOCK);

  @Test
  void trustRequiresTheSigningKeyNotJustTheSubject() throws Exception {
    ServingCertificate leaf = ca.issueServing(List.of("svc"), List.of(), Duration.ofDays(1), CLOCK);

    assertThat(CertificateChecks.trustedBy(leaf.certificate(), List.of(ca.certificate()), NOW))
        .isTrue();
    assertThat(
            CertificateChecks.trustedBy(
                leaf.certificate(), List.of(sameNameOtherKey.certificate()), NOW))
        .isFalse();
    assertThat(
            CertificateChecks.trustedBy(
                leaf.certificate(), List.of(sameNameOtherKey.certificate(), ca.certificate()), NOW))
        .isTrue();
    assertThat(
            CertificateChecks.issuerIn(
                leaf.certificate(), List.of(sameNameOtherKey.certificate(), ca.certificate())))
        .isEqualTo(ca.certificate());
  }

  @Test
  void trustRequiresValidityOfLeafAndCa() {
    ServingCertificate leaf = ca.issueServing(List.of("svc"), List.of(), Duration.ofDays(1), CLOCK);
    assertThat(
            CertificateChecks.trustedBy(
                leaf.certificate(), List.of(ca.certificate()), NOW.plus(Duration.ofDays(2))))
        .isFalse();
    assertThat(
            CertificateChecks.trustedBy(
                leaf.certificate(), List.of(ca.certificate()), NOW.minus(Duration.ofHours(2))))
        .isFalse();
  }

  @Test
  void aLeafIsNotACa() {
    ServingCertificate leaf = ca.issueServing(List.of("svc"), List.of(), Duration.ofDays(1), CLOCK);
    ServingCertificate grandchild =
        new CertificateAuthority(leaf.certificate(), leaf.privateKey())
            .issueServing(List.of("x"), List.of(), Duration.ofHours(1), CLOCK);
    assertThat(
            CertificateChecks.trustedBy(grandchild.certificate(), List.of(leaf.certificate()), NOW))
        .isFalse();
  }

  @Test
  void coversChecksEveryWantedName() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    ServingCertificate leaf =
        ca.issueServing(
            List.of("clb-direct", "clb-direct.ns.svc"),
            List.of(loopback),
            Duration.ofDays(1),
            CLOCK);

    assertThat(
            CertificateChecks.covers(
                leaf.certificate(), List.of("CLB-direct.ns.svc"), List.of(loopback)))
        .isTrue();
    assertThat(
            CertificateChecks.covers(
                leaf.certificate(), List.of("clb-direct.other.svc"), List.of()))
        .isFalse();
    assertThat(
            CertificateChecks.covers(
                leaf.certificate(), List.of(), List.of(InetAddress.getByName("127.0.0.2"))))
        .isFalse();
  }

  @Test
  void bundleMergesWithoutDuplicatesAndPrunesExpired() {
    CertificateAuthority shortLived =
        CertificateAuthority.generate("old", Duration.ofDays(1), CLOCK);
    CaBundle bundle =
        CaBundle.of(shortLived.certificate()).with(ca.certificate()).with(ca.certificate());

    assertThat(bundle.certificates()).hasSize(2);
    assertThat(CaBundle.parse(bundle.pem()).sameAs(bundle)).isTrue();
    assertThat(bundle.withoutExpired(NOW.plus(Duration.ofDays(2))).certificates())
        .containsExactly(ca.certificate());
    assertThat(bundle.retainOnly(List.of(shortLived.certificate())).certificates())
        .containsExactly(shortLived.certificate());
  }
}
