package io.clbdirect.gate.decide;

import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressBackend;
import io.kubernetes.client.openapi.models.V1IngressRule;
import io.kubernetes.client.openapi.models.V1IngressServiceBackend;
import io.kubernetes.client.openapi.models.V1IngressTLS;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The CLB forwarding rules an Ingress asks for: one per listener + host + path, on the load
 * balancer's HTTP:80 or HTTPS:443 listener, and the HTTPS hosts whose HTTP requests are redirected.
 * Pure.
 *
 * <p>CLB rules need a domain; a rule without {@code host} (and the default backend) gets the load
 * balancer's VIP as its domain, as TKE does, and that domain is made the listener's default server
 * so requests for any other Host reach it too. A URL is a prefix on the CLB, which is what {@code
 * Prefix} and {@code ImplementationSpecific} paths become; {@code Exact} paths and resource
 * backends have no faithful CLB form and are reported as problems instead of being served
 * differently from what they say.
 *
 * <p>Which listener, as TKE decides it: without {@code spec.tls} every rule is HTTP; with it every
 * rule is HTTPS; with {@code kubernetes.io/ingress.rule-mix: "true"} the annotations {@link
 * RuleMixAnnotations} read say it rule by rule. An HTTPS host needs a certificate ({@link
 * TlsHosts}); a host without one is not served over HTTPS, and only that host.
 *
 * @param routes in Ingress order, unique by rule key
 * @param redirects HTTPS domains whose HTTP requests get a 301 to HTTPS ({@code auto-rewrite})
 * @param problems what could not be served, one sentence each (for a Warning Event)
 * @param certificateProblems HTTPS hosts not served for want of a certificate, one sentence each
 */
