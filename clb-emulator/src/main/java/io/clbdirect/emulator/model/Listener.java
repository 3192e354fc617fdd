package io.clbdirect.emulator.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A listener: L4 (TCP/UDP) with its own targets and health check, or L7 (HTTP/HTTPS) with rules. */
public final class Listener {

  private final String listenerId;
  private final String name;
  private final String protocol;
  private final int port;
  private final Instant createTime;
  private volatile HealthCheckConfig healthCheck;
  private volatile String scheduler;
  private final Map<String, Target> targets = new LinkedHashMap<>();
  private final Map<String, Rule> rules = new LinkedHashMap<>();

  public Listener(String listenerId, String name, String protocol, int port, HealthCheckConfig healthCheck, String scheduler,
      Instant createTime) {
    this.listenerId = listenerId;
    this.name = name;
    this.protocol = protocol;
    this.port = port;
    this.healthCheck = healthCheck;
    this.scheduler = scheduler;
    this.createTime = createTime;
  }

  public boolean layer7() {
    return "HTTP".equals(protocol) || "HTTPS".equals(protocol);
  }

  public String listenerId() {
    return listenerId;
  }

  public String name() {
    return name;
  }

  public String protocol() {
    return protocol;
  }

  public int port() {
    return port;
  }

  public Instant createTime() {
    return createTime;
  }

  public HealthCheckConfig healthCheck() {
    return healthCheck;
  }

  public void setHealthCheck(HealthCheckConfig healthCheck) {
    this.healthCheck = healthCheck;
  }

  public String scheduler() {
    return scheduler;
  }

  /** L4 targets; mutable view, callers hold the state lock. */
  public Map<String, Target> targets() {
    return targets;
  }

  /** L7 rules by LocationId; mutable view, callers hold the state lock. */
  public Map<String, Rule> rules() {
    return rules;
  }
}
