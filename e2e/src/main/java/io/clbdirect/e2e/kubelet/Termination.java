package io.clbdirect.e2e.kubelet;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1HTTPGetAction;
import io.kubernetes.client.openapi.models.V1HTTPHeader;
import io.kubernetes.client.openapi.models.V1LifecycleHandler;
import io.kubernetes.client.openapi.models.V1Pod;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a kubelet stops a Pod's containers on a graceful deletion, for fake containers whose only
 * behaviour is their listeners. Mirrors kubelet's {@code kuberuntime} {@code killContainer} /
 * {@code executePreStopHook} and {@code lifecycle/handlers.go}:
 *
 * <ul>
 *   <li>the grace period is the Pod's {@code metadata.deletionGracePeriodSeconds}, else {@code
 *       spec.terminationGracePeriodSeconds}, else 2 s ({@code setTerminationGracePeriod});
 *   <li>every container is stopped concurrently ({@code killContainersWithSyncResult});
 *   <li>a container with a {@code preStop} hook runs it first, if the grace period is above 0; the
 *       kubelet waits for it at most the grace period ({@code time.After(gracePeriod)}), then goes
 *       on whether the hook finished, failed (logged, a {@code FailedPreStopHook} event) or is
 *       still running;
 *   <li>then SIGTERM: the fake app exits at once, so that container's listeners close. The
 *       kubelet's stop window after SIGTERM, at least 2 s ({@code minimumGracePeriodInSeconds}), is
 *       therefore never used: a fake app never needs SIGKILL.
 * </ul>
 *
 * Hook actions: {@code sleep} waits; {@code httpGet} sends one GET (see {@link HttpHook}); {@code
 * exec} cannot run here (no real containers) and is treated as done, with a WARN; {@code tcpSocket}
 * is not a lifecycle handler the kubelet supports (deprecated, kept only for API compatibility):
 * its {@code Run} fails it as an invalid handler, so here too it fails at once.
 *
 * <p>Time and HTTP are injected so the order can be tested without a control plane.
 */
public final class Termination {

  private static final Logger log = LoggerFactory.getLogger(Termination.class);

  /**
   * The kubelet's fallback grace period when a Pod carries none ({@code
   * minimumGracePeriodInSeconds}).
   */
  static final Duration FALLBACK_GRACE = Duration.ofSeconds(2);

  static final String EXEC_REFUSED =
      "exec preStop hooks cannot run on the fake kubelet: no real containers; treated as done";

  /** A timer: completes {@code d} from now. */
  public interface Timer {
    CompletableFuture<Void> after(Duration d);
  }

  /** Sends one httpGet hook; completes with the response status, or exceptionally. */
  public interface HttpHook {
    CompletableFuture<Integer> get(HttpGet hook);
  }

  /** A container's preStop action, resolved against the Pod. */
  public sealed interface Hook permits NoHook, Sleep, HttpGet, Exec, Invalid {}

  public record NoHook() implements Hook {}

  public record Sleep(Duration duration) implements Hook {}

  /**
   * @param headers the hook's httpHeaders, in order
   */
  public record HttpGet(URI uri, List<Map.Entry<String, String>> headers) implements Hook {}

  public record Exec(List<String> command) implements Hook {}

  /** A handler the kubelet fails at once: tcpSocket, none set, or a port it cannot resolve. */
  public record Invalid(String reason) implements Hook {}

  /** One container to stop: its name, its hook, the TCP ports it listens on. */
  public record Container(String name, Hook hook, List<Integer> ports) {}

  /** How a container's hook ended, before its SIGTERM. */
  public enum Outcome {
    /** No preStop hook (or no grace period to run it in): SIGTERM at once. */
    NO_HOOK,
    /** The hook returned (an exec hook counts as returned at once). */
    DONE,
    /** The hook failed; the kubelet logs it and stops the container anyway. */
    FAILED,
    /** Still running when the grace period expired: abandoned. */
    CUT_OFF,
    /** {@link Run#abort()}: the test ended the termination early. */
    ABORTED
  }

  private final Timer timer;
  private final HttpHook http;

  public Termination(Timer timer, HttpHook http) {
    this.timer = timer;
    this.http = http;
  }

  /**
   * The grace period the kubelet uses for this Pod's containers ({@code
   * setTerminationGracePeriod}).
   */
  public static Duration gracePeriod(V1Pod pod) {
    Long deletion =
        pod.getMetadata() == null ? null : pod.getMetadata().getDeletionGracePeriodSeconds();
    if (deletion != null) {
      return Duration.ofSeconds(deletion);
    }
    Long spec = pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
    return spec != null ? Duration.ofSeconds(spec) : FALLBACK_GRACE;
  }

