package io.clbdirect.core.tkeconfig;

/**
 * A TkeServiceConfig {@code healthCheck}. Apart from {@code enable}, every component is nullable:
 * null means "not set". The HTTP components are only ever set on L7 rules; TKE's L4 checks are TCP
 * checks.
 *
 * @param enable whether the CLB checks backends at all
 * @param intervalTime seconds between checks, 5–300
 * @param healthNum consecutive successes that make a backend healthy, 2–10
 * @param unHealthNum consecutive failures that make a backend unhealthy, 2–10
 * @param timeout seconds a check may take, 2–60
 * @param httpCode status classes that count as healthy, a bitmask 1–31 (1 = 1xx, 2 = 2xx, 4 = 3xx,
 *     8 = 4xx, 16 = 5xx)
 * @param httpCheckPath the path checked, starting with {@code /}
 * @param httpCheckDomain the Host header of the check
 * @param httpCheckMethod the HTTP method of the check
 */
public record HealthCheck(
    boolean enable,
    Integer intervalTime,
    Integer healthNum,
    Integer unHealthNum,
    Integer timeout,
    Integer httpCode,
    String httpCheckPath,
    String httpCheckDomain,
    HttpCheckMethod httpCheckMethod) {

  public enum HttpCheckMethod {
    HEAD,
    GET
  }
}
