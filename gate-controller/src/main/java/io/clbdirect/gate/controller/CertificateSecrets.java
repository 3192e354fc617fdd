package io.clbdirect.gate.controller;

import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.clb.ListenerCertificate;

/**
 * Where HTTPS and TCP_SSL listeners get their certificates: the Secrets Ingresses ({@code
 * spec.tls[].secretName}) and Services ({@code specify-protocol}'s {@code tls}) name, read from the
 * informer cache; a {@code kubernetes.io/tls} Secret's certificate is uploaded to the SSL
 * certificate service first.
 */
interface CertificateSecrets {

  /**
   * @return null when the Secret holds a usable certificate, else a sentence naming it and what was
   *     expected
   */
  String problem(String namespace, String secretName);

  /** Changes whenever the Secret does (its resourceVersion); empty when there is none. */
  String version(String namespace, String secretName);

  /** The certificate to serve, uploading a {@code kubernetes.io/tls} Secret's when needed. */
  ListenerCertificate certificate(String namespace, String secretName) throws ClbOperationException;

  /**
   * The Secret's certificate now serves where the old one did: uploads of its earlier versions that
   * nothing uses any more may be deleted.
   */
  void swapped(String namespace, String secretName, ListenerCertificate current);

  /** No Secrets are read: every certificate is missing. */
  CertificateSecrets NONE =
      new CertificateSecrets() {
        @Override
        public String problem(String namespace, String secretName) {
          return "Secret " + namespace + "/" + secretName + " is not read (no certificate source)";
        }

        @Override
        public String version(String namespace, String secretName) {
          return "";
        }

        @Override
        public ListenerCertificate certificate(String namespace, String secretName) {
          throw new IllegalStateException(problem(namespace, secretName));
        }

        @Override
        public void swapped(String namespace, String secretName, ListenerCertificate current) {}
      };
}
