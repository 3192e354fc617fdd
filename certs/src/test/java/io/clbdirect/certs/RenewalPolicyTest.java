package io.clbdirect.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenewalPolicyTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void renewsAtTwoThirdsOfTheActualLifetimeIncludingBackdating() {
    CertificateAuthority ca =
        CertificateAuthority.generate("ca", Duration.ofDays(300), Clock.fixed(T0, ZoneOffset.UTC));
    // NotBefore = T0 - 1h, NotAfter = T0 + 300d: lifetime 300d + 1h, two thirds = 200d + 40min.
    Instant expected =
        T0.minus(Duration.ofHours(1)).plus(Duration.ofDays(200)).plus(Duration.ofMinutes(40));

    assertThat(RenewalPolicy.renewalTime(ca.certificate())).isEqualTo(expected);
    assertThat(RenewalPolicy.dueForRenewal(ca.certificate(), expected.minusSeconds(1))).isFalse();
    assertThat(RenewalPolicy.dueForRenewal(ca.certificate(), expected)).isTrue();
  }

  @Test
  void aFreshCertificateIsNotDueAndAnExpiredOneIs() {
    // cert-manager's bug: (NotBefore - NotAfter) is negative, so "a third remaining" was never
    // reached
    // before expiry. A fresh certificate must not be due, an expired one must be.
    CertificateAuthority ca =
        CertificateAuthority.generate("ca", Duration.ofDays(30), Clock.fixed(T0, ZoneOffset.UTC));
    assertThat(RenewalPolicy.dueForRenewal(ca.certificate(), T0)).isFalse();
    assertThat(RenewalPolicy.dueForRenewal(ca.certificate(), T0.plus(Duration.ofDays(19))))
        .isFalse();
    assertThat(RenewalPolicy.dueForRenewal(ca.certificate(), T0.plus(Duration.ofDays(21))))
        .isTrue();
    assertThat(RenewalPolicy.dueForRenewal(ca.certificate(), T0.plus(Duration.ofDays(31))))
        .isTrue();
  }

  @Test
  void leafCappedAtItsCaIsRenewedOnItsOwnShorterLifetime() {
    CertificateAuthority ca =
        CertificateAuthority.generate("ca", Duration.ofDays(10), Clock.fixed(T0, ZoneOffset.UTC));
    ServingCertificate leaf =
        ca.issueServing(
            List.of("x"),
            List.of(),
            Duration.ofDays(90),
            Clock.fixed(T0.plus(Duration.ofDays(6)), ZoneOffset.UTC));
    assertThat(leaf.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
    assertThat(RenewalPolicy.renewalTime(leaf.certificate()))
        .isBefore(ca.certificate().getNotAfter().toInstant());
  }

  @Test
  void refusesNonsenseLifetimes() {
    assertThatThrownBy(() -> new RenewalPolicy(Duration.ofDays(30), Duration.ofDays(90)))
        .hasMessageContaining("exceeds the CA lifetime");
    assertThatThrownBy(() -> new RenewalPolicy(Duration.ofMinutes(10), Duration.ofMinutes(5)))
        .hasMessageContaining("too short");
    assertThat(RenewalPolicy.defaults().caLifetime()).isEqualTo(Duration.ofDays(1825));
    assertThat(RenewalPolicy.defaults().leafLifetime()).isEqualTo(Duration.ofDays(90));
  }
}
