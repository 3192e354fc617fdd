package io.clbdirect.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1ExecAction;
import io.kubernetes.client.openapi.models.V1HTTPGetAction;
import io.kubernetes.client.openapi.models.V1HTTPHeader;
import io.kubernetes.client.openapi.models.V1Lifecycle;
import io.kubernetes.client.openapi.models.V1LifecycleHandler;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1SleepAction;
import io.kubernetes.client.openapi.models.V1TCPSocketAction;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's termination order, on a fake clock: hooks first, SIGTERM after each, within the
 * grace period.
 */
class TerminationTest {

  /** A clock that moves only when told. */
  static final class FakeTimer implements Termination.Timer {
    private record Due(long at, CompletableFuture<Void> future) {}

    private final List<Due> due = new ArrayList<>();
    private long now;

    @Override
    public synchronized CompletableFuture<Void> after(Duration d) {
      CompletableFuture<Void> future = new CompletableFuture<>();
      due.add(new Due(now + d.toMillis(), future));
      return future;
    }

    void advance(Duration d) {
      long until;
      synchronized (this) {
        until = now + d.toMillis();
      }
      while (true) {
        Due next = null;
        synchronized (this) {
          for (Due candidate : due) {
            if (candidate.at() <= until && (next == null || candidate.at() < next.at())) {
              next = candidate;
            }
          }
          if (next == null) {
            now = until;
            return;
          }
          due.remove(next);
          now = next.at();
        }
        next.future().complete(null);
      }
    }

    synchronized long now() {
      return now;
    }
  }

  record Sigterm(String container, long atMillis) {}

