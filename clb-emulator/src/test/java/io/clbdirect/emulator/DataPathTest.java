package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersRequest;
import com.tencentcloudapi.clb.v20180317.models.ModifyListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.ModifyRuleRequest;
import com.tencentcloudapi.clb.v20180317.models.RegisterTargetsRequest;
import com.tencentcloudapi.clb.v20180317.models.RuleInput;
import com.tencentcloudapi.clb.v20180317.models.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Real traffic through a VIP, with real health checks deciding where it goes: only healthy targets
 * with weight above 0, and none to a target while it is Dead; session persistence per client IP;
 * the default domain for unknown hosts. Clients connect from several loopback addresses to be
 * several IPs.
 */
class DataPathTest extends EmulatorFixture {

  @Test
  void trafficFollowsHealthAndWeight() throws Exception {
    String lb = createLoadBalancer("traffic");
    CreateListenerRequest create = new CreateListenerRequest();
    create.setLoadBalancerId(lb);
    create.setProtocol("TCP");
    int vipPort;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      vipPort = free.getLocalPort();
    }
    create.setPorts(new Long[] {(long) vipPort});
    create.setHealthCheck(tcpCheck());
    com.tencentcloudapi.clb.v20180317.models.CreateListenerResponse created =
        client.CreateListener(create);
    String listener = created.getListenerIds()[0];
    await(created.getRequestId());

    int a = backend("a", "127.0.0.1");
    ServerSocket b = new ServerSocket();
    b.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    int bPort = b.getLocalPort();
    backends.add(b);
    backendThreads.submit(() -> serve(b, "b"));

    RegisterTargetsRequest register = new RegisterTargetsRequest();
    register.setLoadBalancerId(lb);
    register.setListenerId(listener);
    register.setTargets(new Target[] {eni("127.0.0.1", a, 10L), eni("127.0.0.1", bPort, 10L)});
    await(client.RegisterTargets(register).getRequestId());
    awaitHealth(lb, "127.0.0.1", a, "Alive");
    awaitHealth(lb, "127.0.0.1", bPort, "Alive");

    DescribeLoadBalancersRequest describe = new DescribeLoadBalancersRequest();
    describe.setLoadBalancerIds(new String[] {lb});
    String vip =
        client.DescribeLoadBalancers(describe).getLoadBalancerSet()[0].getLoadBalancerVips()[0];

    Map<String, Integer> both = send(vip, vipPort, 40);
    assertThat(both).containsEntry("a", 20).containsEntry("b", 20);

    b.close();
    awaitHealth(lb, "127.0.0.1", bPort, "Dead");
    Map<String, Integer> onlyA = send(vip, vipPort, 40);
    assertThat(onlyA)
        .as("no connection reaches or fails on the Dead target")
        .containsOnly(Map.entry("a", 40));

