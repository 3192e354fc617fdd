package io.clbdirect.gate.decide;

import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressBackend;
import io.kubernetes.client.openapi.models.V1IngressRule;
import io.kubernetes.client.openapi.models.V1IngressServiceBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The CLB forwarding rules an Ingress asks for: one per host + path, on the load balancer's HTTP
 * listener. Pure.
 *
 * <p>CLB rules need a domain; a rule without {@code host} (and the default backend) gets the load
 * balancer's VIP as its domain, as TKE does, and that domain is made the listener's default server
 * so requests for any other Host reach it too. A URL is a prefix on the CLB, which is what {@code
 * Prefix} and {@code ImplementationSpecific} paths become; {@code Exact} paths and resource
 * backends have no faithful CLB form and are reported as problems instead of being served
 * differently from what they say.
 *
 * @param routes in Ingress order, unique by rule key
 * @param problems what could not be served, one sentence each (for a Warning Event)
 */
public record IngressRoutes(List<Route> routes, List<String> problems) {

  /** Where a rule lives on the listener: the CLB identifies a rule by domain + URL. */
  public record RuleKey(String domain, String url) implements Comparable<RuleKey> {

    public RuleKey {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(url, "url");
    }

    @Override
    public int compareTo(RuleKey other) {
      int byDomain = domain.compareTo(other.domain);
      return byDomain != 0 ? byDomain : url.compareTo(other.url);
    }

    @Override
    public String toString() {
      return domain + url;
    }
  }

  /**
   * One rule and the Service port it forwards to.
   *
   * @param portNumber the backend's {@code port.number}, or null when it names the port
   * @param portName the backend's {@code port.name}, or null when it gives a number
   */
  public record Route(RuleKey rule, String serviceName, Integer portNumber, String portName) {

    /** Does this route point at the given Service port? */
    public boolean targets(io.kubernetes.client.openapi.models.V1ServicePort port) {
      return portNumber != null
          ? portNumber.equals(port.getPort())
          : portName != null && portName.equals(port.getName());
    }
  }

  public IngressRoutes {
    routes = List.copyOf(routes);
    problems = List.copyOf(problems);
  }

  /**
   * @param vip the load balancer's VIP, the domain of host-less rules
   */
  public static IngressRoutes of(V1Ingress ingress, String vip) {
    Map<RuleKey, Route> routes = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    List<V1IngressRule> rules =
        ingress.getSpec() == null || ingress.getSpec().getRules() == null
            ? List.of()
            : ingress.getSpec().getRules();
    for (V1IngressRule rule : rules) {
      String domain = rule.getHost() == null || rule.getHost().isEmpty() ? vip : rule.getHost();
      if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
        continue;
      }
      for (V1HTTPIngressPath path : rule.getHttp().getPaths()) {
        String url = path.getPath() == null || path.getPath().isEmpty() ? "/" : path.getPath();
        String where = (rule.getHost() == null ? "" : rule.getHost()) + url;
        if ("Exact".equals(path.getPathType())) {
          problems.add(
              "path "
                  + where
                  + " has pathType Exact, which a CLB URL rule (a prefix) cannot express; it is not served");
          continue;
        }
        add(routes, problems, new RuleKey(domain, url), path.getBackend(), where);
      }
    }
    V1IngressBackend fallback =
        ingress.getSpec() == null ? null : ingress.getSpec().getDefaultBackend();
    if (fallback != null) {
      RuleKey catchAll = new RuleKey(vip, "/");
      if (routes.containsKey(catchAll)) {
        problems.add("the default backend is shadowed by the host-less path / and is not served");
      } else {
        add(routes, problems, catchAll, fallback, "default backend");
      }
    }
    return new IngressRoutes(List.copyOf(routes.values()), problems);
  }

  private static void add(
      Map<RuleKey, Route> routes,
      List<String> problems,
      RuleKey key,
      V1IngressBackend backend,
      String where) {
    V1IngressServiceBackend service = backend == null ? null : backend.getService();
    if (service == null || service.getName() == null || service.getPort() == null) {
      problems.add(
          where
              + " has no Service backend with a port (resource backends are not supported); it is not served");
      return;
    }
    if (routes.containsKey(key)) {
      // Kubernetes leaves conflicting paths to the controller; the first one wins, as in
      // ingress-nginx.
      problems.add(
          where
              + " repeats a host and path already routed to Service "
              + routes.get(key).serviceName()
              + "; the first wins");
      return;
    }
    routes.put(
        key,
        new Route(
            key, service.getName(), service.getPort().getNumber(), service.getPort().getName()));
  }
}
