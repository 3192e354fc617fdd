package io.clbdirect.certs.rotation;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.ServingCertificate;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything the serving-certificate Secret holds, as one immutable value.
 *
 * @param bundle the CAs published as {@code caBundle} (the Secret's {@code ca.crt})
 * @param signingCa the CA that signs the served leaf
 * @param leaf the served certificate and key ({@code tls.crt}, {@code tls.key})
 * @param nextCa during a CA rotation: the new CA, already in {@code bundle} but not yet signing
 * @param caPublishedAt when {@code nextCa} was added to the bundle
 * @param leafSwitchedAt when the leaf moved to a new CA while the old one is still in the bundle
 */
public record ServingMaterial(
    CaBundle bundle,
    CertificateAuthority signingCa,
    ServingCertificate leaf,
    CertificateAuthority nextCa,
    Instant caPublishedAt,
    Instant leafSwitchedAt) {

  public ServingMaterial {
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(signingCa, "signingCa");
    Objects.requireNonNull(leaf, "leaf");
    if ((nextCa == null) != (caPublishedAt == null)) {
      throw new IllegalArgumentException("nextCa and caPublishedAt go together");
    }
  }

  public static ServingMaterial of(CertificateAuthority ca, ServingCertificate leaf) {
    return new ServingMaterial(CaBundle.of(ca.certificate()), ca, leaf, null, null, null);
  }

  public boolean rotatingCa() {
    return nextCa != null;
  }
}
