package io.clbdirect.core.tkeconfig;

import java.util.Objects;

/**
 * Turns a TkeServiceConfig entry into CLB attributes: all of them for a listener or rule clb-direct
 * creates, only the differing ones for an existing one. Pure.
 *
 * <p>A health check with {@code enable: false} becomes {@code healthSwitch 0} alone: its other
 * fields are neither sent nor compared, because they do nothing while the check is off and
 * comparing them would modify a listener for no effect. Session persistence becomes {@code
 * sessionExpireTime}: 0 when disabled, the configured time or TKE's default 30 when enabled.
 */
public final class ClbAttributeMapping {

  /** TKE's default session time when {@code enable: true} gives none. */
  static final long DEFAULT_SESSION_EXPIRE_TIME = 30;

  private ClbAttributeMapping() {}

  /** Every attribute the entry sets, for CreateListener or CreateRule. */
  public static ClbAttributes forCreate(ClbSettings settings) {
    HealthCheck check = settings.healthCheck();
    // Only an enabled check's details are worth sending; see the class comment.
    HealthCheck details = check != null && check.enable() ? check : null;
    return new ClbAttributes(
        check == null ? null : check.enable() ? 1L : 0L,
        details == null ? null : toLong(details.timeout()),
        details == null ? null : toLong(details.intervalTime()),
        details == null ? null : toLong(details.healthNum()),
        details == null ? null : toLong(details.unHealthNum()),
        details == null ? null : toLong(details.httpCode()),
        details == null ? null : details.httpCheckPath(),
        details == null ? null : details.httpCheckDomain(),
        details == null ? null : name(details.httpCheckMethod()),
        sessionExpireTime(settings.session()),
        name(settings.scheduler()),
        name(settings.forwardType()));
  }

  /**
   * The attributes the entry sets that {@code current} does not already have, for ModifyListener or
   * ModifyRule. Names (scheduler, method, forward type, check domain) compare ignoring letter case,
   * so a CLB that reports them in another case is not modified over and over.
   *
   * @param current what the CLB reports; {@link ClbAttributes#NONE} when it reports nothing
   */
  public static AttributeChanges diff(ClbSettings settings, ClbAttributes current) {
    Objects.requireNonNull(current, "current");
    ClbAttributes wanted = forCreate(settings);
    return new AttributeChanges(
        new ClbAttributes(
            changed(wanted.healthSwitch(), current.healthSwitch()),
            changed(wanted.timeout(), current.timeout()),
            changed(wanted.intervalTime(), current.intervalTime()),
            changed(wanted.healthNum(), current.healthNum()),
            changed(wanted.unHealthNum(), current.unHealthNum()),
            changed(wanted.httpCode(), current.httpCode()),
            changed(wanted.httpCheckPath(), current.httpCheckPath()),
            changedIgnoringCase(wanted.httpCheckDomain(), current.httpCheckDomain()),
            changedIgnoringCase(wanted.httpCheckMethod(), current.httpCheckMethod()),
            changed(wanted.sessionExpireTime(), current.sessionExpireTime()),
            changedIgnoringCase(wanted.scheduler(), current.scheduler()),
            changedIgnoringCase(wanted.forwardType(), current.forwardType())));
  }

  private static Long sessionExpireTime(Session session) {
    if (session == null) {
      return null;
    }
    if (!session.enable()) {
      return 0L;
    }
    return session.sessionExpireTime() == null
        ? DEFAULT_SESSION_EXPIRE_TIME
        : session.sessionExpireTime().longValue();
  }

  private static <T> T changed(T wanted, T current) {
    return wanted != null && !wanted.equals(current) ? wanted : null;
  }

  private static String changedIgnoringCase(String wanted, String current) {
    return wanted != null && !wanted.equalsIgnoreCase(current) ? wanted : null;
  }

  private static Long toLong(Integer value) {
    return value == null ? null : value.longValue();
  }

  private static String name(Enum<?> value) {
    return value == null ? null : value.name();
  }
}
