package io.clbdirect.core.tkeconfig;

/**
 * What one TkeServiceConfig entry (an L4 listener or an L7 rule) asks of the CLB. Every component
 * is nullable: null means "not set", and the CLB's current value is then left alone.
 *
 * @param healthCheck the health check, or null
 * @param session session persistence, or null
 * @param scheduler the balancing method, or null
 * @param forwardType the protocol from the CLB to the backends; L7 rules only, always null for L4
 *     listeners (they forward what they receive)
 */
public record ClbSettings(
    HealthCheck healthCheck, Session session, Scheduler scheduler, ForwardType forwardType) {

  /** The CLB's balancing methods. L4 listeners accept WRR and LEAST_CONN only. */
  public enum Scheduler {
    WRR,
    LEAST_CONN,
    IP_HASH
  }

  /** The protocol an L7 rule uses towards its backends. */
  public enum ForwardType {
    HTTP,
    HTTPS
  }
}
