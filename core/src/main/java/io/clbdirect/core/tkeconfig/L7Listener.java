package io.clbdirect.core.tkeconfig;

import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code spec.loadBalancer.l7Listeners}: settings of rules on the listener with this
 * protocol and port. An L7 listener itself has no health check or session; its rules do.
 */
public record L7Listener(Protocol protocol, int port, List<Domain> domains) {

  public enum Protocol {
    HTTP,
    HTTPS
  }

  /**
   * The rules of one domain.
   *
   * @param domain the CLB rule domain; {@code ""} stands for the load balancer's VIP, which is the
   *     domain clb-direct gives rules of Ingress paths without a host
   */
  public record Domain(String domain, List<Rule> rules) {

    public Domain {
      Objects.requireNonNull(domain, "domain");
      rules = List.copyOf(rules);
    }
  }

  /** The settings of the rule with this URL. */
  public record Rule(String url, ClbSettings settings) {

    public Rule {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(settings, "settings");
    }
  }

  public L7Listener {
    Objects.requireNonNull(protocol, "protocol");
    domains = List.copyOf(domains);
  }
}
