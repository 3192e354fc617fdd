package io.clbdirect.emulator.model;

import io.clbdirect.emulator.certs.StoredCertificate;

/**
 * The certificates of an HTTPS or TCP_SSL listener, or of one domain of an SNI listener: the server
 * certificate and, with SSLMode MUTUAL, the CA that client certificates must chain to. Immutable: a
 * change replaces it, so a connection's handshake sees one consistent setting.
 *
 * @param sslMode UNIDIRECTIONAL or MUTUAL
 * @param verifyClient ON (a client certificate is required) or OPTIONAL (asked for, and verified
 *     when sent); meaningful with MUTUAL only
 * @param ca null unless MUTUAL
 */
public record ListenerCertificate(
    String sslMode, String verifyClient, StoredCertificate server, StoredCertificate ca) {

  public boolean mutual() {
    return "MUTUAL".equals(sslMode);
  }
}
