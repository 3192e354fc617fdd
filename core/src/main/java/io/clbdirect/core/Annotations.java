package io.clbdirect.core;

import java.util.Map;

/** Reads boolean-ish annotations the way TKE users write them. */
public final class Annotations {

  private Annotations() {}

  /** {@code "true"} in any letter case, surrounding blanks ignored; anything else is false. */
  public static boolean isTrue(Map<String, String> annotations, String key) {
    if (annotations == null) {
      return false;
    }
    String value = annotations.get(key);
    return value != null && value.trim().equalsIgnoreCase("true");
  }

  /** {@code "false"} in any letter case; absent or anything else is not false. */
  public static boolean isFalse(Map<String, String> annotations, String key) {
    if (annotations == null) {
      return false;
    }
    String value = annotations.get(key);
    return value != null && value.trim().equalsIgnoreCase("false");
  }
}
