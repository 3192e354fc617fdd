package io.clbdirect.emulator.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes {@code name=value&...} (a query string or an application/x-www-form-urlencoded body) into
 * names and values, in the order they came. Every value stays a string: the caller decides what it
 * means. A name given twice is refused rather than one of them silently winning, because the v1
 * signature covers each name once and the actions read each field once.
 */
final class UrlEncodedForm {

  private UrlEncodedForm() {}

  /**
   * @param raw still percent-encoded; null or empty gives no parameters
   */
  static Map<String, String> parse(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty()) {
        continue; // "a=1&&b=2" or a trailing "&": nothing was sent there
      }
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new ApiError(
            "InvalidParameter.FormatError", "`" + pair + "` is not a name=value pair.");
      }
      String name = decode(pair.substring(0, equals));
      String value = decode(pair.substring(equals + 1));
      if (params.putIfAbsent(name, value) != null) {
        throw new ApiError(
            "InvalidParameter.FormatError", "`" + name + "` is given more than once.");
      }
    }
    return Collections.unmodifiableMap(params);
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiError(
          "InvalidParameter.FormatError", "`" + text + "` is not correctly percent-encoded.");
    }
  }
}