    com.tencentcloudapi.clb.v20180317.models.ModifyTargetWeightRequest weight =
        new com.tencentcloudapi.clb.v20180317.models.ModifyTargetWeightRequest();
    weight.setLoadBalancerId(lb);
    weight.setListenerId(listener);
    weight.setTargets(new Target[] {eni("127.0.0.1", a, 0L)});
    await(client.ModifyTargetWeight(weight).getRequestId());
    Map<String, Integer> none = send(vip, vipPort, 10);
    assertThat(none)
        .as("weight 0 and Dead: every connection is closed at once")
        .containsOnly(Map.entry("refused", 10));
  }

  @Test
  void sessionPersistenceKeepsAClientIpOnItsTargetWhileItStaysEligible() throws Exception {
    String lb = createLoadBalancer("sticky");
    String vip = vip(lb);
    int vipPort = freePort(vip);
    String listener = createListener(lb, "TCP", vipPort, tcpCheck());
    Map<String, ServerSocket> servers = new LinkedHashMap<>();
    List<Target> targets = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      ServerSocket server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      backends.add(server);
      backendThreads.submit(() -> serve(server, name));
      servers.put(name, server);
      targets.add(eni("127.0.0.1", server.getLocalPort(), 10L));
    }
    RegisterTargetsRequest register = new RegisterTargetsRequest();
    register.setLoadBalancerId(lb);
    register.setListenerId(listener);
    register.setTargets(targets.toArray(Target[]::new));
    assertThat(await(client.RegisterTargets(register).getRequestId())).isZero();
    for (ServerSocket server : servers.values()) {
      awaitHealth(lb, "127.0.0.1", server.getLocalPort(), "Alive");
    }
    assertThat(send(vip, vipPort, 10, "127.0.0.2"))
        .as("no persistence: round robin")
        .containsOnly(Map.entry("a", 5), Map.entry("b", 5));

    setSession(lb, listener, 30);
    Map<String, Integer> first = send(vip, vipPort, 10, "127.0.0.2");
    assertThat(first).as("one client IP, one target").hasSize(1).containsValue(10);
    String stuck = first.keySet().iterator().next();
    Map<String, Integer> second = send(vip, vipPort, 10, "127.0.0.3");
    assertThat(second)
        .as("another client IP is placed by round robin, then kept")
        .hasSize(1)
        .containsValue(10)
        .doesNotContainKey(stuck);

    servers.get(stuck).close();
    awaitHealth(lb, "127.0.0.1", servers.get(stuck).getLocalPort(), "Dead");
    assertThat(send(vip, vipPort, 5, "127.0.0.2"))
        .as("a Dead target loses its sessions")
        .doesNotContainKey(stuck)
        .containsValue(5)
        .hasSize(1);

    setSession(lb, listener, 0);
    assertThat(describeListener(lb, listener).getSessionExpireTime()).isZero();
  }

  private void setSession(String lb, String listener, long seconds) throws Exception {
    ModifyListenerRequest session = new ModifyListenerRequest();
    session.setLoadBalancerId(lb);
    session.setListenerId(listener);
    session.setSessionExpireTime(seconds);
    assertThat(await(client.ModifyListener(session).getRequestId())).isZero();
  }

  @Test
  void aHostNoRuleDomainMatchesGoesToTheDefaultDomain() throws Exception {
    String lb = createLoadBalancer("default-server");
    String vip = vip(lb);
    int vipPort = freePort(vip);
    String listener = createListener(lb, "HTTP", vipPort, null);
    List<String> seen = new CopyOnWriteArrayList<>();
    int shop = httpBackend("shop", seen);
    int fallback = httpBackend("fallback", seen);
    String shopRule = createRules(lb, listener, rule("shop.example.com", "/shop"))[0];
    registerOnRule(lb, listener, shopRule, shop);
    awaitHealth(lb, "127.0.0.1", shop, "Alive");
    assertThat(get(vip, vipPort, "other.example.com", "/x", "127.0.0.1"))
        .as("no default domain yet")
        .startsWith("404 ");

    RuleInput byVip = rule(vip, "/");
    byVip.setDefaultServer(true);
    String defaultRule = createRules(lb, listener, byVip)[0];
    registerOnRule(lb, listener, defaultRule, fallback);
    awaitHealth(lb, "127.0.0.1", fallback, "Alive");

    assertThat(get(vip, vipPort, "other.example.com", "/x", "127.0.0.1"))
        .isEqualTo("200 fallback /x");
    assertThat(get(vip, vipPort, vip + ":" + vipPort, "/y", "127.0.0.1"))
        .isEqualTo("200 fallback /y");
    assertThat(get(vip, vipPort, "shop.example.com", "/shop/cart", "127.0.0.1"))
        .isEqualTo("200 shop /shop/cart");
    assertThat(get(vip, vipPort, "shop.example.com", "/x", "127.0.0.1"))
        .as("a known host with no matching Url")
        .startsWith("404 ");
  }

  @Test
  void ruleSessionPersistenceKeepsAClientIpOnItsTarget() throws Exception {
    String lb = createLoadBalancer("sticky-rule");
    String vip = vip(lb);
    int vipPort = freePort(vip);
    String listener = createListener(lb, "HTTP", vipPort, null);
    List<String> seen = new CopyOnWriteArrayList<>();
    int a = httpBackend("a", seen);
    int b = httpBackend("b", seen);
    String location = createRules(lb, listener, rule("app.example.com", "/"))[0];
    registerOnRule(lb, listener, location, a, b);
    awaitHealth(lb, "127.0.0.1", a, "Alive");
    awaitHealth(lb, "127.0.0.1", b, "Alive");
    assertThat(getMany(vip, vipPort, 10, "127.0.0.2"))
        .containsOnly(Map.entry("200 a /", 5), Map.entry("200 b /", 5));

    ModifyRuleRequest session = new ModifyRuleRequest();
    session.setLoadBalancerId(lb);
    session.setListenerId(listener);
    session.setLocationId(location);
    session.setSessionExpireTime(600L);
    assertThat(await(client.ModifyRule(session).getRequestId())).isZero();

    assertThat(getMany(vip, vipPort, 10, "127.0.0.2")).hasSize(1).containsValue(10);
    assertThat(getMany(vip, vipPort, 10, "127.0.0.3")).hasSize(1).containsValue(10);
  }

  private void registerOnRule(String lb, String listener, String location, int... ports)
      throws Exception {
    RegisterTargetsRequest register = new RegisterTargetsRequest();
    register.setLoadBalancerId(lb);
    register.setListenerId(listener);
    register.setLocationId(location);
    register.setTargets(
        Arrays.stream(ports).mapToObj(port -> eni("127.0.0.1", port, 10L)).toArray(Target[]::new));
    assertThat(await(client.RegisterTargets(register).getRequestId())).isZero();
  }

  private static Map<String, Integer> getMany(String vip, int port, int n, String from)
      throws IOException {
    Map<String, Integer> answers = new HashMap<>();
    for (int i = 0; i < n; i++) {
      answers.merge(get(vip, port, "app.example.com", "/", from), 1, Integer::sum);
    }
    return answers;
  }

  /** One GET through the VIP from the loopback address {@code from}: "status body". */
  private static String get(String vip, int port, String host, String path, String from)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      socket.connect(new InetSocketAddress(vip, port), 2000);
      socket.setSoTimeout(3000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String status = response.lines().findFirst().orElse("");
      String body = response.substring(response.indexOf("\r\n\r\n") + 4).trim();
      return status.split(" ", 3)[1] + " " + body;
    }
  }

  private static int freePort(String address) throws IOException {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return free.getLocalPort();
    }
  }

  private static void serve(ServerSocket server, String name) {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        socket.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static Map<String, Integer> send(String vip, int port, int n) throws IOException {
    return send(vip, port, n, "127.0.0.1");
  }

  /**
   * Opens {@code n} short connections to the VIP from {@code from}; counts answers by backend name,
   * or "refused".
   */
  private static Map<String, Integer> send(String vip, int port, int n, String from)
      throws IOException {
    Map<String, Integer> answers = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String answer;
      try (Socket socket = new Socket()) {
        socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new InetSocketAddress(vip, port), 2000);
        socket.setSoTimeout(2000);
        InputStream in = socket.getInputStream();
        String line = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        answer = line.isEmpty() ? "refused" : line;
      } catch (IOException e) {
        answer = "refused";
      }
      answers.merge(answer, 1, Integer::sum);
    }
    return answers;
  }
}
