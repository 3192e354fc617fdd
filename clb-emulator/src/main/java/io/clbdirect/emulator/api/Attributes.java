package io.clbdirect.emulator.api;

import io.clbdirect.emulator.model.HealthCheckConfig;
import java.util.Locale;
import java.util.Set;

/**
 * The listener and rule attributes CreateListener, ModifyListener, CreateRule and ModifyRule share,
 * read over a base (the defaults when creating, the current values when modifying) and validated
 * against the API reference's ranges. A value out of range or not among the allowed ones is
 * InvalidParameterValue.Range naming the field; a name or Url of the wrong length is
 * InvalidParameterValue.Length.
 */
final class Attributes {

  static final Set<String> LISTENER_SCHEDULERS = Set.of("WRR", "LEAST_CONN");
  static final Set<String> RULE_SCHEDULERS = Set.of("WRR", "LEAST_CONN", "IP_HASH");

  /** SessionExpireTime ceilings: 3600 s on an L4 listener, 86400 s on an L7 rule. */
  static final int LISTENER_SESSION_MAX = 3600;

  static final int RULE_SESSION_MAX = 86_400;
  private static final Set<String> FORWARD_TYPES = Set.of("HTTP", "HTTPS", "GRPC", "GRPCS");
  private static final Set<String> CHECK_TYPES =
      Set.of("TCP", "HTTP", "HTTPS", "GRPC", "PING", "CUSTOM");
  private static final Set<String> CHECK_METHODS = Set.of("HEAD", "GET");

  private Attributes() {}

  /**
   * The health check {@code p} describes over {@code base}: each field given replaces base's, the
   * others stay. choice: ModifyListener and ModifyRule update a HealthCheck partially, as
   * CreateListener and CreateRule fill absent fields from the defaults. Null {@code p} gives {@code
   * base} unchanged.
   */
  static HealthCheckConfig healthCheck(Params p, HealthCheckConfig base) {
    if (p == null) {
      return base;
    }
    int healthSwitch = range(p, "HealthSwitch", base.enabled() ? 1 : 0, 0, 1);
    int timeout = range(p, "TimeOut", base.timeoutSeconds(), 2, 60);
    int interval = range(p, "IntervalTime", base.intervalSeconds(), 2, 300);
    // The SDK documents TimeOut: "响应超时时间要小于检查间隔时间" (the timeout must be less than the interval).
    if (timeout >= interval) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`TimeOut` (" + timeout + ") must be less than `IntervalTime` (" + interval + ").");
    }
    int healthNum = range(p, "HealthNum", base.healthNum(), 2, 10);
    int unhealthNum = range(p, "UnHealthNum", base.unhealthNum(), 2, 10);
    int httpCode = range(p, "HttpCode", base.httpCode(), 1, 31);
    String checkType = oneOf(p, "CheckType", base.checkType(), CHECK_TYPES, true);
    String method = oneOf(p, "HttpCheckMethod", base.httpCheckMethod(), CHECK_METHODS, true);
    String path = p.has("HttpCheckPath") ? p.optString("HttpCheckPath") : base.httpCheckPath();
    String domain =
        p.has("HttpCheckDomain") ? p.optString("HttpCheckDomain") : base.httpCheckDomain();
    Integer checkPort =
        p.has("CheckPort") ? Integer.valueOf(range(p, "CheckPort", 0, 1, 65535)) : base.checkPort();
    return new HealthCheckConfig(
        healthSwitch == 1,
        timeout,
        interval,
        healthNum,
        unhealthNum,
        checkType,
        httpCode,
        path,
        domain,
        method,
        checkPort);
  }

  /** {@code Scheduler} if given (one of {@code allowed}), else {@code current}. */
  static String scheduler(Params p, String current, Set<String> allowed) {
    return oneOf(p, "Scheduler", current, allowed, false);
  }

  /** {@code SessionExpireTime} if given (0 = off, or 30..max seconds), else {@code current}. */
  static int sessionExpireTime(Params p, int current, int max) {
    Integer value = p.optInt("SessionExpireTime");
    if (value == null) {
      return current;
    }
    if (value != 0 && (value < 30 || value > max)) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`SessionExpireTime` must be 0 or 30.." + max + ", got " + value + ".");
    }
    return value;
  }

  /** {@code ForwardType} if given (HTTP, HTTPS, GRPC or GRPCS), else {@code current}. */
  static String forwardType(Params p, String current) {
    return oneOf(p, "ForwardType", current, FORWARD_TYPES, false);
  }

  /** {@code value}, if its length is 1..max. */
  static String text(String field, String value, int max) {
    if (value.isEmpty() || value.length() > max) {
      throw new ApiError(
          "InvalidParameterValue.Length",
          "`" + field + "` must be 1.." + max + " characters long.");
    }
    return value;
  }

  private static int range(Params p, String field, int fallback, int min, int max) {
    Integer value = p.optInt(field);
    if (value == null) {
      return fallback;
    }
    if (value < min || value > max) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`" + field + "` must be " + min + ".." + max + ", got " + value + ".");
    }
    return value;
  }

  /**
   * The field's value if it is one of {@code allowed} (compared in upper case when {@code
   * anyCase}), else the fallback.
   */
  private static String oneOf(
      Params p, String field, String fallback, Set<String> allowed, boolean anyCase) {
    String value = p.optString(field);
    if (value == null) {
      return fallback;
    }
    String normal = anyCase ? value.toUpperCase(Locale.ROOT) : value;
    if (!allowed.contains(normal)) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`"
              + field
              + "` must be one of "
              + String.join(", ", allowed.stream().sorted().toList())
              + ", got "
              + value
              + ".");
    }
    return normal;
  }
}
