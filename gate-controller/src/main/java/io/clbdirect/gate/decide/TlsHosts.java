package io.clbdirect.gate.decide;

import io.kubernetes.client.openapi.models.V1IngressTLS;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which certificate Secret serves a host, from an Ingress's {@code spec.tls}, as TKE's Ingress
 * controller maps them: a host listed exactly beats a wildcard ({@code *.example.com} covers one
 * label, as in TLS), a wildcard beats an entry without hosts, and an entry without hosts covers
 * every HTTPS host. Among equals the first entry wins. Hosts compare case-insensitively. Pure.
 */
public final class TlsHosts {

  private final List<V1IngressTLS> entries;

  private TlsHosts(List<V1IngressTLS> entries) {
    this.entries = entries;
  }

  public static TlsHosts of(List<V1IngressTLS> tls) {
    return new TlsHosts(tls == null ? List.of() : List.copyOf(tls));
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * @return the entry covering the host; its {@code secretName} may still be empty
   */
  public Optional<V1IngressTLS> entryFor(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    Optional<V1IngressTLS> exact = first(entry -> hosts(entry).contains(name));
    if (exact.isPresent()) {
      return exact;
    }
    Optional<V1IngressTLS> wildcard =
        first(entry -> hosts(entry).stream().anyMatch(pattern -> wildcardCovers(pattern, name)));
    return wildcard.isPresent() ? wildcard : first(entry -> hosts(entry).isEmpty());
  }

  static boolean wildcardCovers(String pattern, String host) {
    if (!pattern.startsWith("*.")) {
      return false;
    }
    String suffix = pattern.substring(1); // ".example.com"
    if (!host.endsWith(suffix)) {
      return false;
    }
    String label = host.substring(0, host.length() - suffix.length());
    return !label.isEmpty() && !label.contains(".");
  }

  private Optional<V1IngressTLS> first(java.util.function.Predicate<V1IngressTLS> test) {
    return entries.stream().filter(test).findFirst();
  }

  private static List<String> hosts(V1IngressTLS entry) {
    return entry.getHosts() == null
        ? List.of()
        : entry.getHosts().stream()
            .filter(h -> h != null && !h.isBlank())
            .map(h -> h.trim().toLowerCase(Locale.ROOT))
            .toList();
  }
}
