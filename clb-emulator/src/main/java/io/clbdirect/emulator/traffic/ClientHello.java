package io.clbdirect.emulator.traffic;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The first TLS record of a connection, read before any TLS engine sees it, so the certificate (and
 * whether a client certificate is required) can be chosen by the SNI server name: JSSE takes the
 * consumed bytes back through {@code SSLSocketFactory.createSocket(socket, consumed, autoClose)},
 * the pattern its documentation gives for SNI virtual hosting. Anything unexpected yields no name;
 * the TLS engine then judges the bytes itself.
 *
 * @param bytes the bytes read, to be replayed to the TLS engine
 * @param serverName the SNI host name, or null
 */
record ClientHello(byte[] bytes, String serverName) {

  private static final int HANDSHAKE = 22;
  private static final int CLIENT_HELLO = 1;
  private static final int SERVER_NAME = 0;
  private static final int MAX_RECORD = 16384 + 2048;

  static ClientHello read(InputStream in) throws IOException {
    ByteArrayOutputStream consumed = new ByteArrayOutputStream();
    DataInputStream data = new DataInputStream(in);
    byte[] header = new byte[5];
    data.readFully(header);
    consumed.write(header);
    int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
    if ((header[0] & 0xff) != HANDSHAKE || length > MAX_RECORD) {
      return new ClientHello(consumed.toByteArray(), null);
    }
    byte[] body = new byte[length];
    data.readFully(body);
    consumed.write(body);
    String name;
    try {
      name = serverName(body);
    } catch (IndexOutOfBoundsException | EOFException truncated) {
      // A ClientHello spread over several records: no name from the first one.
      name = null;
    }
    return new ClientHello(consumed.toByteArray(), name);
  }

  private static String serverName(byte[] b) throws EOFException {
    int p = 0;
    if ((b[p] & 0xff) != CLIENT_HELLO) {
      return null;
    }
    p += 4; // type, 3-byte length
    p += 2 + 32; // client version, random
    p += 1 + (b[p] & 0xff); // session id
    p += 2 + u16(b, p); // cipher suites
    p += 1 + (b[p] & 0xff); // compression methods
    if (p + 2 > b.length) {
      return null;
    }
    int end = p + 2 + u16(b, p);
    p += 2;
    while (p + 4 <= end) {
      int type = u16(b, p);
      int size = u16(b, p + 2);
      p += 4;
      if (type == SERVER_NAME) {
        int q = p + 2; // list length
        while (q + 3 <= p + size) {
          int nameType = b[q] & 0xff;
          int nameLength = u16(b, q + 1);
          if (nameType == 0) {
            return new String(b, q + 3, nameLength, StandardCharsets.US_ASCII);
          }
          q += 3 + nameLength;
        }
        return null;
      }
      p += size;
    }
    return null;
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
  }
}
