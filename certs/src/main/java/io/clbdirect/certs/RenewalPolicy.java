package io.clbdirect.certs;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When certificates are renewed: at two thirds of their actual lifetime (NotBefore to NotAfter, so
 * the one-hour backdating counts), always judged against the wall clock. cert-manager once computed
 * the remaining third as NotBefore − NotAfter, a negative number, and renewed only after expiry;
 * the tests pin this arithmetic down.
 *
 * @param caLifetime lifetime of a new CA (default 5 years)
 * @param leafLifetime lifetime of a new serving certificate (default 90 days), never past its CA's
 */
public record RenewalPolicy(Duration caLifetime, Duration leafLifetime) {

  public static final Duration DEFAULT_CA_LIFETIME = Duration.ofDays(5 * 365);
  public static final Duration DEFAULT_LEAF_LIFETIME = Duration.ofDays(90);

  public RenewalPolicy {
    Objects.requireNonNull(caLifetime, "caLifetime");
    Objects.requireNonNull(leafLifetime, "leafLifetime");
    if (caLifetime.compareTo(Duration.ofHours(1)) < 0
        || leafLifetime.compareTo(Duration.ofMinutes(5)) < 0) {
      throw new IllegalArgumentException(
          "certificate lifetimes too short: CA "
              + caLifetime
              + " (min 1h), serving "
              + leafLifetime
              + " (min 5m)");
    }
    if (leafLifetime.compareTo(caLifetime) > 0) {
      throw new IllegalArgumentException(
          "serving certificate lifetime "
              + leafLifetime
              + " exceeds the CA lifetime "
              + caLifetime);
    }
  }

  public static RenewalPolicy defaults() {
    return new RenewalPolicy(DEFAULT_CA_LIFETIME, DEFAULT_LEAF_LIFETIME);
  }

  /** NotBefore + 2/3 × (NotAfter − NotBefore). */
  public static Instant renewalTime(X509Certificate certificate) {
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    Duration lifetime = Duration.between(notBefore, notAfter);
    return notBefore.plus(lifetime.multipliedBy(2).dividedBy(3));
  }

  public static boolean dueForRenewal(X509Certificate certificate, Instant now) {
    return !now.isBefore(renewalTime(certificate));
  }
}
