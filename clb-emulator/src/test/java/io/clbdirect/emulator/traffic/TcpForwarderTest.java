package io.clbdirect.emulator.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.HealthCheckConfig;
import io.clbdirect.emulator.model.HealthStatus;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.Target;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TcpForwarderTest {

  /** An unusual loopback address, so the VIP cannot clash with services on 127.0.0.1. */
  private static final String VIP = "127.93.0.1";

  private static final String LISTENER_ID = "lbl-tcp";

  private final ClbState state = new ClbState(Clock.systemUTC());
  private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
  private TcpForwarder forwarder;
  private LoadBalancer loadBalancer;
  private int vipPort;

  @BeforeEach
  void startForwarderOnARunningLoadBalancer() throws IOException {
    vipPort = freePort(VIP);
    loadBalancer = new LoadBalancer("lb-1", "test", "OPEN", VIP, Instant.now(), Map.of(), null);
    loadBalancer.setStatus(1);
    state.locked(() -> state.loadBalancers().put(loadBalancer.loadBalancerId(), loadBalancer));
    forwarder = closeLater(new TcpForwarder(state));
    forwarder.start();
  }

  @AfterEach
  void closeEverything() throws Exception {
    Exception first = null;
    while (!cleanup.isEmpty()) {
      try {
        cleanup.pop().close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Test
  void weightsThreeToOneSplitConnectionsExactlyThreeToOne() throws IOException {
    BackendServer a = closeLater(BackendServer.start("a"));
    BackendServer b = closeLater(BackendServer.start("b"));
    addTcpListener(vipPort, target(a, 3, HealthStatus.Alive), target(b, 1, HealthStatus.Alive));

    Map<String, Long> reached = connectMany(40);

    assertThat(reached).containsExactlyInAnyOrderEntriesOf(Map.of("a", 30L, "b", 10L));
    assertThat(forwarder.forwarded(LISTENER_ID)).isEqualTo(40);
    assertThat(forwarder.refused(LISTENER_ID)).isZero();
  }

  @Test
  void onlyHealthyTargetsWithWeightGetConnections() throws IOException {
    BackendServer alive = closeLater(BackendServer.start("alive"));
    BackendServer dead = closeLater(BackendServer.start("dead"));
    BackendServer zeroWeight = closeLater(BackendServer.start("zero-weight"));
    BackendServer unknown = closeLater(BackendServer.start("unknown"));
    BackendServer checkOff = closeLater(BackendServer.start("check-off"));
    addTcpListener(
        vipPort,
        target(alive, 1, HealthStatus.Alive),
        target(dead, 10, HealthStatus.Dead),
        target(zeroWeight, 0, HealthStatus.Alive),
        target(unknown, 10, HealthStatus.Unknown),
        target(checkOff, 1, HealthStatus.Close));

    Map<String, Long> reached = connectMany(20);

    assertThat(reached).containsExactlyInAnyOrderEntriesOf(Map.of("alive", 10L, "check-off", 10L));
  }

  @Test
  void bytesFlowBothWaysAndAHalfCloseTravelsThrough() throws IOException {
    BackendServer a = closeLater(BackendServer.start("a"));
    addTcpListener(vipPort, target(a, 1, HealthStatus.Alive));

    try (Socket client = connectToVip()) {
      client.getOutputStream().write("hello\nworld\n".getBytes(StandardCharsets.UTF_8));
      client.shutdownOutput();

      // The backend echoes until it sees our EOF, then closes: all of it arrives only if the
      // half-close got through.
      assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("a\nhello\nworld\n");
    }
  }

  @Test
  void withNoEligibleTargetTheClientIsClosedAtOnce() throws IOException {
    BackendServer dead = closeLater(BackendServer.start("dead"));
    addTcpListener(vipPort, target(dead, 1, HealthStatus.Dead));

    try (Socket client = connectToVip()) {
      assertClosedByPeer(client);
    }
    assertThat(forwarder.refused(LISTENER_ID)).isEqualTo(1);
    assertThat(forwarder.forwarded(LISTENER_ID)).isZero();
  }

  @Test
  void aBackendThatRefusesGetsTheClientClosedAtOnce() throws IOException {
    int closedPort = freePort("127.0.0.1");
    addTcpListener(vipPort, new Target("127.0.0.1", null, closedPort, 1, null, Instant.now()));
    setHealth(HealthStatus.Alive);

    try (Socket client = connectToVip()) {
      assertClosedByPeer(client);
    }
    assertThat(forwarder.refused(LISTENER_ID)).isEqualTo(1);
  }

  @Test
  void aTargetTurningDeadGetsNoNewConnectionsButKeepsItsOpenOnes() throws IOException {
    BackendServer a = closeLater(BackendServer.start("a"));
    BackendServer b = closeLater(BackendServer.start("b"));
    Target targetA = target(a, 1, HealthStatus.Dead);
    Target targetB = target(b, 1, HealthStatus.Alive);
    addTcpListener(vipPort, targetA, targetB);

    try (Socket toB = connectToVip()) {
      BufferedReader fromB = reader(toB);
      assertThat(fromB.readLine()).isEqualTo("b");

      state.locked(
          () -> {
            targetA.setHealth(HealthStatus.Alive);
            targetB.setHealth(HealthStatus.Dead);
          });
      state.changed();

      assertThat(connectMany(4)).containsExactlyEntriesOf(Map.of("a", 4L));
      toB.getOutputStream().write("still here\n".getBytes(StandardCharsets.UTF_8));
      assertThat(fromB.readLine()).isEqualTo("still here");
    }
  }

  @Test
  void anInstanceIdTargetIsReachedThroughItsRegisteredAddress() throws IOException {
    BackendServer a = closeLater(BackendServer.start("a"));
    addTcpListener(vipPort, new Target(null, "ins-1", a.port(), 1, null, Instant.now()));
    setHealth(HealthStatus.Alive);

    try (Socket client = connectToVip()) {
      assertClosedByPeer(client);
    }

    state.registerInstanceAddress("ins-1", "127.0.0.1");
    assertThat(connectMany(2)).containsExactlyEntriesOf(Map.of("a", 2L));
  }

  @Test
  void removingTheListenerClosesTheVipPortAndItsConnections() throws IOException {
    BackendServer a = closeLater(BackendServer.start("a"));
    addTcpListener(vipPort, target(a, 1, HealthStatus.Alive));

    try (Socket open = connectToVip()) {
      assertThat(reader(open).readLine()).isEqualTo("a");

      state.locked(() -> loadBalancer.listeners().remove(LISTENER_ID));
      state.changed();

      assertThatThrownBy(this::connectToVip).isInstanceOf(ConnectException.class);
      assertClosedByPeer(open);
    }
  }

  @Test
  void aStoppedLoadBalancerAndUdpListenersAreNotServed() throws IOException {
    BackendServer a = closeLater(BackendServer.start("a"));
    int udpPort = freePort(VIP);
    // UDP listeners are accepted by the API but not forwarded: no TCP port opens for them.
    state.locked(
        () ->
            loadBalancer
                .listeners()
                .put(
                    "lbl-udp",
                    new Listener(
                        "lbl-udp",
                        "udp",
                        "UDP",
                        udpPort,
                        HealthCheckConfig.defaultsFor("UDP"),
                        "WRR",
                        Instant.now())));
    loadBalancer.setStatus(0);
    addTcpListener(vipPort, target(a, 1, HealthStatus.Alive));

    assertThatThrownBy(this::connectToVip).isInstanceOf(ConnectException.class);

    loadBalancer.setStatus(1);
    state.changed();

    assertThat(connectMany(1)).containsExactlyEntriesOf(Map.of("a", 1L));
    assertThatThrownBy(() -> connect(udpPort)).isInstanceOf(ConnectException.class);
  }

  @Test
  void reconcileIsIdempotent() throws IOException {
    BackendServer a = closeLater(BackendServer.start("a"));
    addTcpListener(vipPort, target(a, 1, HealthStatus.Alive));

    forwarder.reconcile();
    forwarder.reconcile();

    assertThat(connectMany(3)).containsExactlyEntriesOf(Map.of("a", 3L));
  }

  @Test
  void closeCutsOpenConnectionsAndFreesThePort() throws IOException {
    BackendServer a = closeLater(BackendServer.start("a"));
    addTcpListener(vipPort, target(a, 1, HealthStatus.Alive));

    try (Socket open = connectToVip()) {
      assertThat(reader(open).readLine()).isEqualTo("a");

      forwarder.close();

      assertClosedByPeer(open);
      assertThatThrownBy(this::connectToVip).isInstanceOf(ConnectException.class);
    }
  }

  private void addTcpListener(int port, Target... targets) {
    Listener listener =
        new Listener(
            LISTENER_ID,
            "tcp",
            "TCP",
            port,
            HealthCheckConfig.defaultsFor("TCP"),
            "WRR",
            Instant.now());
    for (Target target : targets) {
      listener.targets().put(target.key(), target);
    }
    state.locked(() -> loadBalancer.listeners().put(LISTENER_ID, listener));
    state.changed();
  }

  private void setHealth(HealthStatus health) {
    state.locked(
        () ->
            loadBalancer
                .listeners()
                .get(LISTENER_ID)
                .targets()
                .values()
                .forEach(t -> t.setHealth(health)));
  }

  private static Target target(BackendServer backend, int weight, HealthStatus health) {
    Target target = new Target("127.0.0.1", null, backend.port(), weight, null, Instant.now());
    target.setHealth(health);
    return target;
  }

  /** Opens {@code count} connections one after another and counts which backend greeted each. */
  private Map<String, Long> connectMany(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> greeting())
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  private String greeting() {
    try (Socket client = connectToVip()) {
      client.shutdownOutput();
      String greeting = reader(client).readLine();
      assertThat(greeting).as("backend greeting").isNotNull();
      return greeting;
    } catch (IOException e) {
      throw new AssertionError("connection through the VIP failed", e);
    }
  }

  private Socket connectToVip() throws IOException {
    return connect(vipPort);
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(InetAddress.getByName(VIP), port), 2_000);
      socket.setSoTimeout(3_000);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * The forwarder closed the connection: end of stream, or a reset if it closed with data unread.
   */
  private static void assertClosedByPeer(Socket socket) throws IOException {
    socket.setSoTimeout(2_000);
    try {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    } catch (SocketException reset) {
      assertThat(reset).hasMessageContaining("reset");
    }
  }

  private static BufferedReader reader(Socket socket) throws IOException {
    return new BufferedReader(
        new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
  }

  private static int freePort(String address) throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return probe.getLocalPort();
    }
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    cleanup.push(resource);
    return resource;
  }
}
