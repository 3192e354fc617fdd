package io.clbdirect.emulator.model;

import java.time.Instant;

/**
 * One backend of a listener (L4) or rule (L7). Identity is {@link #key()}; weight and health change in
 * place. Health fields are written only by the health checker, under the state's lock.
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

  public Target(String eniIp, String instanceId, int port, int weight, String tag, Instant registeredTime) {
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

  public Instant nextProbeAt() {
    return nextProbeAt;
  }

  public void setNextProbeAt(Instant nextProbeAt) {
    this.nextProbeAt = nextProbeAt;
  }
}
