package io.clbdirect.core.tkeconfig;

/**
 * Listener or rule attributes as the CLB API names them ({@code HealthCheck.HealthSwitch}, {@code
 * TimeOut}, ..., {@code SessionExpireTime}, {@code Scheduler}, {@code ForwardType}), without
 * depending on the Tencent SDK. Types are the API's ({@code Long} numbers, {@code String} names),
 * so the gate-controller copies fields to and from SDK models without conversion. Every component
 * is nullable: null means unknown (describing the CLB) or "do not send" (as a change or at
 * creation).
 *
 * @param healthSwitch 1 = health check on, 0 = off
 * @param timeout {@code HealthCheck.TimeOut}
 * @param sessionExpireTime 0 = session persistence off
 * @param forwardType L7 rules only
 */
public record ClbAttributes(
    Long healthSwitch,
    Long timeout,
    Long intervalTime,
    Long healthNum,
    Long unHealthNum,
    Long httpCode,
    String httpCheckPath,
    String httpCheckDomain,
    String httpCheckMethod,
    Long sessionExpireTime,
    String scheduler,
    String forwardType) {

  /** Nothing known, nothing to send. */
  public static final ClbAttributes NONE =
      new ClbAttributes(null, null, null, null, null, null, null, null, null, null, null, null);
}