  final FakeTimer timer = new FakeTimer();
  final List<Sigterm> sigterms = new CopyOnWriteArrayList<>();
  final List<AutoCloseable> toClose = new ArrayList<>();
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  {
    logs.start();
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Termination.class)).addAppender(logs);
  }

  @AfterEach
  void closeAll() throws Exception {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Termination.class))
        .detachAppender(logs);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  Termination.Run start(
      List<Termination.Container> containers,
      Duration grace,
      Duration extra,
      Termination.HttpHook http) {
    return new Termination(timer, http)
        .start(
            "ns/p",
            containers,
            grace,
            extra,
            c -> sigterms.add(new Sigterm(c.name(), timer.now())));
  }

  Termination.Run start(List<Termination.Container> containers, Duration grace) {
    return start(
        containers,
        grace,
        Duration.ZERO,
        hook -> CompletableFuture.failedFuture(new AssertionError("no HTTP here")));
  }

  static Termination.Container container(String name, Termination.Hook hook) {
    return new Termination.Container(name, hook, List.of(8080));
  }

  static Termination.Hook sleep(long seconds) {
    return new Termination.Sleep(Duration.ofSeconds(seconds));
  }

  @Test
  void aContainerWithoutHookGetsSigtermAtOnce() {
    Termination.Run run =
        start(List.of(container("app", new Termination.NoHook())), Duration.ofSeconds(30));

    assertThat(sigterms).containsExactly(new Sigterm("app", 0));
    assertThat(run.done()).isDone();
    assertThat(run.outcomes()).containsEntry("app", Termination.Outcome.NO_HOOK);
  }

  @Test
  void sigtermWaitsForTheSleepHookToReturn() {
    Termination.Run run = start(List.of(container("app", sleep(5))), Duration.ofSeconds(30));

    timer.advance(Duration.ofMillis(4999));
    assertThat(sigterms).as("still in its preStop hook").isEmpty();
    timer.advance(Duration.ofMillis(1));
    assertThat(sigterms).containsExactly(new Sigterm("app", 5000));
    assertThat(run.done()).isDone();
    assertThat(run.outcomes()).containsEntry("app", Termination.Outcome.DONE);
  }

  @Test
  void containersRunTheirHooksConcurrentlyEachGettingSigtermAfterItsOwn() {
    Termination.Run run =
        start(
            List.of(
                container("slow", sleep(5)),
                container("quick", sleep(2)),
                container("plain", new Termination.NoHook())),
            Duration.ofSeconds(30));

    timer.advance(Duration.ofSeconds(10));
    assertThat(sigterms)
        .containsExactly(
            new Sigterm("plain", 0), new Sigterm("quick", 2000), new Sigterm("slow", 5000));
    assertThat(run.done()).isDone();
  }

  @Test
  void aHookStillRunningWhenTheGracePeriodExpiresIsCutOff() {
    Termination.Run run =
        start(
            List.of(container("app", sleep(60)), container("other", sleep(3))),
            Duration.ofSeconds(10));

    timer.advance(Duration.ofMillis(9999));
    assertThat(sigterms).containsExactly(new Sigterm("other", 3000));
    timer.advance(Duration.ofMillis(1));
    assertThat(sigterms).containsExactly(new Sigterm("other", 3000), new Sigterm("app", 10000));
    assertThat(run.outcomes())
        .containsEntry("app", Termination.Outcome.CUT_OFF)
        .containsEntry("other", Termination.Outcome.DONE);
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(
            m -> m.contains("container app: PreStop hook not completed in grace period (10 s)"));
  }

  @Test
  void withoutAGracePeriodNoHookRuns() {
    Termination.Run run = start(List.of(container("app", sleep(5))), Duration.ZERO);

    assertThat(sigterms).containsExactly(new Sigterm("app", 0));
    assertThat(run.outcomes()).containsEntry("app", Termination.Outcome.NO_HOOK);
  }

  @Test
  void execIsRefusedWithAWarningAndTreatedAsDone() {
    Termination.Run run =
        start(
            List.of(container("app", new Termination.Exec(List.of("sh", "-c", "sleep 10")))),
            Duration.ofSeconds(30));

    assertThat(sigterms).containsExactly(new Sigterm("app", 0));
    assertThat(run.outcomes()).containsEntry("app", Termination.Outcome.DONE);
    assertThat(logs.list)
        .filteredOn(e -> e.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(
            m ->
                m.contains(
                    "exec preStop hooks cannot run on the fake kubelet: no real containers; treated as done"));
  }

  @Test
  void aTcpSocketHookFailsAtOnceAsTheKubeletsInvalidHandler() {
    V1Container spec =
        new V1Container()
            .name("app")
            .lifecycle(
                new V1Lifecycle()
                    .preStop(
                        new V1LifecycleHandler()
                            .tcpSocket(new V1TCPSocketAction().port(new IntOrString(8080)))));
    Termination.Hook hook = Termination.hook(spec.getLifecycle().getPreStop(), spec, "127.0.0.1");
    assertThat(hook).isInstanceOf(Termination.Invalid.class);

    Termination.Run run = start(List.of(container("app", hook)), Duration.ofSeconds(30));
    assertThat(sigterms).containsExactly(new Sigterm("app", 0));
    assertThat(run.outcomes()).containsEntry("app", Termination.Outcome.FAILED);
  }

  @Test
  void theDeprecatedShutdownDelayIsOneMoreSleepBesideEachContainersHook() {
    Termination.Run run =
        start(
            List.of(
                container("short", sleep(1)),
                container("long", sleep(5)),
                container("plain", new Termination.NoHook())),
            Duration.ofSeconds(30),
            Duration.ofSeconds(3),
            hook -> null);

    timer.advance(Duration.ofSeconds(10));
    assertThat(sigterms)
        .containsExactly(
            new Sigterm("short", 3000), new Sigterm("plain", 3000), new Sigterm("long", 5000));
    assertThat(run.done()).isDone();
  }

  @Test
  void theShutdownDelayIsBoundedByTheGracePeriodToo() {
    start(
        List.of(container("app", new Termination.NoHook())),
        Duration.ofSeconds(2),
        Duration.ofSeconds(300),
        hook -> null);

    timer.advance(Duration.ofSeconds(10));
    assertThat(sigterms).containsExactly(new Sigterm("app", 2000));
  }

  @Test
  void abortEndsEveryHookNow() {
    Termination.Run run = start(List.of(container("app", sleep(300))), Duration.ofSeconds(600));
    timer.advance(Duration.ofSeconds(1));

    run.abort();
    assertThat(sigterms).containsExactly(new Sigterm("app", 1000));
    assertThat(run.outcomes()).containsEntry("app", Termination.Outcome.ABORTED);
  }

  @Test
  void theGracePeriodIsTheDeletionsThenTheSpecsThenTwoSeconds() {
    V1Pod pod = new V1Pod().metadata(new V1ObjectMeta()).spec(new V1PodSpec());
    assertThat(Termination.gracePeriod(pod)).isEqualTo(Duration.ofSeconds(2));
    pod.getSpec().setTerminationGracePeriodSeconds(30L);
    assertThat(Termination.gracePeriod(pod)).isEqualTo(Duration.ofSeconds(30));
    pod.getMetadata().setDeletionGracePeriodSeconds(5L);
    assertThat(Termination.gracePeriod(pod)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void portsResolveAsTheKubeletsResolveContainerPort() {
    V1Container c =
        new V1Container()
            .name("app")
            .addPortsItem(new V1ContainerPort().name("http").containerPort(8080));
    assertThat(Termination.resolvePort(new IntOrString(9090), c)).isEqualTo(9090);
    assertThat(Termination.resolvePort(new IntOrString("http"), c)).isEqualTo(8080);
    assertThat(Termination.resolvePort(new IntOrString("7070"), c)).isEqualTo(7070);
    assertThatThrownBy(() -> Termination.resolvePort(new IntOrString("admin"), c))
        .hasMessageContaining("couldn't find port: admin");
    assertThatThrownBy(() -> Termination.resolvePort(new IntOrString(0), c))
        .hasMessageContaining("invalid port number");
  }

  @Test
  void containersReadEachHookFromTheSpecAndAHostlessHttpGetGoesToThePodIp() {
    V1Pod pod =
        new V1Pod()
            .metadata(new V1ObjectMeta().name("p"))
            .spec(
                new V1PodSpec()
                    .addContainersItem(
                        new V1Container()
                            .name("web")
                            .addPortsItem(new V1ContainerPort().name("http").containerPort(8080))
                            .lifecycle(
                                new V1Lifecycle()
                                    .preStop(
                                        new V1LifecycleHandler()
                                            .httpGet(
                                                new V1HTTPGetAction()
                                                    .port(new IntOrString("http"))
                                                    .path("drain")
                                                    .addHttpHeadersItem(
                                                        new V1HTTPHeader()
                                                            .name("X-A")
                                                            .value("1"))))))
                    .addContainersItem(
                        new V1Container()
                            .name("side")
                            .lifecycle(
                                new V1Lifecycle()
                                    .preStop(
                                        new V1LifecycleHandler()
                                            .sleep(new V1SleepAction().seconds(7L)))))
                    .addContainersItem(
                        new V1Container()
                            .name("shell")
                            .lifecycle(
                                new V1Lifecycle()
                                    .preStop(
                                        new V1LifecycleHandler()
                                            .exec(new V1ExecAction().addCommandItem("true")))))
                    .addContainersItem(new V1Container().name("plain")));

    List<Termination.Container> containers = Termination.containers(pod, "127.2.0.9");
    assertThat(containers)
        .extracting(Termination.Container::hook)
        .containsExactly(
            new Termination.HttpGet(
                java.net.URI.create("http://127.2.0.9:8080/drain"), List.of(Map.entry("X-A", "1"))),
            new Termination.Sleep(Duration.ofSeconds(7)),
            new Termination.Exec(List.of("true")),
            new Termination.NoHook());
    assertThat(containers.get(0).ports()).containsExactly(8080);
  }

  // httpGet against a local server, with the real kubelet-like client.

  HttpServer server(com.sun.net.httpserver.HttpHandler handler) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", handler);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    toClose.add(() -> server.stop(0));
    return server;
  }

  static Termination.HttpGet get(String url, Map.Entry<String, String>... headers) {
    return new Termination.HttpGet(java.net.URI.create(url), List.of(headers));
  }

  static void awaitDone(Termination.Run run) throws Exception {
    run.done().get(10, TimeUnit.SECONDS);
  }

  @Test
  @SuppressWarnings("unchecked")
  void anHttpGetHookSendsOneRequestAndSigtermFollowsItsAnswer() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer server =
        server(
            exchange -> {
              seen.add(
                  exchange.getRequestURI().getPath()
                      + " UA="
                      + exchange.getRequestHeaders().getFirst("User-Agent")
                      + " X-A="
                      + exchange.getRequestHeaders().getFirst("X-A"));
              exchange.sendResponseHeaders(500, -1); // the kubelet does not look at the status
              exchange.close();
            });
    int port = server.getAddress().getPort();

    Termination.Run run =
        start(
            List.of(
                container(
                    "app", get("http://127.0.0.1:" + port + "/drain", Map.entry("X-A", "1")))),
            Duration.ofSeconds(30),
            Duration.ZERO,
            new LifecycleHttp());
    awaitDone(run);

    assertThat(seen).containsExactly("/drain UA=kube-lifecycle/1.34 X-A=1");
    assertThat(run.outcomes()).containsEntry("app", Termination.Outcome.DONE);
    assertThat(sigterms).extracting(Sigterm::container).containsExactly("app");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aFailedHttpGetIsLoggedAndTheContainerStoppedAnyway() throws Exception {
    int closed;
    try (ServerSocket socket =
        new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closed = socket.getLocalPort();
    }
    Termination.Run run =
        start(
            List.of(container("app", get("http://127.0.0.1:" + closed + "/drain"))),
            Duration.ofSeconds(30),
            Duration.ZERO,
            new LifecycleHttp());
    awaitDone(run);

    assertThat(run.outcomes()).containsEntry("app", Termination.Outcome.FAILED);
    assertThat(sigterms).extracting(Sigterm::container).containsExactly("app");
    assertThat(logs.list)
        .filteredOn(e -> e.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(
            m -> m.contains("HTTP lifecycle hook (http://127.0.0.1:" + closed + "/drain) failed"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void anHttpGetThatNeverAnswersIsCutOffByTheGracePeriodOnly() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HttpServer server =
        server(
            exchange -> {
              arrived.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              exchange.close();
            });
    toClose.add(0, release::countDown);
    Termination.Run run =
        start(
            List.of(
                container(
                    "app", get("http://127.0.0.1:" + server.getAddress().getPort() + "/slow"))),
            Duration.ofSeconds(30),
            Duration.ZERO,
            new LifecycleHttp());
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

    Thread.sleep(300);
    timer.advance(Duration.ofMillis(29999));
    assertThat(sigterms)
        .as("no timeout of its own: the request waits for as long as the grace period")
        .isEmpty();
    timer.advance(Duration.ofMillis(1));
    awaitDone(run);
    assertThat(run.outcomes()).containsEntry("app", Termination.Outcome.CUT_OFF);
    assertThat(sigterms).containsExactly(new Sigterm("app", 30000));
  }

  /**
   * A plain HTTP server, which answers a TLS ClientHello with an HTTP 400 as Go's does: the
   * kubelet's "HTTPS request to lifecycle hook got HTTP response, retrying with HTTP".
   */
  @Test
  @SuppressWarnings("unchecked")
  void anHttpsHookAnsweredInPlainHttpIsRetriedOverHttpWithoutAuthorization() throws Exception {
    List<String> requests = new CopyOnWriteArrayList<>();
    ServerSocket listener = new ServerSocket(0, 4, java.net.InetAddress.getByName("127.0.0.1"));
    toClose.add(listener);
    Thread serving =
        new Thread(
            () -> {
              try {
                while (true) {
                  try (java.net.Socket socket = listener.accept()) {
                    var in = socket.getInputStream();
                    int first = in.read();
                    var out = socket.getOutputStream();
                    if (first == 0x16) {
                      requests.add("TLS ClientHello");
                      out.write("HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes());
                      out.flush();
                      continue;
                    }
                    var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in));
                    StringBuilder head = new StringBuilder().append((char) first);
                    for (String line = reader.readLine();
                        line != null && !line.isEmpty();
                        line = reader.readLine()) {
                      head.append(line).append('\n');
                    }
                    requests.add(
                        head.toString()
                            .lines()
                            .filter(
                                l ->
                                    l.startsWith("GET")
                                        || l.toLowerCase().startsWith("authorization"))
                            .reduce((a, b) -> a + " | " + b)
                            .orElse(""));
                    out.write(
                        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes());
                    out.flush();
                  }
                }
              } catch (java.io.IOException closed) {
                // the test is over
              }
            });
    serving.setDaemon(true);
    serving.start();

    Termination.Run run =
        start(
            List.of(
                container(
                    "app",
                    get(
                        "https://127.0.0.1:" + listener.getLocalPort() + "/drain",
                        Map.entry("Authorization", "Bearer x")))),
            Duration.ofSeconds(30),
            Duration.ZERO,
            new LifecycleHttp());
    awaitDone(run);

    assertThat(run.outcomes()).containsEntry("app", Termination.Outcome.DONE);
    assertThat(requests).containsExactly("TLS ClientHello", "GET /drain HTTP/1.1");
  }
}
