package io.clbdirect.emulator.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** An L7 forwarding rule (host + path) of an HTTP/HTTPS listener; its id is the LocationId. */
public final class Rule {

  private final String locationId;
  private final String domain;
  private final String url;
  private final Instant createTime;
  private volatile HealthCheckConfig healthCheck;
  private volatile String scheduler;
  private final Map<String, Target> targets = new LinkedHashMap<>();

  public Rule(String locationId, String domain, String url, HealthCheckConfig healthCheck, String scheduler, Instant createTime) {
    this.locationId = locationId;
    this.domain = domain;
    this.url = url;
    this.healthCheck = healthCheck;
    this.scheduler = scheduler;
    this.createTime = createTime;
  }

  public String locationId() {
    return locationId;
  }

  public String domain() {
    return domain;
  }

  public String url() {
    return url;
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

  /** Mutable view; callers hold the state lock. */
  public Map<String, Target> targets() {
    return targets;
  }
}
