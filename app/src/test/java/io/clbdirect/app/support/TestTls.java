package io.clbdirect.app.support;

import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.ServingCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** Certificates for a test webhook server on 127.0.0.1, and a client that trusts only their CA. */
public final class TestTls {

  private final CertificateAuthority ca =
      CertificateAuthority.generate("clb-direct-test-ca", Duration.ofDays(30), Clock.systemUTC());
  private final Path certificateFile;
  private final Path keyFile;

  public TestTls(Path dir) throws IOException {
    this.certificateFile = dir.resolve("tls.crt");
    this.keyFile = dir.resolve("tls.key");
    rotate();
  }

  /** Issues a fresh leaf and replaces both files atomically, as a Secret volume update would. */
  public X509Certificate rotate() throws IOException {
    ServingCertificate leaf =
        ca.issueServing(
            List.of("localhost"),
            List.of(InetAddress.getByName("127.0.0.1")),
            Duration.ofDays(1),
            Clock.systemUTC());
    replace(keyFile, leaf.privateKeyPem());
    replace(certificateFile, leaf.certificatePem());
    return leaf.certificate();
  }

  private static void replace(Path target, String content) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), ".swap", ".pem");
    Files.writeString(temp, content);
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public List<String> serverProperties() {
    return List.of(
        "--clb-direct.tls.certificate-file=file:" + certificateFile,
        "--clb-direct.tls.private-key-file=file:" + keyFile);
  }

  public SSLContext clientContext() {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Opens a new TLS connection and returns the negotiated protocol and the server's certificate.
   */
  public Handshake handshake(int port, String... protocols) throws IOException {
    try (SSLSocket socket =
        (SSLSocket) clientContext().getSocketFactory().createSocket("127.0.0.1", port)) {
      if (protocols.length > 0) {
        socket.setEnabledProtocols(protocols);
      }
      socket.setSoTimeout(5000);
      socket.startHandshake();
      return new Handshake(
          socket.getSession().getProtocol(),
          (X509Certificate) socket.getSession().getPeerCertificates()[0]);
    }
  }

  public record Handshake(String protocol, X509Certificate certificate) {}
}
