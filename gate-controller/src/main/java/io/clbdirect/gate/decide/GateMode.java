package io.clbdirect.gate.decide;

import java.util.Locale;

/** When a gate, once True, may go back to False. */
public enum GateMode {
  /** Once True it stays True while the Pod stays bound: health flaps never make a Pod NotReady. */
  INITIAL,
  /** The gate follows health at all times (a Dead target makes its Pod NotReady). */
  CONTINUOUS;

  public static GateMode fromConfigValue(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "unknown gate mode '" + value + "'; expected initial or continuous");
    }
  }
}
