package io.clbdirect.emulator.model;

import java.time.Instant;

/**
 * One backend of a listener (L4) or rule (L7). Identity is {@link #key()}; weight and health change
 * in place. Health fields are written only by the health checker, under the state's lock.
 */
public final class Target {

  private final String eniIp;
  private final String instanceId;
  private final int port;
  private final String tag;
  private final Instant registeredTime;
  private volatile int weight;
  private volatile HealthStatus health = HealthStatus.Unknown;
  private int consecutiveSuccesses;
  private int consecutiveFailures;
  private Instant nextProbeAt = Instant.EPOCH;
  private HealthCheckConfig bookedWith;

  public Target(
      String eniIp, String instanceId, int port, int weight, String tag, Instant registeredTime) {
    this.eniIp = eniIp;
    this.instanceId = instanceId;
    this.port = port;
    this.weight = weight;
    this.tag = tag;
    this.registeredTime = registeredTime;
  }

  /** {@code eni:10.0.0.7:8080} or {@code ins:ins-abc:8080}. */
  public String key() {
    return key(eniIp, instanceId, port);
  }

  public static String key(String eniIp, String instanceId, int port) {
    return (eniIp != null ? "eni:" + eniIp : "ins:" + instanceId) + ":" + port;
  }

  public String eniIp() {
    return eniIp;
  }

  public String instanceId() {
    return instanceId;
  }

  public int port() {
    return port;
  }

  public String tag() {
    return tag;
  }

  public Instant registeredTime() {
    return registeredTime;
  }

  public int weight() {
    return weight;
  }

  public void setWeight(int weight) {
    this.weight = weight;
  }

  public HealthStatus health() {
    return health;
  }

  public void setHealth(HealthStatus health) {
    this.health = health;
  }

  public int consecutiveSuccesses() {
    return consecutiveSuccesses;
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** Records one probe result and applies the thresholds; returns the (possibly new) status. */
  public HealthStatus record(boolean success, HealthCheckConfig check) {
    if (success) {
      consecutiveSuccesses++;
      consecutiveFailures = 0;
      if (consecutiveSuccesses >= check.healthNum()) {
        health = HealthStatus.Alive;
      }
    } else {
      consecutiveFailures++;
      consecutiveSuccesses = 0;
      if (consecutiveFailures >= check.unhealthNum()) {
        health = HealthStatus.Dead;
      }
    }
    return health;
  }

  /** Health check switched off or on again: Close, or back to Unknown with fresh counters. */
  public void resetHealth(boolean checkEnabled) {
    consecutiveSuccesses = 0;
    consecutiveFailures = 0;
    nextProbeAt = Instant.EPOCH;
    health = checkEnabled ? HealthStatus.Unknown : HealthStatus.Close;
  }

  /**
   * Is a probe with {@code check} due at {@code now}? Yes once the booked time has come, and at
   * once when the check differs from the one the booking was made with: a modified check (say
   * IntervalTime 300 down to 5) must not wait out the old interval.
   */
  public boolean probeDue(Instant now, HealthCheckConfig check) {
    return !check.equals(bookedWith) || !now.isBefore(nextProbeAt);
  }

  /** Books the next probe at {@code at}, made with {@code check}. */
  public void bookProbe(Instant at, HealthCheckConfig check) {
    this.nextProbeAt = at;
    this.bookedWith = check;
  }
}
