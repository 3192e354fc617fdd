package io.clbdirect.webhook.bootstrap;

import io.clbdirect.certs.CertificateChecks;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.certs.rotation.SecretCodec;
import io.clbdirect.certs.rotation.SecretCodec.MalformedSecretException;
import io.clbdirect.certs.rotation.ServingMaterial;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.openapi.models.V1Secret;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every replica, leader or not: serves the Secret's leaf from memory as soon as the Secret changes,
 * and reports the certificates' expiry. It never writes.
 */
public final class SecretFollower implements ResourceEventHandler<V1Secret> {

  private static final Logger log = LoggerFactory.getLogger(SecretFollower.class);

  private final ServedCertificate served;
  private final BootstrapMetrics metrics;
  private final BootstrapSettings settings;
  private final Clock clock;

  public SecretFollower(
      ServedCertificate served, BootstrapMetrics metrics, BootstrapSettings settings, Clock clock) {
    this.served = served;
    this.metrics = metrics;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public void onAdd(V1Secret secret) {
    follow(secret);
  }

  @Override
  public void onUpdate(V1Secret old, V1Secret secret) {
    follow(secret);
  }

  /**
   * The last leaf stays served: the leader writes a new Secret, and that is followed when it comes.
   */
  @Override
  public void onDelete(V1Secret secret, boolean unknownFinalState) {}

  /** Serves the Secret's leaf when it is valid now. */
  void follow(V1Secret secret) {
    try {
      ServingCertificate leaf = SecretCodec.readLeaf(secret.getData());
      if (CertificateChecks.validAt(leaf.certificate(), clock.instant())) {
        served.serve(leaf);
      } else {
        log.warn(
            "Secret {}/{} holds an expired certificate; still serving the previous one",
            settings.namespace(),
            settings.secretName());
      }
      if (ServingSecret.managed(secret)) {
        ServingMaterial material =
            SecretCodec.decode(secret.getData(), ServingSecret.annotations(secret));
        metrics.observe(material.signingCa().certificate(), material.leaf().certificate());
      } else {
        metrics.observe(leaf.issuer(), leaf.certificate());
      }
    } catch (MalformedSecretException e) {
      log.warn(
          "Secret {}/{} cannot be served: {}",
          settings.namespace(),
          settings.secretName(),
          e.getMessage());
    }
  }
}
