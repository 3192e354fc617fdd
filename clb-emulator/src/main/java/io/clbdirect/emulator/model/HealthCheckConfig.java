package io.clbdirect.emulator.model;

/**
 * A listener's (L4) or rule's (L7) health check, with the API's field meanings and defaults.
 *
 * @param enabled HealthSwitch 1
 * @param timeoutSeconds TimeOut, 2–60, default 2
 * @param intervalSeconds IntervalTime, 2–300, default 5
 * @param healthNum consecutive successes before Alive, 2–10, default 3
 * @param unhealthNum consecutive failures before Dead, 2–10, default 3
 * @param checkType TCP (default for L4) or HTTP (default for L7)
 * @param httpCode bitmask of accepted classes: 1=1xx 2=2xx 4=3xx 8=4xx 16=5xx; default 31 for L4
 *     HTTP, 2 for L7
 * @param httpCheckPath path for HTTP checks, default "/"
 * @param httpCheckDomain Host header for HTTP checks, null for the target's address
 * @param httpCheckMethod GET or HEAD
 * @param checkPort port to probe instead of the target's, or null
 */
public record HealthCheckConfig(
    boolean enabled,
    int timeoutSeconds,
    int intervalSeconds,
    int healthNum,
    int unhealthNum,
    String checkType,
    int httpCode,
    String httpCheckPath,
    String httpCheckDomain,
    String httpCheckMethod,
    Integer checkPort) {

  public static HealthCheckConfig defaultsFor(String protocol) {
    boolean l7 = "HTTP".equals(protocol) || "HTTPS".equals(protocol);
    return new HealthCheckConfig(
        true, 2, 5, 3, 3, l7 ? "HTTP" : "TCP", l7 ? 2 : 31, "/", null, "GET", null);
  }

  public boolean http() {
    return "HTTP".equalsIgnoreCase(checkType) || "HTTPS".equalsIgnoreCase(checkType);
  }

  /** Does an HTTP status code fall in the accepted classes? */
  public boolean accepts(int status) {
    int bit =
        switch (status / 100) {
          case 1 -> 1;
          case 2 -> 2;
          case 3 -> 4;
          case 4 -> 8;
          case 5 -> 16;
          default -> 0;
        };
    return (httpCode & bit) != 0;
  }
}
