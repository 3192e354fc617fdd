package io.clbdirect.emulator.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A listener: L4 (TCP/UDP) with its own targets, health check, scheduler and session persistence,
 * or L7 (HTTP/HTTPS) with rules that carry those per rule. Name and L4 attributes change in place
 * (ModifyListener); readers outside the state lock (health checker, data path) see them through
 * volatile fields.
 */
public final class Listener {

  private final String listenerId;
  private final String protocol;
  private final int port;
  private final Instant createTime;
  private volatile String name;
  private volatile HealthCheckConfig healthCheck;
  private volatile String scheduler;
  private volatile int sessionExpireTime;
  private final Map<String, Target> targets = new LinkedHashMap<>();
  private final Map<String, Rule> rules = new LinkedHashMap<>();
  private volatile ListenerCertificate certificate;
  private volatile boolean sniSwitch;

  /**
   * An SNI listener's certificate per domain: every rule of a domain shares it. Concurrent, so the
   * data path can read it while the API changes it.
   */
  private final Map<String, ListenerCertificate> domainCertificates = new ConcurrentHashMap<>();

  public Listener(
      String listenerId,
      String name,
      String protocol,
      int port,
      HealthCheckConfig healthCheck,
      String scheduler,
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

  /** HTTPS and TCP_SSL listeners terminate TLS. */
  public boolean tls() {
    return "HTTPS".equals(protocol) || "TCP_SSL".equals(protocol);
  }

  /** The listener's certificate (HTTPS without SNI, TCP_SSL), or null. */
  public ListenerCertificate certificate() {
    return certificate;
  }

  public void setCertificate(ListenerCertificate certificate) {
    this.certificate = certificate;
  }

  /** HTTPS with SniSwitch 1: a certificate per domain instead of one for the listener. */
  public boolean sniSwitch() {
    return sniSwitch;
  }

  public void setSniSwitch(boolean sniSwitch) {
    this.sniSwitch = sniSwitch;
  }

  /** Domain certificates of an SNI listener; mutable, written under the state lock. */
  public Map<String, ListenerCertificate> domainCertificates() {
    return domainCertificates;
  }

  public String listenerId() {
    return listenerId;
  }

  public String name() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
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

  /** WRR or LEAST_CONN (L4). */
  public String scheduler() {
    return scheduler;
  }

  public void setScheduler(String scheduler) {
    this.scheduler = scheduler;
  }

  /** L4 session persistence in seconds; 0 = off. */
  public int sessionExpireTime() {
    return sessionExpireTime;
  }

  public void setSessionExpireTime(int sessionExpireTime) {
    this.sessionExpireTime = sessionExpireTime;
  }

  /**
   * The domain whose rules serve requests for a Host no rule domain matches, or null. Callers hold
   * the state lock.
   */
  public String defaultDomain() {
    return rules.values().stream()
        .filter(Rule::defaultServer)
        .map(Rule::domain)
        .findFirst()
        .orElse(null);
  }

  /**
   * Makes {@code domain} the listener's one default domain: DefaultServer belongs to a domain, not
   * to a single rule, so every rule of it is flagged and every other rule is not. Callers hold the
   * state lock.
   */
  public void setDefaultDomain(String domain) {
    rules.values().forEach(rule -> rule.setDefaultServer(rule.domain().equals(domain)));
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
