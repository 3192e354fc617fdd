package io.clbdirect.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A leaf certificate, its key, and the CA that signed it. */
public record ServingCertificate(
    X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {

  /** Never the key: records print every component, and logs must not carry private keys. */
  @Override
  public String toString() {
    return "ServingCertificate[subject="
        + certificate.getSubjectX500Principal().getName()
        + ", serial="
        + certificate.getSerialNumber().toString(16)
        + ", notAfter="
        + certificate.getNotAfter().toInstant()
        + "]";
  }

  /** PEM of the leaf only: the API server trusts the CA through caBundle, no chain needed. */
  public String certificatePem() {
    return Pem.encodeCertificates(List.of(certificate));
  }

  public String privateKeyPem() {
    return Pem.encodePrivateKey(privateKey);
  }

  public String issuerPem() {
    return Pem.encodeCertificates(List.of(issuer));
  }
}
