package io.clbdirect.emulator.traffic;

import io.clbdirect.emulator.certs.CertificateNames;
import io.clbdirect.emulator.certs.StoredCertificate;
import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.ListenerCertificate;
import io.clbdirect.emulator.model.Rule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS termination for HTTPS and TCP_SSL listeners. Each connection reads the listener's
 * certificates afresh, so ModifyListener and ModifyDomainAttributes take effect for new connections
 * while established ones keep theirs and the port stays open.
 *
 * <p>The certificate: without SNI switch, the listener's; with it, the domain's whose name covers
 * the client's SNI name (exactly, else a {@code *.} wildcard standing for one label), else the
 * default domain's, else the first domain's (in rule order). With SSLMode MUTUAL the client must
 * present a certificate that chains to the CA (SSLVerifyClient ON), or may (OPTIONAL); a client
 * without one is refused at the handshake.
 */
final class TlsTermination implements ClientSide {

  static final int HANDSHAKE_TIMEOUT_MILLIS = 5_000;
  private static final char[] NO_PASSWORD = new char[0];

  private final ClbState state;
  private final Listener listener;

  TlsTermination(ClbState state, Listener listener) {
    this.state = state;
    this.listener = listener;
  }

  @Override
  public Socket accept(Socket client) throws IOException {
    client.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
    ClientHello hello = ClientHello.read(client.getInputStream());
    ListenerCertificate certificate = state.locked(() -> choose(listener, hello.serverName()));
    if (certificate == null) {
      throw new IOException(
          "listener " + listener.listenerId() + " has no certificate for " + hello.serverName());
    }
    SSLSocket tls;
    try {
      tls =
          (SSLSocket)
              context(certificate)
                  .getSocketFactory()
                  .createSocket(client, new ByteArrayInputStream(hello.bytes()), true);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS for listener " + listener.listenerId(), e);
    }
    if (certificate.mutual()) {
      if ("OPTIONAL".equals(certificate.verifyClient())) {
        tls.setWantClientAuth(true);
      } else {
        tls.setNeedClientAuth(true);
      }
    }
    tls.startHandshake();
    client.setSoTimeout(0);
    return tls;
  }

  /** The certificate for a client asking for {@code serverName}; callers hold the state lock. */
  static ListenerCertificate choose(Listener listener, String serverName) {
    if (!listener.sniSwitch()) {
      return listener.certificate();
    }
    Map<String, ListenerCertificate> byDomain = listener.domainCertificates();
    if (serverName != null) {
      for (Map.Entry<String, ListenerCertificate> e : byDomain.entrySet()) {
        if (e.getKey().equalsIgnoreCase(serverName)) {
          return e.getValue();
        }
      }
      for (Map.Entry<String, ListenerCertificate> e : byDomain.entrySet()) {
        if (CertificateNames.covers(e.getKey(), serverName)) {
          return e.getValue();
        }
      }
    }
    String defaultDomain = listener.defaultDomain();
    if (defaultDomain != null && byDomain.containsKey(defaultDomain)) {
      return byDomain.get(defaultDomain);
    }
    for (Rule rule : listener.rules().values()) {
      ListenerCertificate certificate = byDomain.get(rule.domain());
      if (certificate != null) {
        return certificate;
      }
    }
    return null;
  }

  private static SSLContext context(ListenerCertificate certificate)
      throws GeneralSecurityException, IOException {
    StoredCertificate server = certificate.server();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "server", server.privateKey(), NO_PASSWORD, server.chain().toArray(X509Certificate[]::new));
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, NO_PASSWORD);
    TrustManagerFactory trustManagers = null;
    if (certificate.ca() != null) {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      int i = 0;
      for (X509Certificate ca : certificate.ca().chain()) {
        trusted.setCertificateEntry("ca" + i++, ca);
      }
      trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trusted);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        keyManagers.getKeyManagers(),
        trustManagers == null ? null : trustManagers.getTrustManagers(),
        null);
    return context;
  }
}
