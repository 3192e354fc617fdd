package io.clbdirect.gate.controller;

import io.clbdirect.gate.clb.CertificatesFromSecrets;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.clb.ListenerCertificate;
import io.clbdirect.gate.decide.CertificateSource.CertIds;
import io.clbdirect.gate.decide.SecretRef;

/** {@link CertificateSecrets} over the Secret cache and the SSL certificate uploads. */
final class SecretCertificateSource implements CertificateSecrets {

  private final CertificatesFromSecrets certificates;

  SecretCertificateSource(CertificatesFromSecrets certificates) {
    this.certificates = certificates;
  }

  @Override
  public String problem(String namespace, String secretName) {
    return certificates.problem(new SecretRef(namespace, secretName));
  }

  @Override
  public String version(String namespace, String secretName) {
    return certificates.version(new SecretRef(namespace, secretName));
  }

  @Override
  public ListenerCertificate certificate(String namespace, String secretName)
      throws ClbOperationException {
    CertIds ids = certificates.certificate(new SecretRef(namespace, secretName));
    return new ListenerCertificate(ids.certId(), ids.caCertId());
  }

  @Override
  public void swapped(String namespace, String secretName, ListenerCertificate current) {
    certificates.swapped(new SecretRef(namespace, secretName), current.certId());
  }
}
