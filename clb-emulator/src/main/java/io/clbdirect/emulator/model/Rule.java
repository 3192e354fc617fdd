package io.clbdirect.emulator.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An L7 forwarding rule (host + path) of an HTTP/HTTPS listener; its id is the LocationId. Url,
 * health check, scheduler, session persistence and forward type change in place (ModifyRule);
 * readers outside the state lock see them through volatile fields.
 */
public final class Rule {

  private final String locationId;
  private volatile String domain;
  private final Instant createTime;
  private volatile String url;
  private volatile HealthCheckConfig healthCheck;
  private volatile String scheduler;
  private volatile int sessionExpireTime;
  private volatile String forwardType = "HTTP";
  private volatile boolean defaultServer;
  private volatile RewriteTarget rewrite;
  private volatile boolean autoCreated;
  private final Map<String, Target> targets = new LinkedHashMap<>();

  public Rule(
      String locationId,
      String domain,
      String url,
      HealthCheckConfig healthCheck,
      String scheduler,
      Instant createTime) {
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

  /** ModifyDomainAttributes NewDomain renames every rule of a domain. */
  public void setDomain(String domain) {
    this.domain = domain;
  }

  /** Where this rule redirects to, or null when it forwards to its targets. */
  public RewriteTarget rewrite() {
    return rewrite;
  }

  public void setRewrite(RewriteTarget rewrite) {
    this.rewrite = rewrite;
  }

  /** Created by AutoRewrite (RuleOutput.BeAutoCreated). */
  public boolean autoCreated() {
    return autoCreated;
  }

  public void setAutoCreated(boolean autoCreated) {
    this.autoCreated = autoCreated;
  }

  public String url() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
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

  /** WRR, LEAST_CONN or IP_HASH. */
  public String scheduler() {
    return scheduler;
  }

  public void setScheduler(String scheduler) {
    this.scheduler = scheduler;
  }

  /** Session persistence in seconds; 0 = off. */
  public int sessionExpireTime() {
    return sessionExpireTime;
  }

  public void setSessionExpireTime(int sessionExpireTime) {
    this.sessionExpireTime = sessionExpireTime;
  }

  /** The protocol towards the targets: HTTP, HTTPS, GRPC or GRPCS. */
  public String forwardType() {
    return forwardType;
  }

  public void setForwardType(String forwardType) {
    this.forwardType = forwardType;
  }

  /**
   * Is this rule's domain the listener's default domain? Kept in step by {@link
   * Listener#setDefaultDomain}.
   */
  public boolean defaultServer() {
    return defaultServer;
  }

  void setDefaultServer(boolean defaultServer) {
    this.defaultServer = defaultServer;
  }

  /** Mutable view; callers hold the state lock. */
  public Map<String, Target> targets() {
    return targets;
  }
}
