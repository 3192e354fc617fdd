package io.clbdirect.emulator.api;

import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request to the API as it arrived: nothing decoded, nothing trusted yet. The raw query is
 * kept as received because TC3 signs it byte for byte (the Java SDK writes it in HashMap order).
 *
 * @param headers first value of each header, names lower-case
 * @param rawQuery null when the URL has no {@code ?}
 */
record IncomingRequest(
    String method, String path, String rawQuery, Map<String, String> headers, byte[] body) {

  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The Content-Type without its parameters ({@code ; charset=utf-8}), lower case; null when
   * absent.
   */
  String mediaType() {
    String type = header("Content-Type");
    if (type == null || type.isBlank()) {
      return null;
    }
    int semicolon = type.indexOf(';');
    return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  boolean hasQuery() {
    return rawQuery != null && !rawQuery.isEmpty();
  }

  /** How the request reads in an error message: {@code POST / with Content-Type text/plain}. */
  String describe() {
    String type = header("Content-Type");
    return method
        + " "
        + path
        + (type == null ? " without a Content-Type" : " with Content-Type " + type);
  }
}
