package io.clbdirect.bench;

import static io.clbdirect.bench.Report.f;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.emulator.EmulatorConfig;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;

/**
 * Issue 9, item 3: how long after the CLB finds a Pod's target healthy does its readiness gate turn
 * True? Pods are created one by one behind a direct-access Service (the webhook gives them the
 * gate); the emulator, in this JVM, reports the instant each target turns Alive, and a Pod watch
 * the instant each gate is first seen True, on the same clock. The difference is clb-direct's own
 * delay: its health poll (every {@code clb-direct.gate-controller.health-interval}, 1 s by default)
 * plus the status patch and the watch delivering it. For context it also reports Pod creation →
 * Alive (the CLB's part: binding, then HealthNum probes) and creation → gate True. See
 * docs/benchmarks.md.
 */
public final class GateLatencyBenchmark {

  private static final Set<String> OPTIONS =
      Set.of("pods", "interval", "health-time-scale", "results-dir", "name", "app-args");
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  /**
   * @param pods Pods created, one at a time
   * @param interval pause between two creations
   * @param healthTimeScale the emulator's health-check clock (0.2: the 5 s interval runs in 1 s)
   */
  public record Settings(
      int pods,
      Duration interval,
      double healthTimeScale,
      Path resultsDir,
      String name,
      List<String> appArgs) {

    public static Settings from(Options o) {
      return new Settings(
          o.integer("pods", 100),
          o.duration("interval", Duration.ofMillis(300)),
          Double.parseDouble(o.string("health-time-scale", "0.2")),
          Path.of(o.string("results-dir", Report.defaultResultsDir().toString())),
          o.string("name", "gate-latency"),
          Options.words(o.string("app-args", "")));
    }
  }

  /** Milliseconds. */
  public record Percentiles(long count, double p50, double p90, double p99, double max) {
    static Percentiles of(Histogram h) {
      return new Percentiles(
          h.getTotalCount(),
          h.getValueAtPercentile(50) / 1e3,
          h.getValueAtPercentile(90) / 1e3,
          h.getValueAtPercentile(99) / 1e3,
          h.getMaxValue() / 1e3);
    }
  }

  public record Result(
      Percentiles aliveToGate,
      Percentiles createdToAlive,
      Percentiles createdToGate,
      List<String> wronglyTrue,
      int missingAlive,
      Path file) {}

