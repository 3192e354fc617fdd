package io.clbdirect.gate.clb;

import io.clbdirect.gate.decide.CertificateSource;
import io.clbdirect.gate.decide.CertificateSource.CertIds;
import io.clbdirect.gate.decide.CertificateSource.Material;
import io.clbdirect.gate.decide.CertificateSource.Problem;
import io.clbdirect.gate.decide.SecretCertificates;
import io.clbdirect.gate.decide.SecretRef;
import io.kubernetes.client.openapi.models.V1Secret;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate ids a listener serves for the Secret a frontend names: read from the Secret cache
 * ({@link SecretCertificates}), uploaded first when it is a {@code kubernetes.io/tls} Secret
 * ({@link CertificateUploads}). What a reconciler needs, in four calls.
 */
public final class CertificatesFromSecrets {

  private static final Logger log = LoggerFactory.getLogger(CertificatesFromSecrets.class);

  private final Function<SecretRef, V1Secret> secrets;
  private final CertificateUploads uploads;

  /**
   * @param secrets the cached Secret, null when there is none (e.g. the indexer of an informer over
   *     {@code LeanSecretListerWatcher}, by key {@code namespace/name})
   */
  public CertificatesFromSecrets(
      Function<SecretRef, V1Secret> secrets, CertificateUploads uploads) {
    this.secrets = secrets;
    this.uploads = uploads;
  }

  /** Null when the Secret holds a usable certificate, else a sentence naming it. */
  public String problem(SecretRef ref) {
    return source(ref) instanceof Problem problem ? problem.sentence() : null;
  }

  /** The Secret's resourceVersion: changes whenever it does; empty when there is no Secret. */
  public String version(SecretRef ref) {
    V1Secret secret = secrets.apply(ref);
    return secret == null || secret.getMetadata() == null
        ? ""
        : String.valueOf(secret.getMetadata().getResourceVersion());
  }

  /**
   * The ids to serve, uploading a {@code kubernetes.io/tls} Secret's certificate when needed.
   *
   * @throws IllegalStateException when the Secret has a {@link #problem}
   */
  public CertIds certificate(SecretRef ref) throws ClbOperationException {
    CertificateSource source = source(ref);
    if (source instanceof CertIds ids) {
      return ids;
    }
    if (source instanceof Material material) {
      return new CertIds(uploads.ensure(ref, material), null);
    }
    throw new IllegalStateException(((Problem) source).sentence());
  }

  /**
   * The Secret's certificate {@code currentCertId} now serves where the earlier ones did: this
   * cluster's other uploads for it are deleted, unless still bound somewhere (DeleteCertificate
   * checks, and refuses). Best effort: a failure is logged, and the next swap tries again.
   */
  public CertificateUploads.Cleanup swapped(SecretRef ref, String currentCertId) {
    try {
      return uploads.deleteUnused(ref, Set.of(currentCertId));
    } catch (ClbOperationException e) {
      log.warn("Secret {}: unused certificate uploads not deleted: {}", ref, e.getMessage());
      return new CertificateUploads.Cleanup(List.of(), List.of(), List.of());
    }
  }

  private CertificateSource source(SecretRef ref) {
    return SecretCertificates.decide(ref, secrets.apply(ref));
  }
}
