package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1IngressTLS;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsHostsTest {

  private static V1IngressTLS tls(String secret, String... hosts) {
    V1IngressTLS entry = new V1IngressTLS().secretName(secret);
    for (String host : hosts) {
      entry.addHostsItem(host);
    }
    return entry;
  }

  private static String secretFor(TlsHosts hosts, String host) {
    return hosts.entryFor(host).map(V1IngressTLS::getSecretName).orElse(null);
  }

  @Test
  void anExactHostBeatsAWildcardWhichBeatsAnEntryWithoutHosts() {
    TlsHosts hosts =
        TlsHosts.of(
            List.of(
                tls("catch-all"), tls("wildcard", "*.example.com"), tls("api", "API.example.com")));

    assertThat(secretFor(hosts, "api.example.com")).as("case-insensitive").isEqualTo("api");
    assertThat(secretFor(hosts, "web.example.com")).isEqualTo("wildcard");
    assertThat(secretFor(hosts, "a.b.example.com"))
        .as("a wildcard covers one label only, as in TLS")
        .isEqualTo("catch-all");
    assertThat(secretFor(hosts, "example.com")).isEqualTo("catch-all");
  }

  @Test
  void withoutACatchAllAnUncoveredHostHasNoEntryAndTheFirstOfEqualsWins() {
    TlsHosts hosts =
        TlsHosts.of(List.of(tls("first", "shop.example.com"), tls("second", "shop.example.com")));

    assertThat(secretFor(hosts, "shop.example.com")).isEqualTo("first");
    assertThat(hosts.entryFor("other.example.com")).isEmpty();
    assertThat(TlsHosts.of(null).isEmpty()).isTrue();
  }
}