  private GateLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkMain.main(
        "GateLatencyBenchmark", args, OPTIONS, Settings::from, GateLatencyBenchmark::run);
  }

  public static Result run(ControlPlane plane, Settings s, PrintStream out) throws Exception {
    Machine machine = Machine.describe();
    String suffix = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    String ns = "bench-gate-" + suffix;
    ApiClient client = plane.adminClient();
    DirectAccessWorkloads.namespace(client, ns, Map.of());
    String loadAverageBefore = Machine.loadAverage();
    EmulatorConfig emulator =
        EmulatorConfig.defaults("", "")
            .withTaskDelay(Duration.ofMillis(300))
            .withHealthTimeScale(s.healthTimeScale());
    try (DirectAccessRig rig =
            DirectAccessRig.start(plane, "clb-direct-" + suffix, emulator, true);
        GateObserver observer = new GateObserver(plane.adminClient(Duration.ZERO), ns, rig.clb())) {
      rig.startClbDirect(s.appArgs());
      CoreV1Api core = new CoreV1Api(client);
      core.createNamespacedService(ns, DirectAccessWorkloads.service("web", "web", 8080, null))
          .execute();
      DirectAccessWorkloads.awaitVip(client, ns, "web", Duration.ofMinutes(1));
      Map<String, Instant> created = new ConcurrentHashMap<>();
      for (int i = 0; i < s.pods(); i++) {
        String name = "web-" + i;
        V1Pod pod =
            core.createNamespacedPod(ns, DirectAccessWorkloads.pod(name, "web", false)).execute();
        created.put(name, Instant.now());
        if (pod.getSpec().getReadinessGates() == null
            || pod.getSpec().getReadinessGates().isEmpty()) {
          throw new IllegalStateException(
              "the webhook gave Pod " + ns + "/" + name + " no readiness gate");
        }
        Sleep.of(s.interval());
      }
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (observer.openedCount() < s.pods()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "only "
                  + observer.openedCount()
                  + " of "
                  + s.pods()
                  + " gates True after "
                  + TIMEOUT);
        }
        Sleep.millis(100);
      }
      Histogram aliveToGate = new Histogram(3_600_000_000L, 3);
      Histogram createdToAlive = new Histogram(3_600_000_000L, 3);
      Histogram createdToGate = new Histogram(3_600_000_000L, 3);
      int missingAlive = 0;
      for (GateObserver.Opened gate : observer.opened().values()) {
        Instant sent = created.get(gate.pod());
        Instant alive = observer.firstAlive(gate.ip(), DirectAccessWorkloads.CONTAINER_PORT);
        createdToGate.recordValue(micros(sent, gate.seenTrue()));
        if (alive == null) {
          missingAlive++;
          continue;
        }
        createdToAlive.recordValue(micros(sent, alive));
        if (!gate.seenTrue().isBefore(alive)) {
          aliveToGate.recordValue(micros(alive, gate.seenTrue()));
        }
      }
      List<String> wronglyTrue = observer.wronglyTrue();
      String loadAverageAfter = Machine.loadAverage();
      Percentiles onGate = Percentiles.of(aliveToGate);
      Percentiles toAlive = Percentiles.of(createdToAlive);
      Percentiles toGate = Percentiles.of(createdToGate);

      machine.lines().forEach(out::println);
      out.println(f("load average: %s -> %s", loadAverageBefore, loadAverageAfter));
      out.println(
          f(
              "gate latency: %d Pods created %d ms apart behind one direct-access Service; emulator health clock x%s "
                  + "(TCP check, 5 s interval, healthy after 3 -> about %.1f s per target)",
              s.pods(), s.interval().toMillis(), s.healthTimeScale(), 2 * 5 * s.healthTimeScale()));
      Report.Table table = new Report.Table("span", "Pods", "p50 ms", "p90 ms", "p99 ms", "max ms");
      row(table, "target Alive -> gate True (clb-direct)", onGate);
      row(table, "Pod created -> target Alive (CLB)", toAlive);
      row(table, "Pod created -> gate True", toGate);
      table.print(out);
      out.println(
          f(
              "target: Alive -> gate True p50 <= 1000 ms, p99 <= 2000 ms; gates seen True while the target was not Alive: %d%s",
              wronglyTrue.size(), wronglyTrue.isEmpty() ? "" : " " + wronglyTrue));

      Map<String, Object> json = new LinkedHashMap<>();
      json.put("machine", machine.json());
      json.put("loadAverage", Map.of("before", loadAverageBefore, "after", loadAverageAfter));
      json.put(
          "settings",
          Map.of(
              "pods",
              s.pods(),
              "intervalMillis",
              s.interval().toMillis(),
              "healthTimeScale",
              s.healthTimeScale()));
      json.put("aliveToGateMillis", onGate);
      json.put("createdToAliveMillis", toAlive);
      json.put("createdToGateMillis", toGate);
      json.put("wronglyTrue", wronglyTrue);
      json.put("missingAlive", missingAlive);
      json.put("target", Map.of("p50Millis", 1000, "p99Millis", 2000));
      Path file = Report.writeJson(s.resultsDir(), s.name(), json);
      out.println("results: " + file);
      return new Result(onGate, toAlive, toGate, wronglyTrue, missingAlive, file);
    } finally {
      DirectAccessWorkloads.deleteNamespaces(client, List.of(ns));
    }
  }

  private static void row(Report.Table table, String name, Percentiles p) {
    table.row(
        name,
        p.count(),
        f("%.0f", p.p50()),
        f("%.0f", p.p90()),
        f("%.0f", p.p99()),
        f("%.0f", p.max()));
  }

  private static long micros(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toNanos() / 1000);
  }
}
