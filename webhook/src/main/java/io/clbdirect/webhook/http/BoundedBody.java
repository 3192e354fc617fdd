package io.clbdirect.webhook.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpStatus;

/**
 * Reads a request body, refusing it as soon as it passes the cap (never buffering more than that).
 */
final class BoundedBody {

  private BoundedBody() {}

  static byte[] read(InputStream in, long declaredLength, long maxBytes) throws IOException {
    if (declaredLength > maxBytes) {
      throw tooLarge(maxBytes);
    }
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(declaredLength > 0 ? (int) declaredLength : 8192);
    byte[] buffer = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > maxBytes) {
        throw tooLarge(maxBytes);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private static WebhookRequestException tooLarge(long maxBytes) {
    return new WebhookRequestException(
        HttpStatus.CONTENT_TOO_LARGE, "request body exceeds the limit of " + maxBytes + " bytes");
  }
}
