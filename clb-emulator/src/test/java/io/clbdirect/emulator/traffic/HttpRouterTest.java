package io.clbdirect.emulator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.HealthCheckConfig;
import io.clbdirect.emulator.model.HealthStatus;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.Rule;
import io.clbdirect.emulator.model.Target;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The L7 data path: host and longest path prefix pick the rule, health and weight pick the target.
 */
class HttpRouterTest {

  static final String VIP = "127.94.0.1";
  final ClbState state = new ClbState(Clock.systemUTC());
  final List<HttpServer> backends = new ArrayList<>();
  TcpForwarder forwarder;
  LoadBalancer lb;
  Rule api;
  Rule root;
  int port;

  int backend(String name) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
    server.createContext(
        "/",
        exchange -> {
          byte[] body =
              (name + " " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    backends.add(server);
    return server.getAddress().getPort();
  }

  Target target(int port, HealthStatus health, int weight) {
    Target target = new Target("127.0.0.1", null, port, weight, null, Instant.now());
    target.setHealth(health);
    return target;
  }

  @BeforeEach
  void start() throws IOException {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName(VIP))) {
      port = free.getLocalPort();
    }
    lb = new LoadBalancer("lb-l7", "l7", "OPEN", VIP, Instant.now(), Map.of(), null);
    lb.setStatus(1);
    Listener listener = new Listener("lbl-80", "http", "HTTP", port, null, "WRR", Instant.now());
    api =
        new Rule(
            "loc-api",
            "shop.example.com",
            "/api",
            HealthCheckConfig.defaultsFor("HTTP"),
            "WRR",
            Instant.now());
    root =
        new Rule(
            "loc-root",
            "shop.example.com",
            "/",
            HealthCheckConfig.defaultsFor("HTTP"),
            "WRR",
            Instant.now());
    listener.rules().put(api.locationId(), api);
    listener.rules().put(root.locationId(), root);
    lb.listeners().put(listener.listenerId(), listener);
    state.locked(() -> state.loadBalancers().put(lb.loadBalancerId(), lb));
    forwarder = new TcpForwarder(state);
    forwarder.start();
  }

  @AfterEach
  void stop() {
    forwarder.close();
    backends.forEach(server -> server.stop(0));
  }

  String get(String host, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(VIP, port), 2000);
      socket.setSoTimeout(3000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String status = response.lines().findFirst().orElse("");
      String body = response.substring(response.indexOf("\r\n\r\n") + 4).trim();
      return status.split(" ", 3)[1] + " " + body;
    }
  }

  @Test
  void longestPrefixOfTheMatchingHostWins() throws IOException {
    int apiServer = backend("api");
    int webServer = backend("web");
    state.locked(
        () -> {
          api.targets().put("a", target(apiServer, HealthStatus.Alive, 10));
          root.targets().put("w", target(webServer, HealthStatus.Alive, 10));
        });

    assertThat(get("shop.example.com", "/api/orders")).isEqualTo("200 api /api/orders");
    assertThat(get("SHOP.example.com:" + port, "/index.html")).isEqualTo("200 web /index.html");
    assertThat(get("other.example.com", "/api"))
        .startsWith("404 no rule of listener lbl-80 matches other.example.com/api");
  }

  @Test
  void onlyHealthyWeightedTargetsOfTheRuleServe() throws IOException {
    int alive = backend("alive");
    int dead = backend("dead");
    int drained = backend("drained");
    state.locked(
        () -> {
          api.targets().put("alive", target(alive, HealthStatus.Alive, 10));
          api.targets().put("dead", target(dead, HealthStatus.Dead, 10));
          api.targets().put("drained", target(drained, HealthStatus.Alive, 0));
        });
    Map<String, Integer> answers = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      answers.merge(get("shop.example.com", "/api"), 1, Integer::sum);
    }
    assertThat(answers).containsOnly(Map.entry("200 alive /api", 10));

    state.locked(() -> api.targets().remove("alive"));
    assertThat(get("shop.example.com", "/api"))
        .startsWith("503 no healthy target for rule loc-api");
  }

  @Test
  void aHostNoDomainMatchesFallsBackToTheDefaultDomainsRules() {
    Listener listener = new Listener("lbl-d", "http", "HTTP", 80, null, "WRR", Instant.now());
    Rule shop = new Rule("loc-s", "shop.example.com", "/shop", null, "WRR", Instant.now());
    Rule fallback = new Rule("loc-f", "127.94.0.1", "/", null, "WRR", Instant.now());
    Rule fallbackApi = new Rule("loc-fa", "127.94.0.1", "/api", null, "WRR", Instant.now());
    List.of(shop, fallback, fallbackApi)
        .forEach(rule -> listener.rules().put(rule.locationId(), rule));
    List<Rule> rules = List.copyOf(listener.rules().values());

    assertThat(HttpRouter.match(rules, "unknown.example.com", "/api/x"))
        .as("no default domain")
        .isNull();

    listener.setDefaultDomain("127.94.0.1");
    assertThat(HttpRouter.match(rules, "unknown.example.com", "/api/x")).isSameAs(fallbackApi);
    assertThat(HttpRouter.match(rules, null, "/x")).isSameAs(fallback);
    assertThat(HttpRouter.match(rules, "shop.example.com", "/shop/1")).isSameAs(shop);
    assertThat(HttpRouter.match(rules, "shop.example.com", "/api"))
        .as("a known host keeps to its own rules")
        .isNull();
  }

  @Test
  void wildcardDomainsMatchSubdomains() {
    Rule wildcard = new Rule("loc-w", "*.example.com", "/", null, "WRR", Instant.now());
    assertThat(HttpRouter.match(List.of(wildcard), "a.example.com", "/x")).isSameAs(wildcard);
    assertThat(HttpRouter.match(List.of(wildcard), "example.org", "/x")).isNull();
  }
}
