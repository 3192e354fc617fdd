package io.clbdirect.gate.decide;

/**
 * Where an HTTPS listener's certificate comes from: ids of certificates already in SSL
 * Certificates, material clb-direct uploads, or a problem to report. Decided by {@link
 * SecretCertificates}.
 */
public sealed interface CertificateSource {

  /**
   * TKE's convention: certificates already in SSL Certificates, nothing to upload.
   *
   * @param certId the server certificate
   * @param caCertId the client CA, null unless mutual TLS is wanted
   */
  record CertIds(String certId, String caCertId) implements CertificateSource {
    /** Mutual TLS: clients must present a certificate signed by {@code caCertId}. */
    public boolean mutual() {
      return caCertId != null;
    }
  }

  /**
   * A certificate chain and its key, for clb-direct to upload.
   *
   * @param certPem the chain as the Secret holds it (leaf first), sent as CertificatePublicKey
   * @param keyPem the private key; never printed (see {@link #toString()})
   * @param fingerprint SHA-256 of the leaf certificate's DER, lower-case hex: names the upload
   */
  record Material(String certPem, String keyPem, String fingerprint) implements CertificateSource {
    @Override
    public String toString() {
      // A record would print every component; this one must never print the key.
      return "Material[fingerprint=" + fingerprint + ", certPem=" + certPem.length() + " chars]";
    }
  }

  /** Why the Secret gives no certificate, as a sentence for an Event and the gate condition. */
  record Problem(String sentence) implements CertificateSource {}
}
