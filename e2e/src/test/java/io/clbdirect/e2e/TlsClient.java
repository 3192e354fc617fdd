package io.clbdirect.e2e;

import io.clbdirect.certs.ServingCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTPS client as a browser is one: it sends the host as SNI to the VIP, checks the served
 * certificate against the CA it trusts and the host name, and optionally presents a client
 * certificate. One request per connection, so every request is a new handshake.
 */
final class TlsClient {

  /**
   * One answer.
   *
   * @param statusLine e.g. {@code HTTP/1.1 200 OK}
   * @param pod the {@code X-Pod-Name} the backend answered with, or null
   * @param servedSubject the subject of the certificate the VIP served
   * @param servedSerial the serial number of that certificate
   * @param location the {@code Location} header, or null
   */
  record Answer(
      String statusLine,
      String pod,
      String servedSubject,
      java.math.BigInteger servedSerial,
      String location) {}

  private final KeyManagerFactory keyManagers;
  private final TrustManagerFactory trustManagers;

  private TlsClient(KeyManagerFactory keyManagers, TrustManagerFactory trustManagers) {
    this.keyManagers = keyManagers;
    this.trustManagers = trustManagers;
  }

  /**
   * A context per connection: the JDK resumes a cached session with the SNI name it was made for,
   * not the one asked for now, which would hide which certificate a host gets.
   */
  private SSLContext freshContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keyManagers == null ? null : keyManagers.getKeyManagers(),
          trustManagers.getTrustManagers(),
          null);
      return context;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Trusts the given CAs; presents {@code clientCertificate} when not null. */
  static TlsClient trusting(List<X509Certificate> cas, ServingCertificate clientCertificate) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        trust.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      KeyManagerFactory keyManagers = null;
      if (clientCertificate != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(
            "client",
            clientCertificate.privateKey(),
            new char[0],
            new X509Certificate[] {clientCertificate.certificate(), clientCertificate.issuer()});
        keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
      }
      return new TlsClient(keyManagers, trustManagers);
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the test's TLS client: " + e, e);
    }
  }

  /** GET {@code path} from {@code vip:port} with {@code host} as SNI and Host header. */
  Answer get(String vip, int port, String host, String path) throws IOException {
    try (SSLSocket socket = (SSLSocket) freshContext().getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress(vip, port), 2000);
      socket.setSoTimeout(3000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(host)));
      // As browsers and curl do: the certificate must name the host asked for.
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return new Answer(
          answer.lines().findFirst().orElse("closed without an answer"),
          header(answer, "X-Pod-Name"),
          served.getSubjectX500Principal().getName(),
          served.getSerialNumber(),
          header(answer, "Location"));
    }
  }

  static String header(String answer, String name) {
    String prefix = name + ":";
    return answer
        .lines()
        .takeWhile(line -> !line.isEmpty())
        .filter(line -> line.regionMatches(true, 0, prefix, 0, prefix.length()))
        .map(line -> line.substring(prefix.length()).trim())
        .findFirst()
        .orElse(null);
  }
}
