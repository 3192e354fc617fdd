package io.clbdirect.core.tkeconfig;

import static io.clbdirect.core.tkeconfig.Examples.withLoadBalancer;
import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.core.tkeconfig.ClbSettings.Scheduler;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TkeServiceConfigSpecTest {

  private static final String VIP = "10.0.0.8";

  /** Each entry's scheduler says which entry matched. */
  private static final TkeServiceConfigSpec SPEC =
      TkeServiceConfigParser.parse(
              withLoadBalancer(
                  """
                  {"l4Listeners": [{"protocol": "TCP", "port": 80, "scheduler": "WRR"},
                                   {"protocol": "UDP", "port": 80, "scheduler": "LEAST_CONN"}],
                   "l7Listeners": [
                     {"protocol": "HTTP", "port": 80, "domains": [
                       {"domain": "shop.example.com", "rules": [{"url": "/api", "scheduler": "WRR"}]},
                       {"domain": "", "rules": [{"url": "/", "scheduler": "LEAST_CONN"},
                                                {"url": "/both", "scheduler": "LEAST_CONN"}]},
                       {"domain": "10.0.0.8", "rules": [{"url": "/both", "scheduler": "IP_HASH"}]}]},
                     {"protocol": "HTTPS", "port": 443, "domains": [
                       {"domain": "shop.example.com", "rules": [{"url": "/api", "scheduler": "IP_HASH"}]}]}]}
                  """))
          .spec();

  private static Optional<Scheduler> l4(String protocol, int port) {
    return SPEC.settingsForL4Listener(protocol, port).map(ClbSettings::scheduler);
  }

  private static Optional<Scheduler> l7(
      String protocol, int port, String domain, String url, String vip) {
    return SPEC.settingsForL7Rule(protocol, port, domain, url, vip).map(ClbSettings::scheduler);
  }

  @Test
  void l4ListenersMatchByProtocolAndPort() {
    assertThat(l4("TCP", 80)).contains(Scheduler.WRR);
    assertThat(l4("UDP", 80)).contains(Scheduler.LEAST_CONN);
    assertThat(l4("tcp", 80)).as("the CLB's protocol names, any case").contains(Scheduler.WRR);
    assertThat(l4("TCP", 81)).isEmpty();
    assertThat(l4("TCP_SSL", 80)).as("a protocol a config cannot name").isEmpty();
    assertThat(l4("HTTP", 80)).as("an L7 listener is not an L4 one").isEmpty();
    assertThat(l4(null, 80)).isEmpty();
  }

  @Test
  void l7RulesMatchByListenerDomainAndUrl() {
    assertThat(l7("HTTP", 80, "shop.example.com", "/api", VIP)).contains(Scheduler.WRR);
    assertThat(l7("HTTPS", 443, "shop.example.com", "/api", VIP)).contains(Scheduler.IP_HASH);
    assertThat(l7("https", 443, "Shop.Example.COM", "/api", VIP))
        .as("protocol and host name in any case")
        .contains(Scheduler.IP_HASH);
    assertThat(l7("HTTP", 80, "shop.example.com", "/API", VIP))
        .as("URLs are case-sensitive")
        .isEmpty();
    assertThat(l7("HTTP", 80, "shop.example.com", "/api/", VIP)).as("URLs match exactly").isEmpty();
    assertThat(l7("HTTP", 80, "other.example.com", "/api", VIP)).isEmpty();
    assertThat(l7("HTTP", 8080, "shop.example.com", "/api", VIP)).isEmpty();
    assertThat(l7("HTTPS", 80, "shop.example.com", "/api", VIP)).isEmpty();
    assertThat(l7("TCP", 80, "shop.example.com", "/api", VIP)).isEmpty();
  }

  @Test
  void anEmptyDomainIsTheVipWhichHostlessIngressRulesUse() {
    assertThat(l7("HTTP", 80, VIP, "/", VIP)).contains(Scheduler.LEAST_CONN);
    assertThat(l7("HTTP", 80, "", "/", VIP))
        .as("also a rule literally without domain")
        .contains(Scheduler.LEAST_CONN);
    assertThat(l7("HTTP", 80, "10.0.0.9", "/", VIP)).as("another load balancer's VIP").isEmpty();
    assertThat(l7("HTTP", 80, "shop.example.com", "/", VIP)).as("not a wildcard").isEmpty();
    assertThat(l7("HTTP", 80, VIP, "/", null)).as("no VIP known yet").isEmpty();
  }

  @Test
  void anEntryNamingTheVipLiterallyWinsOverTheEmptyDomain() {
    assertThat(l7("HTTP", 80, VIP, "/both", VIP)).contains(Scheduler.IP_HASH);
  }
}
