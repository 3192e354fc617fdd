package io.clbdirect.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One request through a load balancer's VIP, as every VIP client of the tests and benchmarks sends
 * it: a new connection (so each request is a fresh scheduling decision of the CLB), {@code GET /},
 * {@code Connection: close}. Only a 200 counts as served.
 */
public final class VipRequest {

  private VipRequest() {}

  /**
   * @return null when served; else the status line, or "closed without an answer"
   * @throws IOException refused, reset or timed out (2 s to connect, 3 s to answer)
   */
  public static String failure(String vip, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(vip, port), 2000);
      socket.setSoTimeout(3000);
      socket
          .getOutputStream()
          .write(
              "GET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      if (answer.startsWith("HTTP/1.1 200")) {
        return null;
      }
      return answer.isEmpty() ? "closed without an answer" : answer.lines().findFirst().orElse("");
    }
  }
}
