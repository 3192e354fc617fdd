package io.clbdirect.webhook.mutation;

/** RFC 6901 JSON pointers, built from raw keys. */
public final class JsonPointer {

  private JsonPointer() {}

  /**
   * Escapes one reference token: {@code ~} first, then {@code /}, as RFC 6901 section 4 requires.
   */
  public static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** Joins raw (unescaped) tokens into a pointer, escaping each. */
  public static String of(Object... tokens) {
    StringBuilder pointer = new StringBuilder();
    for (Object token : tokens) {
      pointer.append('/').append(escape(String.valueOf(token)));
    }
    return pointer.toString();
  }
}
