package io.clbdirect.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A leaf certificate, its key, and the CA that signed it. */
public record ServingCertificate(X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {

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
