package io.clbdirect.emulator.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A certificate in the emulated SSL service: the parsed chain (leaf first), the private key of an
 * SVR certificate (null for a CA), and what the SSL API reports about it. Immutable, so a listener
 * holding one keeps serving it whatever later happens in the store.
 *
 * <p>{@link #toString()} leaves the private key out, so it can never reach a log line.
 */
public record StoredCertificate(
    String certificateId,
    String type,
    String alias,
    long projectId,
    String certificateUse,
    Map<String, String> tags,
    List<X509Certificate> chain,
    PrivateKey privateKey,
    String fingerprint,
    Instant insertTime) {

  public static final String SVR = "SVR";
  public static final String CA = "CA";

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The certificate's main domain: its subject CN, else its first DNS name, else "". */
  public String domain() {
    String cn = CertificateNames.commonName(leaf());
    if (cn != null) {
      return cn;
    }
    List<String> names = CertificateNames.dnsNames(leaf());
    return names.isEmpty() ? "" : names.get(0);
  }

  /** Every domain of the certificate, the main one first (as the SSL API's SubjectAltName). */
  public List<String> subjectAltNames() {
    return CertificateNames.allNames(leaf());
  }

  @Override
  public String toString() {
    return "StoredCertificate[" + certificateId + " " + type + " " + domain() + "]";
  }
}
