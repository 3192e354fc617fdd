package io.clbdirect.core;

import java.util.Map;
import java.util.Objects;

/**
 * Something in a namespace that makes the CLB bind Pods directly: a direct-access LoadBalancer
 * Service, or a Service behind a direct-access Ingress. Holds only what the decision needs.
 *
 * @param kind what carries the direct-access annotation
 * @param name the Service's or the Ingress's name
 * @param serviceName the Service whose selector picks the Pods (same as name for a Service)
 * @param selector that Service's selector
 */
public record DirectAccessFrontend(
    Kind kind, String name, String serviceName, Map<String, String> selector) {

  public enum Kind {
    SERVICE,
    INGRESS
  }

  public DirectAccessFrontend {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(serviceName, "serviceName");
    selector = selector == null ? Map.of() : Map.copyOf(selector);
  }

  public boolean selects(Map<String, String> podLabels) {
    return LabelSelectors.selects(selector, podLabels);
  }

  /** Human-readable reference, e.g. {@code Service web} or {@code Ingress shop (Service web)}. */
  public String describe() {
    return kind == Kind.SERVICE
        ? "Service " + name
        : "Ingress " + name + " (Service " + serviceName + ")";
  }
}