  /**
   * The Pod's containers, each with its resolved preStop hook; an httpGet without host goes to
   * {@code podIp}.
   */
  public static List<Container> containers(V1Pod pod, String podIp) {
    List<Container> containers = new ArrayList<>();
    for (V1Container container : pod.getSpec().getContainers()) {
      List<Integer> ports = new ArrayList<>();
      if (container.getPorts() != null) {
        for (V1ContainerPort port : container.getPorts()) {
          if (port.getProtocol() == null || "TCP".equals(port.getProtocol())) {
            ports.add(port.getContainerPort());
          }
        }
      }
      V1LifecycleHandler preStop =
          container.getLifecycle() == null ? null : container.getLifecycle().getPreStop();
      containers.add(
          new Container(container.getName(), hook(preStop, container, podIp), List.copyOf(ports)));
    }
    return containers;
  }

  static Hook hook(V1LifecycleHandler handler, V1Container container, String podIp) {
    if (handler == null) {
      return new NoHook();
    }
    // The kubelet's handlerRunner.Run checks exec, then httpGet, then sleep; anything else is
    // invalid.
    if (handler.getExec() != null) {
      List<String> command = handler.getExec().getCommand();
      return new Exec(command == null ? List.of() : List.copyOf(command));
    }
    if (handler.getHttpGet() != null) {
      return httpGet(handler.getHttpGet(), container, podIp);
    }
    if (handler.getSleep() != null) {
      Long seconds = handler.getSleep().getSeconds();
      return new Sleep(Duration.ofSeconds(seconds == null ? 0 : seconds));
    }
    if (handler.getTcpSocket() != null) {
      return new Invalid(
          "tcpSocket is not supported as a lifecycle handler (deprecated; the kubelet fails it)");
    }
    return new Invalid("invalid handler: no action set");
  }

  private static Hook httpGet(V1HTTPGetAction action, V1Container container, String podIp) {
    String host = action.getHost() == null || action.getHost().isEmpty() ? podIp : action.getHost();
    int port;
    try {
      port = resolvePort(action.getPort(), container);
    } catch (IllegalArgumentException e) {
      return new Invalid(e.getMessage());
    }
    String scheme =
        action.getScheme() == null || action.getScheme().isEmpty()
            ? "http"
            : action.getScheme().toLowerCase();
    String path = action.getPath() == null ? "" : action.getPath();
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    URI uri;
    try {
      uri = URI.create(scheme + "://" + hostPart + ":" + port + path);
    } catch (IllegalArgumentException e) {
      return new Invalid("bad httpGet URL: " + e.getMessage());
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    if (action.getHttpHeaders() != null) {
      for (V1HTTPHeader header : action.getHttpHeaders()) {
        headers.add(
            Map.entry(header.getName(), header.getValue() == null ? "" : header.getValue()));
      }
    }
    return new HttpGet(uri, List.copyOf(headers));
  }

  /**
   * The kubelet's {@code probe.ResolveContainerPort}: a number, or a container port's name, or a
   * number as a string.
   */
  static int resolvePort(IntOrString port, V1Container container) {
    if (port == null) {
      throw new IllegalArgumentException("httpGet without a port");
    }
    int resolved = -1;
    if (port.isInteger()) {
      resolved = port.getIntValue();
    } else {
      String name = port.getStrValue();
      boolean found = false;
      if (container.getPorts() != null) {
        for (V1ContainerPort candidate : container.getPorts()) {
          if (name.equals(candidate.getName())) {
            resolved = candidate.getContainerPort();
            found = true;
            break;
          }
        }
      }
      if (!found) {
        try {
          resolved = Integer.parseInt(name);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "couldn't find port: " + name + " in container " + container.getName());
        }
      }
    }
    if (resolved <= 0 || resolved >= 65536) {
      throw new IllegalArgumentException("invalid port number: " + resolved);
    }
    return resolved;
  }

  /**
   * Starts stopping the containers.
   *
   * @param pod for log lines ({@code namespace/name})
   * @param grace the grace period ({@link #gracePeriod})
   * @param extraSleep a sleep every container runs besides its own hook (the deprecated shutdown
   *     delay; {@link Duration#ZERO} for none): its SIGTERM waits for both, within the grace period
   * @param sigterm called once per container, after its hook: close its listeners
   */
  public Run start(
      String pod,
      List<Container> containers,
      Duration grace,
      Duration extraSleep,
      Consumer<Container> sigterm) {
    return new Run(pod, containers, grace, extraSleep, sigterm);
  }

