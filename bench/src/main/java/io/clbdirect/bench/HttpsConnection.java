package io.clbdirect.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One keep-alive HTTP/1.1 connection over TLS, used by one thread at a time: write a whole request,
 * read the whole response. Deliberately minimal (no pooling, redirects or compression) so that the
 * client costs little CPU next to the server it measures. The server's certificate is checked
 * against the trust the {@link SSLContext} carries and its name against the host (an IP SAN for
 * 127.0.0.1).
 */
final class HttpsConnection implements AutoCloseable {

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  /** The API server gives a webhook 10 s at most; a response slower than that is a failure. */
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private final SSLSocket socket;
  private final OutputStream out;
  private final InputStream in;
  private final byte[] line = new byte[8192];

  HttpsConnection(SSLContext context, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
    try {
      s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      s.setTcpNoDelay(true);
      s.setSoTimeout(READ_TIMEOUT_MILLIS);
      SSLParameters parameters = s.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(parameters);
      s.startHandshake();
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    this.socket = s;
    this.out = s.getOutputStream();
    this.in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
  }

  /**
   * The request line and headers for a JSON POST, to be followed by {@code contentLength} bytes.
   */
  static byte[] postHead(String host, int port, String path, int contentLength) {
    return ("POST "
            + path
            + " HTTP/1.1\r\n"
            + "Host: "
            + host
            + ":"
            + port
            + "\r\n"
            + "User-Agent: clb-direct-bench\r\n"
            + "Accept: application/json, */*\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: "
            + contentLength
            + "\r\n"
            + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The response to one request. {@code keepAlive} false means the server will close the
   * connection.
   */
  record Response(int status, byte[] body, boolean keepAlive) {}

  /** Writes {@code request} (head and body) in one go and reads the response. */
  Response exchange(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    return readResponse();
  }

  private Response readResponse() throws IOException {
    String statusLine = readLine();
    // "HTTP/1.1 200 " (reason phrase optional)
    if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long contentLength = -1;
    boolean chunked = false;
    boolean keepAlive = true;
    for (String header = readLine(); !header.isEmpty(); header = readLine()) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = header.substring(0, colon).strip();
      String value = header.substring(colon + 1).strip();
      if (name.equalsIgnoreCase("Content-Length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
      } else if (name.equalsIgnoreCase("Connection")) {
        keepAlive = !value.equalsIgnoreCase("close");
      }
    }
    byte[] body;
    if (chunked) {
      body = readChunked();
    } else if (contentLength >= 0) {
      body = in.readNBytes((int) contentLength);
      if (body.length != contentLength) {
        throw new EOFException("response body cut short");
      }
    } else {
      throw new IOException(
          "response without Content-Length or chunked encoding (status " + status + ")");
    }
    return new Response(status, body, keepAlive);
  }

  private byte[] readChunked() throws IOException {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine();
      int semicolon = sizeLine.indexOf(';');
      int size =
          Integer.parseInt(
              (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip(), 16);
      if (size == 0) {
        // trailers until the empty line
        while (!readLine().isEmpty()) {
          // skip
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes(size);
      if (chunk.length != size) {
        throw new EOFException("chunk cut short");
      }
      body.write(chunk);
      readLine(); // CRLF after the chunk
    }
  }

  /** One CRLF-terminated line, without the CRLF. */
  private String readLine() throws IOException {
    int length = 0;
    while (true) {
      int b = in.read();
      if (b == -1) {
        throw new EOFException("connection closed by the server");
      }
      if (b == '\n') {
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        return new String(line, 0, end, StandardCharsets.ISO_8859_1);
      }
      if (length == line.length) {
        throw new IOException("header line longer than " + line.length + " bytes");
      }
      line[length++] = (byte) b;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
