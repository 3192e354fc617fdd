package io.clbdirect.emulator.health;

import io.clbdirect.emulator.model.HealthCheckConfig;
import io.clbdirect.emulator.traffic.BackendTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP health-check exchange, written by hand on a plain socket: {@code GET|HEAD path
 * HTTP/1.1}, {@code Host}, {@code Connection: close}, then only the status line is read. A socket
 * rather than java.net.http.HttpClient because the whole exchange (connect included) must fit one
 * deadline and the socket must be closable from outside when the checker stops. CheckType HTTPS
 * runs the same exchange over TLS.
 */
final class HttpStatusProbe {

  /** A status line is short; a peer sending more without a newline is not speaking HTTP. */
  private static final int MAX_STATUS_LINE = 1024;

  private HttpStatusProbe() {}

  /**
   * Connects {@code socket} to {@code address}, sends the check's request and returns the
   * response's status code, all within {@code timeout}.
   *
   * @throws IOException on refusal, timeout, or a reply that is not an HTTP status line
   */
  static int status(
      Socket socket, InetSocketAddress address, HealthCheckConfig check, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    socket.connect(address, millisLeft(deadline));
    // CheckType HTTPS speaks TLS to the target (its certificate unverified, see BackendTls);
    // closing the plain socket from outside still ends the exchange.
    Socket exchange =
        "HTTPS".equalsIgnoreCase(check.checkType())
            ? BackendTls.handshake(socket, millisLeft(deadline))
            : socket;
    OutputStream out = exchange.getOutputStream();
    out.write(request(check, address).getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return parseStatus(readStatusLine(exchange, deadline));
  }

  static String request(HealthCheckConfig check, InetSocketAddress address) throws IOException {
    String method = "HEAD".equalsIgnoreCase(check.httpCheckMethod()) ? "HEAD" : "GET";
    String path = blank(check.httpCheckPath()) ? "/" : check.httpCheckPath();
    String host =
        blank(check.httpCheckDomain())
            ? address.getAddress().getHostAddress() + ":" + address.getPort()
            : check.httpCheckDomain();
    // A space or line break would split the request line or smuggle a header: such a check cannot
    // be sent.
    if (!path.chars().allMatch(c -> c > ' ' && c < 127)
        || !host.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new IOException("health check path or domain is not sendable: " + path + " / " + host);
    }
    return method
        + " "
        + path
        + " HTTP/1.1\r\n"
        + "Host: "
        + host
        + "\r\n"
        + "User-Agent: clb-emulator-health-check\r\n"
        + "Connection: close\r\n"
        + "\r\n";
  }

  static int parseStatus(String statusLine) throws IOException {
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    return Integer.parseInt(parts[1]);
  }

  /**
   * Reads up to the first line feed, re-arming the read timeout so the whole read ends by {@code
   * deadline}.
   */
  private static String readStatusLine(Socket socket, long deadline) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder line = new StringBuilder();
    while (line.length() < MAX_STATUS_LINE) {
      socket.setSoTimeout(millisLeft(deadline));
      int b = in.read();
      if (b == -1 || b == '\n') {
        return line.toString().strip();
      }
      line.append((char) b);
    }
    throw new IOException("status line longer than " + MAX_STATUS_LINE + " bytes");
  }

  /** Time left as a socket timeout; never 0, which sockets read as "wait forever". */
  private static int millisLeft(long deadline) throws SocketTimeoutException {
    long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
    if (left <= 0) {
      throw new SocketTimeoutException("health check timed out");
    }
    return (int) Math.min(left, Integer.MAX_VALUE);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