public record IngressRoutes(
    List<Route> routes,
    Set<String> redirects,
    List<String> problems,
    List<String> certificateProblems) {

  public static final String AUTO_REWRITE = "ingress.cloud.tencent.com/auto-rewrite";

  /** The two listeners an Ingress's rules live on. */
  public enum Scheme {
    HTTP(80),
    HTTPS(443);

    private final int port;

    Scheme(int port) {
      this.port = port;
    }

    public int port() {
      return port;
    }

    /** The CLB listener protocol. */
    public String protocol() {
      return name();
    }
  }

  /** Where a rule lives: the CLB identifies a rule by listener, domain and URL. */
  public record RuleKey(Scheme scheme, String domain, String url) implements Comparable<RuleKey> {

    public RuleKey {
      Objects.requireNonNull(scheme, "scheme");
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(url, "url");
    }

    /** A rule of the HTTP:80 listener. */
    public RuleKey(String domain, String url) {
      this(Scheme.HTTP, domain, url);
    }

    @Override
    public int compareTo(RuleKey other) {
      int byScheme = scheme.compareTo(other.scheme);
      if (byScheme != 0) {
        return byScheme;
      }
      int byDomain = domain.compareTo(other.domain);
      return byDomain != 0 ? byDomain : url.compareTo(other.url);
    }

    /** {@code domain/url} for HTTP (as recorded before HTTPS existed), {@code https://…} else. */
    @Override
    public String toString() {
      return (scheme == Scheme.HTTPS ? "https://" : "") + domain + url;
    }

    /**
     * @return the key {@link #toString} wrote, or null when the text is not one
     */
    public static RuleKey parse(String text) {
      Scheme scheme = Scheme.HTTP;
      String rest = text;
      if (text.startsWith("https://")) {
        scheme = Scheme.HTTPS;
        rest = text.substring("https://".length());
      }
      int slash = rest.indexOf('/');
      return slash > 0
          ? new RuleKey(scheme, rest.substring(0, slash), rest.substring(slash))
          : null;
    }
  }

  /**
   * One rule and the Service port it forwards to.
   *
   * @param portNumber the backend's {@code port.number}, or null when it names the port
   * @param portName the backend's {@code port.name}, or null when it gives a number
   * @param tlsSecret for an HTTPS rule, the Secret holding its domain's certificate; null for HTTP
   */
  public record Route(
      RuleKey rule, String serviceName, Integer portNumber, String portName, String tlsSecret) {

    /** Does this route point at the given Service port? */
    public boolean targets(io.kubernetes.client.openapi.models.V1ServicePort port) {
      return portNumber != null
          ? portNumber.equals(port.getPort())
          : portName != null && portName.equals(port.getName());
    }
  }

  public IngressRoutes {
    routes = List.copyOf(routes);
    redirects = Set.copyOf(redirects);
    problems = List.copyOf(problems);
    certificateProblems = List.copyOf(certificateProblems);
  }

  /**
   * The routes as if every certificate Secret were usable: for callers that need only which Pods
   * back the Ingress, not what the load balancer serves.
   */
  public static IngressRoutes of(V1Ingress ingress, String vip) {
    return of(ingress, vip, secret -> null);
  }

  /**
   * @param vip the load balancer's VIP, the domain of host-less rules
   * @param secretProblem a certificate Secret's name to null when it holds a usable certificate,
   *     else a sentence saying what is wrong with it
   */
  public static IngressRoutes of(
      V1Ingress ingress, String vip, Function<String, String> secretProblem) {
    return new Builder(ingress, vip, secretProblem).build();
  }

  private static final class Builder {
    private final V1Ingress ingress;
    private final String vip;
    private final Function<String, String> secretProblem;
    private final TlsHosts tls;
    private final Map<String, String> annotations;
    private final Map<RuleKey, Route> routes = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> certificateProblems = new ArrayList<>();
    private final Map<String, String> secretOfDomain = new HashMap<>();

    Builder(V1Ingress ingress, String vip, Function<String, String> secretProblem) {
      this.ingress = ingress;
      this.vip = vip;
      this.secretProblem = secretProblem;
      this.tls = TlsHosts.of(ingress.getSpec() == null ? null : ingress.getSpec().getTls());
      this.annotations =
          ingress.getMetadata() == null || ingress.getMetadata().getAnnotations() == null
              ? Map.of()
              : ingress.getMetadata().getAnnotations();
    }

    IngressRoutes build() {
      if (RuleMixAnnotations.enabled(annotations)) {
        fromRuleMix();
      } else {
        fromSpec(tls.isEmpty() ? Scheme.HTTP : Scheme.HTTPS);
      }
      return new IngressRoutes(
          List.copyOf(routes.values()), redirects(), problems, certificateProblems);
    }

    private void fromSpec(Scheme scheme) {
      for (V1IngressRule rule : specRules()) {
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
          add(new RuleKey(scheme, domain, url), path.getBackend(), where);
        }
      }
      V1IngressBackend fallback =
          ingress.getSpec() == null ? null : ingress.getSpec().getDefaultBackend();
      if (fallback != null) {
        RuleKey catchAll = new RuleKey(scheme, vip, "/");
        if (routes.containsKey(catchAll)) {
          problems.add("the default backend is shadowed by the host-less path / and is not served");
        } else {
          add(catchAll, fallback, "default backend");
        }
      }
    }

    /** TKE's rule-mix: the annotations are the rules; {@code spec.rules} paths are not read. */
    private void fromRuleMix() {
      RuleMixAnnotations mix = RuleMixAnnotations.of(annotations);
      problems.addAll(mix.problems());
      Set<String> listed = new HashSet<>();
      for (RuleMixAnnotations.Entry entry : mix.entries()) {
        String domain = entry.host() == null ? vip : entry.host();
        String where =
            (entry.scheme() == Scheme.HTTPS
                    ? RuleMixAnnotations.HTTPS_RULES
                    : RuleMixAnnotations.HTTP_RULES)
                + " "
                + (entry.host() == null ? "" : entry.host())
                + entry.path();
        listed.add((entry.host() == null ? "" : entry.host()) + entry.path());
        addService(
            new RuleKey(entry.scheme(), domain, entry.path()),
            entry.serviceName(),
            entry.portNumber(),
            entry.portName(),
            where);
      }
      for (V1IngressRule rule : specRules()) {
        if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
          continue;
        }
        for (V1HTTPIngressPath path : rule.getHttp().getPaths()) {
          String where =
              (rule.getHost() == null ? "" : rule.getHost())
                  + (path.getPath() == null || path.getPath().isEmpty() ? "/" : path.getPath());
          if (!listed.contains(where)) {
            problems.add(
                "path "
                    + where
                    + " of spec.rules is in neither "
                    + RuleMixAnnotations.HTTP_RULES
                    + " nor "
                    + RuleMixAnnotations.HTTPS_RULES
                    + ", which say what is served under "
                    + RuleMixAnnotations.RULE_MIX
                    + "; it is not served");
          }
        }
      }
    }

    private List<V1IngressRule> specRules() {
      return ingress.getSpec() == null || ingress.getSpec().getRules() == null
          ? List.of()
          : ingress.getSpec().getRules();
    }

    private void add(RuleKey key, V1IngressBackend backend, String where) {
      V1IngressServiceBackend service = backend == null ? null : backend.getService();
      if (service == null || service.getName() == null || service.getPort() == null) {
        problems.add(
            where
                + " has no Service backend with a port (resource backends are not supported); it is not served");
        return;
      }
      addService(
          key,
          service.getName(),
          service.getPort().getNumber(),
          service.getPort().getName(),
          where);
    }

    private void addService(
        RuleKey key, String serviceName, Integer portNumber, String portName, String where) {
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
      String secret = null;
      if (key.scheme() == Scheme.HTTPS) {
        secret = certificateSecret(key.domain());
        if (secret == null) {
          return;
        }
      }
      routes.put(key, new Route(key, serviceName, portNumber, portName, secret));
    }

    /**
     * @return the Secret serving the domain, or null (said once per domain) when there is none
     */
    private String certificateSecret(String domain) {
      if (secretOfDomain.containsKey(domain)) {
        return secretOfDomain.get(domain);
      }
      String host = domain.equals(vip) ? "(no host, the VIP " + vip + ")" : domain;
      String secret = null;
      V1IngressTLS entry = tls.entryFor(domain).orElse(null);
      if (entry == null) {
        certificateProblems.add(
            "host "
                + host
                + " has no certificate: no spec.tls entry covers it; it is not served over HTTPS");
      } else if (entry.getSecretName() == null || entry.getSecretName().isBlank()) {
        certificateProblems.add(
            "host "
                + host
                + " has no certificate: its spec.tls entry names no secretName; it is not served over HTTPS");
      } else {
        String problem = secretProblem.apply(entry.getSecretName());
        if (problem == null) {
          secret = entry.getSecretName();
        } else {
          certificateProblems.add(
              "host " + host + " has no certificate: " + problem + "; it is not served over HTTPS");
        }
      }
      secretOfDomain.put(domain, secret);
      return secret;
    }

    /** auto-rewrite: HTTPS domains that have no HTTP rules of their own to collide with. */
    private Set<String> redirects() {
      if (!"true".equalsIgnoreCase(annotations.get(AUTO_REWRITE))) {
        return Set.of();
      }
      Set<String> httpDomains = new HashSet<>();
      Set<String> httpsDomains = new LinkedHashSet<>();
      routes
          .keySet()
          .forEach(
              key -> (key.scheme() == Scheme.HTTP ? httpDomains : httpsDomains).add(key.domain()));
      Set<String> redirects = new LinkedHashSet<>();
      for (String domain : httpsDomains) {
        if (httpDomains.contains(domain)) {
          problems.add(
              AUTO_REWRITE
                  + ": "
                  + domain
                  + " also has HTTP rules, so its HTTP requests are served, not redirected");
        } else {
          redirects.add(domain);
        }
      }
      if (httpsDomains.isEmpty()) {
        problems.add(
            AUTO_REWRITE + " is set but no host is served over HTTPS: nothing to redirect to");
      }
      return redirects;
    }
  }
}
