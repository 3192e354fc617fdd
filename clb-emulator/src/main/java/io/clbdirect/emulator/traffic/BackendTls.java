package io.clbdirect.emulator.traffic;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS towards a target: a rule's ForwardType HTTPS, and health checks of CheckType HTTPS. The
 * target's certificate is not verified (choice: the CLB documents no backend CA setting, so there
 * is nothing to verify it against; backends commonly serve self-signed certificates).
 */
public final class BackendTls {

  private static final SSLContext TRUST_ANY = trustAny();

  private BackendTls() {}

  /**
   * Layers a client TLS socket over the connected {@code socket} and completes the handshake within
   * {@code timeoutMillis}; closing the result closes {@code socket}.
   */
  public static SSLSocket handshake(Socket socket, int timeoutMillis) throws IOException {
    SSLSocket tls =
        (SSLSocket)
            TRUST_ANY
                .getSocketFactory()
                .createSocket(
                    socket,
                    socket.getInetAddress().getHostAddress(),
                    socket.getPort(),
                    /* autoClose= */ true);
    tls.setUseClientMode(true);
    int before = socket.getSoTimeout();
    tls.setSoTimeout(timeoutMillis);
    tls.startHandshake();
    tls.setSoTimeout(before);
    return tls;
  }

  private static SSLContext trustAny() {
    X509TrustManager any =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {any}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
