package io.clbdirect.core.tkeconfig;

import java.util.List;
import java.util.Optional;

/**
 * The part of a TkeServiceConfig's {@code spec.loadBalancer} that clb-direct applies, and which
 * entry applies to which CLB listener or rule. Listeners and rules without an entry are left alone.
 */
public record TkeServiceConfigSpec(List<L4Listener> l4Listeners, List<L7Listener> l7Listeners) {

  public TkeServiceConfigSpec {
    l4Listeners = List.copyOf(l4Listeners);
    l7Listeners = List.copyOf(l7Listeners);
  }

  /**
   * The settings for an L4 listener.
   *
   * @param protocol the listener's protocol as the CLB names it ({@code TCP}, {@code UDP}, ...;
   *     letter case ignored); protocols a TkeServiceConfig cannot name never match
   */
  public Optional<ClbSettings> settingsForL4Listener(String protocol, int port) {
    for (L4Listener listener : l4Listeners) {
      if (listener.protocol().name().equalsIgnoreCase(protocol) && listener.port() == port) {
        return Optional.of(listener.settings());
      }
    }
    return Optional.empty();
  }

  /**
   * The settings for a rule of an L7 listener. The CLB identifies a rule by domain and URL; URLs
   * must be equal, domains equal ignoring letter case (they are host names).
   *
   * <p>An entry with domain {@code ""} means the load balancer's VIP: clb-direct, like TKE, gives
   * rules of Ingress paths without a host the VIP as their domain. So {@code ""} matches a rule
   * whose domain is {@code vip}. An entry naming the VIP literally is more specific and wins over
   * the {@code ""} one.
   *
   * @param protocol the listener's protocol ({@code HTTP} or {@code HTTPS}, letter case ignored)
   * @param vip the load balancer's VIP, or null when it has none yet (then {@code ""} matches
   *     nothing)
   */
  public Optional<ClbSettings> settingsForL7Rule(
      String protocol, int port, String domain, String url, String vip) {
    for (L7Listener listener : l7Listeners) {
      if (listener.protocol().name().equalsIgnoreCase(protocol) && listener.port() == port) {
        Optional<ClbSettings> exact = rule(listener, domain, url);
        if (exact.isPresent() || vip == null || !vip.equalsIgnoreCase(domain)) {
          return exact;
        }
        return rule(listener, "", url);
      }
    }
    return Optional.empty();
  }

  private static Optional<ClbSettings> rule(L7Listener listener, String domain, String url) {
    for (L7Listener.Domain entry : listener.domains()) {
      if (!entry.domain().equalsIgnoreCase(domain)) {
        continue;
      }
      for (L7Listener.Rule rule : entry.rules()) {
        if (rule.url().equals(url)) {
          return Optional.of(rule.settings());
        }
      }
    }
    return Optional.empty();
  }
}
