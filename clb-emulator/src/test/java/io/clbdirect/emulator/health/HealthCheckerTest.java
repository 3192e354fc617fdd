package io.clbdirect.emulator.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.HealthChange;
import io.clbdirect.emulator.model.HealthCheckConfig;
import io.clbdirect.emulator.model.HealthStatus;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.Rule;
import io.clbdirect.emulator.model.Target;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class HealthCheckerTest {

  /** 2 s configured becomes 100 ms, 4 s becomes 200 ms. */
  private static final double FAST = 0.05;

  /** Interval 100 ms, timeout 200 ms, two results in a row decide. */
  private static final HealthCheckConfig TCP =
      new HealthCheckConfig(true, 4, 2, 2, 2, "TCP", 31, "/", null, "GET", null);

  private static final HealthCheckConfig TCP_OFF =
      new HealthCheckConfig(false, 4, 2, 2, 2, "TCP", 31, "/", null, "GET", null);
  private static final Duration PATIENCE = Duration.ofSeconds(4);

  private final ClbState state = new ClbState(Clock.systemUTC());
  private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
  private LoadBalancer loadBalancer;

  @BeforeEach
  void runningLoadBalancer() {
    loadBalancer =
        new LoadBalancer("lb-1", "test", "OPEN", "127.0.0.1", Instant.now(), Map.of(), null);
    loadBalancer.setStatus(1);
    state.locked(() -> state.loadBalancers().put(loadBalancer.loadBalancerId(), loadBalancer));
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
  void aTcpTargetIsUnknownThenAliveThenDeadWhenItsServiceStopsAndAliveWhenItReturns()
      throws Exception {
    TcpAcceptor service = closeLater(TcpAcceptor.closingOn(0));
    int port = service.port();
    startChecker(FAST);
    Target target = addTarget(listener("lbl-1", TCP), "127.0.0.1", null, port);
    List<HealthStatus> seen = recordTransitions(target);

    awaitHealth(target, HealthStatus.Alive);
    service.close();
    awaitHealth(target, HealthStatus.Dead);
    closeLater(TcpAcceptor.closingOn(port));
    awaitHealth(target, HealthStatus.Alive);

    assertThat(seen)
        .containsExactly(
            HealthStatus.Unknown, HealthStatus.Alive, HealthStatus.Dead, HealthStatus.Alive);
  }

  @Test
  void anHttpCheckPassesOnlyForAcceptedStatusClassesAndSendsTheConfiguredRequest()
      throws Exception {
    AtomicReference<String> request = new AtomicReference<>();
    int ok = httpServer(200, request);
    int unavailable = httpServer(503, new AtomicReference<>());
    HealthCheckConfig http =
        new HealthCheckConfig(true, 4, 2, 2, 2, "HTTP", 2, "/healthz", "app.example", "HEAD", null);
    Listener listener = listener("lbl-1", http);
    startChecker(FAST);

    Target healthy = addTarget(listener, "127.0.0.1", null, ok);
    Target failing = addTarget(listener, "127.0.0.1", null, unavailable);

    awaitHealth(healthy, HealthStatus.Alive);
    awaitHealth(failing, HealthStatus.Dead);
    assertThat(request.get()).isEqualTo("HEAD /healthz Host=app.example");
  }

  @Test
  void anHttpCheckWithoutAnAnswerWithinTheTimeoutFails() throws Exception {
    TcpAcceptor hanging = closeLater(TcpAcceptor.silent());
    HealthCheckConfig http =
        new HealthCheckConfig(true, 4, 2, 2, 2, "HTTP", 31, "/", null, "GET", null);
    startChecker(FAST);

    Target target = addTarget(listener("lbl-1", http), "127.0.0.1", null, hanging.port());

    awaitHealth(target, HealthStatus.Dead);
    assertThat(hanging.accepted()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aDisabledCheckMeansCloseWithoutProbingAndSwitchingItOnStartsOverAtUnknown()
      throws Exception {
    TcpAcceptor service = closeLater(TcpAcceptor.closingOn(0));
    Listener listener = listener("lbl-1", TCP_OFF);
    startChecker(FAST);
    Target target = addTarget(listener, "127.0.0.1", null, service.port());
    List<HealthStatus> seen = recordTransitions(target);

    awaitHealth(target, HealthStatus.Close);
    Thread.sleep(300); // three intervals in which a running check would have probed
    assertThat(service.accepted()).isZero();

    listener.setHealthCheck(TCP);
    state.changed();
    awaitHealth(target, HealthStatus.Alive);

    assertThat(seen)
        .containsExactly(
            HealthStatus.Unknown, HealthStatus.Close, HealthStatus.Unknown, HealthStatus.Alive);
  }

  @Test
  void aModifiedCheckIsInForceAtTheNextProbeWhichRunsAtOnce() throws Exception {
    TcpAcceptor service = closeLater(TcpAcceptor.closingOn(0));
    TcpAcceptor checkPort = closeLater(TcpAcceptor.closingOn(0));
    // Real time: after the first probe the next one is 300 s away.
    HealthCheckConfig slow =
        new HealthCheckConfig(true, 2, 300, 2, 2, "TCP", 31, "/", null, "GET", null);
    startChecker(1.0);
    Listener listener = listener("lbl-1", slow);
    addTarget(listener, "127.0.0.1", null, service.port());
    awaitCondition("the first probe", () -> service.accepted() == 1);

    listener.setHealthCheck(
        new HealthCheckConfig(true, 2, 300, 2, 2, "TCP", 31, "/", null, "GET", checkPort.port()));

    awaitCondition("a probe of the new CheckPort", () -> checkPort.accepted() == 1);
    assertThat(service.accepted()).isEqualTo(1);
  }

  @Test
  void aTargetKeepsItsStatusWhenItsCheckChangesAndMovesOnByTheUsualCounting() throws Exception {
    TcpAcceptor service = closeLater(TcpAcceptor.closingOn(0));
    Listener listener = listener("lbl-1", TCP);
    startChecker(FAST);
    Target target = addTarget(listener, "127.0.0.1", null, service.port());
    List<HealthStatus> seen = recordTransitions(target);
    awaitHealth(target, HealthStatus.Alive);

    listener.setHealthCheck(
        new HealthCheckConfig(true, 4, 2, 3, 3, "TCP", 31, "/", null, "GET", null));
    state.changed();
    Thread.sleep(300); // three intervals: a reset would have shown Unknown until three passes
    assertThat(target.health()).isEqualTo(HealthStatus.Alive);

    listener.setHealthCheck(
        new HealthCheckConfig(true, 4, 2, 3, 3, "TCP", 31, "/", null, "GET", freePort()));
    awaitHealth(target, HealthStatus.Dead);

    assertThat(seen).containsExactly(HealthStatus.Unknown, HealthStatus.Alive, HealthStatus.Dead);
  }

  @Test
  void theResultOfAProbeRunWithASupersededCheckIsDropped() throws Exception {
    TcpAcceptor hanging = closeLater(TcpAcceptor.silent());
    TcpAcceptor service = closeLater(TcpAcceptor.closingOn(0));
    // At this scale the old check's probe hangs 1 s for a status line; the new check probes every
    // 0.5 s.
    HealthCheckConfig old =
        new HealthCheckConfig(true, 4, 300, 2, 2, "HTTP", 31, "/", null, "GET", null);
    HealthCheckConfig current =
        new HealthCheckConfig(true, 1, 2, 2, 2, "TCP", 31, "/", null, "GET", service.port());
    Listener listener = listener("lbl-1", old);
    Target target = new Target("127.0.0.1", null, hanging.port(), 10, null, Instant.now());
    // One failure so far: one more under the old check would make it Dead.
    target.record(false, old);
    state.locked(() -> listener.targets().put(target.key(), target));
    List<HealthStatus> seen = recordTransitions(target);
    startChecker(0.25);
    awaitCondition("the old check's probe is under way", () -> hanging.accepted() == 1);

    listener.setHealthCheck(current);
    awaitHealth(target, HealthStatus.Alive);

    assertThat(seen)
        .as("the old probe's failure did not count")
        .containsExactly(HealthStatus.Unknown, HealthStatus.Alive);
  }

  @Test
  void aTargetWithoutAnyCheckIsClose() {
    startChecker(FAST);

    Target target = addTarget(listener("lbl-1", null), "127.0.0.1", null, 1);

    awaitHealth(target, HealthStatus.Close);
  }

  @Test
  void theCheckPortIsProbedInsteadOfTheTargetPort() throws Exception {
    TcpAcceptor service = closeLater(TcpAcceptor.closingOn(0));
    HealthCheckConfig onCheckPort =
        new HealthCheckConfig(true, 4, 2, 2, 2, "TCP", 31, "/", null, "GET", service.port());
    startChecker(FAST);

    Target target = addTarget(listener("lbl-1", onCheckPort), "127.0.0.1", null, freePort());

    awaitHealth(target, HealthStatus.Alive);
  }

  @Test
  void anInstanceIdTargetFailsUntilItsAddressIsRegistered() throws Exception {
    TcpAcceptor service = closeLater(TcpAcceptor.closingOn(0));
    startChecker(FAST);

    Target target = addTarget(listener("lbl-1", TCP), null, "ins-1", service.port());
    awaitHealth(target, HealthStatus.Dead);
    assertThat(service.accepted()).isZero();

    state.registerInstanceAddress("ins-1", "127.0.0.1");
    awaitHealth(target, HealthStatus.Alive);
  }

  @Test
  void aTargetOutsideLoopbackIsNeverContactedAndFails() {
    startChecker(FAST);

    Target target = addTarget(listener("lbl-1", TCP), "10.0.0.7", null, 80);

    awaitHealth(target, HealthStatus.Dead);
  }

  @Test
  void ruleTargetsFollowTheRuleCheck() throws Exception {
    int ok = httpServer(204, new AtomicReference<>());
    Listener https = listener("lbl-https", null);
    Rule rule =
        new Rule(
            "loc-1",
            "app.example",
            "/",
            new HealthCheckConfig(true, 4, 2, 2, 2, "HTTP", 2, "/", null, "GET", null),
            "WRR",
            Instant.now());
    state.locked(() -> https.rules().put(rule.locationId(), rule));
    startChecker(FAST);

    Target target = new Target("127.0.0.1", null, ok, 10, null, Instant.now());
    state.locked(() -> rule.targets().put(target.key(), target));
    state.changed();

    awaitHealth(target, HealthStatus.Alive);
  }

  @Test
  void closeCutsAProbeWaitingOutItsTimeoutAndDropsItsResult() throws Exception {
    TcpAcceptor hanging = closeLater(TcpAcceptor.silent());
    // Real time: this probe would wait 30 s for a status line.
    HealthCheckConfig slow =
        new HealthCheckConfig(true, 30, 5, 2, 2, "HTTP", 31, "/", null, "GET", null);
    HealthChecker checker = startChecker(1.0);
    Target target = addTarget(listener("lbl-1", slow), "127.0.0.1", null, hanging.port());
    awaitCondition("the probe connected", () -> hanging.accepted() == 1);

    long started = System.nanoTime();
    checker.close();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    assertThat(target.health()).isEqualTo(HealthStatus.Unknown);
  }

  @Test
  void nothingIsProbedAfterClose() throws Exception {
    TcpAcceptor service = closeLater(TcpAcceptor.closingOn(0));
    HealthChecker checker = startChecker(FAST);
    Target target = addTarget(listener("lbl-1", TCP), "127.0.0.1", null, service.port());
    awaitHealth(target, HealthStatus.Alive);

    checker.close();
    // The acceptor counts a connection when its thread accepts it, which can trail the probe's
    // connect.
    Thread.sleep(200);
    int probesSoFar = service.accepted();
    Thread.sleep(300); // three intervals in which a running checker would have probed

    assertThat(service.accepted()).isEqualTo(probesSoFar);
  }

  @Test
  void reportsEachStatusChangeWithWhereItHappenedAndWhen() throws Exception {
    TcpAcceptor service = closeLater(TcpAcceptor.closingOn(0));
    List<HealthChange> changes = new CopyOnWriteArrayList<>();
    state.addHealthListener(changes::add);
    startChecker(FAST);
    Instant before = Instant.now();
    Target target = addTarget(listener("lbl-1", TCP), "127.0.0.1", null, service.port());

    awaitHealth(target, HealthStatus.Alive);
    // The status is set under the lock; listeners hear of it just after.
    awaitCondition("the change reported", () -> !changes.isEmpty());

    assertThat(changes)
        .singleElement()
        .satisfies(
            change -> {
              assertThat(change.loadBalancerId()).isEqualTo("lb-1");
              assertThat(change.listenerId()).isEqualTo("lbl-1");
              assertThat(change.locationId()).isNull();
              assertThat(change.address()).isEqualTo("127.0.0.1");
              assertThat(change.port()).isEqualTo(service.port());
              assertThat(change.from()).isEqualTo(HealthStatus.Unknown);
              assertThat(change.to()).isEqualTo(HealthStatus.Alive);
              assertThat(change.at()).isBetween(before, Instant.now());
            });
  }

  @Test
  void forcedHealthMakesATargetWithNothingListeningAliveByTheCheckCounts() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    HealthChecker checker = closeLater(new HealthChecker(state, FAST, true));
    checker.start();
    Target target = addTarget(listener("lbl-1", TCP), "127.0.0.1", null, closedPort);

    awaitHealth(target, HealthStatus.Alive);

    assertThat(target.consecutiveSuccesses()).isGreaterThanOrEqualTo(TCP.healthNum());
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -0.5, 10.01, Double.NaN, Double.POSITIVE_INFINITY})
  void rejectsATimeScaleOutsideZeroToTen(double timeScale) {
    assertThatThrownBy(() -> new HealthChecker(state, timeScale))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeScale");
  }

  @Test
  void scalesConfiguredSecondsButNeverToZero() {
    try (HealthChecker checker = new HealthChecker(state, 0.1);
        HealthChecker slow = new HealthChecker(state, 10)) {
      assertThat(checker.scaled(5)).isEqualTo(Duration.ofMillis(500));
      assertThat(checker.scaled(0)).isEqualTo(Duration.ofMillis(1));
      assertThat(slow.scaled(2)).isEqualTo(Duration.ofSeconds(20));
    }
  }

  private HealthChecker startChecker(double timeScale) {
    HealthChecker checker = closeLater(new HealthChecker(state, timeScale));
    checker.start();
    return checker;
  }

  private Listener listener(String id, HealthCheckConfig check) {
    Listener listener =
        new Listener(
            id,
            id,
            check != null && check.http() ? "HTTP" : "TCP",
            80,
            check,
            "WRR",
            Instant.now());
    state.locked(() -> loadBalancer.listeners().put(id, listener));
    return listener;
  }

  private Target addTarget(Listener listener, String eniIp, String instanceId, int port) {
    Target target = new Target(eniIp, instanceId, port, 10, null, Instant.now());
    state.locked(() -> listener.targets().put(target.key(), target));
    state.changed();
    return target;
  }

  /**
   * Every distinct status the target passes through, starting with the current one, as the checker
   * announces changes.
   */
  private List<HealthStatus> recordTransitions(Target target) {
    List<HealthStatus> seen = new CopyOnWriteArrayList<>(List.of(target.health()));
    state.addChangeListener(
        () -> {
          HealthStatus now = target.health();
          if (seen.get(seen.size() - 1) != now) {
            seen.add(now);
          }
        });
    return seen;
  }

  private void awaitHealth(Target target, HealthStatus expected) {
    awaitCondition(
        target.key() + " " + expected + " (is " + target.health() + ")",
        () -> target.health() == expected);
  }

  private static void awaitCondition(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  /**
   * An HTTP server on 127.0.0.1 answering every request with {@code status}; records the last
   * request.
   */
  private int httpServer(int status, AtomicReference<String> lastRequest) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          lastRequest.set(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI()
                  + " Host="
                  + exchange.getRequestHeaders().getFirst("Host"));
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
    closeLater(() -> server.stop(0));
    return server.getAddress().getPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return probe.getLocalPort();
    }
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    cleanup.push(resource);
    return resource;
  }
}
