package io.clbdirect.emulator.model;

/**
 * {@code HealthStatusDetail}; {@code HealthStatus} (the Boolean) is true only for ALIVE and CLOSE.
 */
public enum HealthStatus {
  /** Not probed enough yet for a verdict. */
  Unknown,
  Alive,
  Dead,
  /** Health check switched off: the CLB sends traffic without checking. */
  Close;

  public boolean healthy() {
    return this == Alive || this == Close;
  }
}
