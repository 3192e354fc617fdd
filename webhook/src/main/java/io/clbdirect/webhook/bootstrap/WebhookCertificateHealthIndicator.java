package io.clbdirect.webhook.bootstrap;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.certs.CertificateChecks;
import java.security.cert.X509Certificate;
import java.time.Clock;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Ready only when the certificate this replica serves is valid and chains to the caBundle the API
 * server has for the webhook: otherwise every call from the API server would fail its TLS check.
 */
public final class WebhookCertificateHealthIndicator implements HealthIndicator {

  private final ServedCertificate served;
  private final BootstrapInformers informers;
  private final Clock clock;

  public WebhookCertificateHealthIndicator(
      ServedCertificate served, BootstrapInformers informers, Clock clock) {
    this.served = served;
    this.informers = informers;
    this.clock = clock;
  }

  @Override
  public Health health() {
    X509Certificate leaf = served.certificate();
    if (leaf == null) {
      return Health.outOfService()
          .withDetail("reason", "no certificate from the Secret served yet")
          .build();
    }
    Health.Builder health =
        Health.up()
            .withDetail("serial", leaf.getSerialNumber().toString(16))
            .withDetail("notAfter", leaf.getNotAfter().toInstant().toString());
    if (!CertificateChecks.validAt(leaf, clock.instant())) {
      return health
          .outOfService()
          .withDetail("reason", "served certificate is not valid now")
          .build();
    }
    CaBundle published = informers.publishedBundle();
    if (published == null) {
      return health
          .outOfService()
          .withDetail("reason", "webhook configuration has no caBundle yet")
          .build();
    }
    if (!CertificateChecks.trustedBy(leaf, published.certificates(), clock.instant())) {
      return health
          .outOfService()
          .withDetail("reason", "served certificate does not chain to the published caBundle")
          .build();
    }
    return health.withDetail("trustedByCaBundle", true).build();
  }
}