  /** One Pod's termination under way. */
  public final class Run {
    private final CompletableFuture<Void> aborted = new CompletableFuture<>();
    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> done;

    private Run(
        String pod,
        List<Container> containers,
        Duration grace,
        Duration extraSleep,
        Consumer<Container> sigterm) {
      List<CompletableFuture<Void>> stops = new ArrayList<>();
      CompletableFuture<Void> cutOff =
          grace.isZero() || grace.isNegative() ? null : timer.after(grace);
      for (Container container : containers) {
        stops.add(
            stop(pod, container, grace, extraSleep, cutOff)
                .thenAccept(
                    outcome -> {
                      outcomes.put(container.name(), outcome);
                      sigterm.accept(container);
                    }));
      }
      done = CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new));
    }

    /** Completes once every container got its SIGTERM. */
    public CompletableFuture<Void> done() {
      return done;
    }

    /** How each container's hook ended, by container name, for those already stopped. */
    public Map<String, Outcome> outcomes() {
      return Map.copyOf(outcomes);
    }

    /** Abandons every hook still running: their containers get SIGTERM now. */
    public void abort() {
      aborted.complete(null);
    }

    private CompletableFuture<Outcome> stop(
        String pod,
        Container container,
        Duration grace,
        Duration extraSleep,
        CompletableFuture<Void> cutOff) {
      boolean hasHook = !(container.hook() instanceof NoHook);
      boolean hasExtra = extraSleep != null && extraSleep.compareTo(Duration.ZERO) > 0;
      // killContainer runs the hook only "if there is enough time to run it": gracePeriod > 0.
      if (cutOff == null || (!hasHook && !hasExtra)) {
        return CompletableFuture.completedFuture(Outcome.NO_HOOK);
      }
      CompletableFuture<Outcome> hook =
          hasHook ? run(pod, container) : CompletableFuture.completedFuture(Outcome.DONE);
      if (hasExtra) {
        CompletableFuture<Void> extra = timer.after(extraSleep);
        hook = hook.thenCombine(extra, (outcome, ignored) -> outcome);
      }
      CompletableFuture<Outcome> result = new CompletableFuture<>();
      CompletableFuture<Outcome> running = hook;
      running.whenComplete(
          (outcome, error) -> result.complete(error == null ? outcome : Outcome.FAILED));
      cutOff.thenRun(
          () -> {
            if (result.complete(Outcome.CUT_OFF)) {
              log.info(
                  "fake kubelet: Pod {} container {}: PreStop hook not completed in grace period ({} s)",
                  pod,
                  container.name(),
                  grace.toSeconds());
              running.cancel(true);
            }
          });
      aborted.thenRun(
          () -> {
            if (result.complete(Outcome.ABORTED)) {
              running.cancel(true);
            }
          });
      return result;
    }

    private CompletableFuture<Outcome> run(String pod, Container container) {
      Hook hook = container.hook();
      if (hook instanceof Sleep sleep) {
        return timer.after(sleep.duration()).thenApply(ignored -> Outcome.DONE);
      }
      if (hook instanceof HttpGet get) {
        CompletableFuture<Integer> sent;
        try {
          sent = http.get(get);
        } catch (RuntimeException e) {
          sent = CompletableFuture.failedFuture(e);
        }
        // The kubelet does not look at the status: any answer is a hook that returned.
        return sent.handle(
            (status, error) -> {
              if (error != null) {
                log.warn(
                    "fake kubelet: Pod {} container {}: HTTP lifecycle hook ({}) failed - error: {}; stopping the container",
                    pod,
                    container.name(),
                    get.uri(),
                    rootMessage(error));
                return Outcome.FAILED;
              }
              log.debug(
                  "fake kubelet: Pod {} container {}: HTTP lifecycle hook {} answered {}",
                  pod,
                  container.name(),
                  get.uri(),
                  status);
              return Outcome.DONE;
            });
      }
      if (hook instanceof Exec exec) {
        log.warn(
            "fake kubelet: Pod {} container {}: {} (command {})",
            pod,
            container.name(),
            EXEC_REFUSED,
            exec.command());
        return CompletableFuture.completedFuture(Outcome.DONE);
      }
      Invalid invalid = (Invalid) hook;
      log.warn(
          "fake kubelet: Pod {} container {}: PreStop hook failed: {}; stopping the container",
          pod,
          container.name(),
          invalid.reason());
      return CompletableFuture.completedFuture(Outcome.FAILED);
    }
  }

  private static String rootMessage(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.toString();
  }
}
