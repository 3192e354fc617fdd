package io.clbdirect.bench;

import static io.clbdirect.bench.Report.f;

import io.clbdirect.e2e.controlplane.ControlPlane;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 9, item 6: start-up. Wall-clock from launching the clb-direct process to its first
 * readiness 200 (caches synced, certificate trusted), over several runs, each a first install (new
 * namespace: the bootstrapper makes the CA, the Secret and the webhook registration) followed by a
 * restart (Secret and registration already there); then, after an idle pause, the JVM's resident
 * memory (VmRSS) and heap in use (jvm_memory_used_bytes{area="heap"}). See docs/benchmarks.md.
 */
public final class StartupBenchmark {

  private static final Set<String> OPTIONS =
      Set.of(
          "runs",
          "services",
          "direct-access",
          "idle",
          "restarts",
          "results-dir",
          "name",
          "app-args");
  private static final Pattern STARTED =
      Pattern.compile("Started \\S+ in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)");
  private static final Duration POLL = Duration.ofMillis(50);

  public record Settings(
      int runs,
      int services,
      int directAccess,
      Duration idle,
      boolean restarts,
      Path resultsDir,
      String name,
      List<String> appArgs) {

    public static Settings from(Options o) {
      return new Settings(
          o.integer("runs", 5),
          o.integer("services", 200),
          o.integer("direct-access", 20),
          o.duration("idle", Duration.ofSeconds(10)),
          o.bool("restarts", true),
          Path.of(o.string("results-dir", Report.defaultResultsDir().toString())),
          o.string("name", "startup"),
          Options.words(o.string("app-args", "")));
    }
  }

  /**
   * One start. {@code readyMillis}: launch to the first readiness 200 seen by a 50 ms poller;
   * {@code jvmMillis}/{@code contextMillis}: Spring Boot's own "process running for" and "Started
   * in" (from its log) when it printed them; {@code cpuSecondsToReady}: CPU the JVM used until
   * ready.
   */
  public record Start(
      String kind,
      int run,
      long readyMillis,
      double jvmToContextSeconds,
      double contextSeconds,
      double cpuSecondsToReady,
      long rssKiB,
      long rssPeakKiB,
      long heapUsedBytes,
      long nonHeapUsedBytes,
      boolean noopEndpointAbsent) {

    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("kind", kind);
      json.put("run", run);
      json.put("readyMillis", readyMillis);
      json.put("springProcessRunningForSeconds", jvmToContextSeconds);
      json.put("springStartedInSeconds", contextSeconds);
      json.put("cpuSecondsToReady", StepResult.round(cpuSecondsToReady));
      json.put("idleRssMiB", StepResult.round(rssKiB / 1024.0));
      json.put("peakRssMiB", StepResult.round(rssPeakKiB / 1024.0));
      json.put("idleHeapUsedMiB", StepResult.round(heapUsedBytes / 1048576.0));
      json.put("idleNonHeapUsedMiB", StepResult.round(nonHeapUsedBytes / 1048576.0));
      json.put("noopEndpointAbsent", noopEndpointAbsent);
      return json;
    }
  }

  public record Result(List<Start> starts, Map<String, Object> json, Path file) {}

  private StartupBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkMain.main("StartupBenchmark", args, OPTIONS, Settings::from, StartupBenchmark::run);
  }

  public static Result run(ControlPlane plane, Settings s, PrintStream out) throws Exception {
    Machine machine = Machine.describe();
    String suffix = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    if (s.services() > 0) {
      WebhookWorkload workload =
          new WebhookWorkload("bench-startup-pods-" + suffix, s.services(), s.directAccess());
      workload.create(plane.adminClient());
    }
    List<Start> starts = new ArrayList<>();
    for (int run = 1; run <= s.runs(); run++) {
      String namespace = "bench-startup-" + suffix + "-" + run;
      MeasuredClbDirect.ensureNamespace(plane, namespace);
      starts.add(measure(plane, namespace, "first install", run, s, !s.restarts()));
      System.err.println(describe(starts.get(starts.size() - 1)));
      if (s.restarts()) {
        starts.add(measure(plane, namespace, "restart", run, s, true));
        System.err.println(describe(starts.get(starts.size() - 1)));
      }
    }

    out.println();
    out.println("== clb-direct start-up benchmark (issue 9, item 6) ==");
    machine.lines().forEach(out::println);
    out.println(
        f(
            "cluster: %d Services (%d direct-access) for the informers to list; clb-direct runs with -Xmx256m "
                + "(as ClbDirectProcess starts it); idle %s before reading memory",
            s.services(), s.directAccess(), s.idle()));
    Report.Table table =
        new Report.Table(
            "run",
            "kind",
            "ready ms",
            "JVM→Started s",
            "Started in s",
            "CPU s to ready",
            "idle RSS MiB",
            "peak RSS MiB",
            "heap used MiB",
            "non-heap MiB");
    for (Start start : starts) {
      table.row(
          start.run(),
          start.kind(),
          start.readyMillis(),
          f("%.2f", start.jvmToContextSeconds()),
          f("%.2f", start.contextSeconds()),
          f("%.2f", start.cpuSecondsToReady()),
          f("%.1f", start.rssKiB() / 1024.0),
          f("%.1f", start.rssPeakKiB() / 1024.0),
          f("%.1f", start.heapUsedBytes() / 1048576.0),
          f("%.1f", start.nonHeapUsedBytes() / 1048576.0));
    }
    out.println();
    table.print(out);

    Map<String, Object> medians = new LinkedHashMap<>();
    out.println();
    out.println("medians:");
    for (String kind : List.of("first install", "restart")) {
      List<Start> ofKind = starts.stream().filter(x -> x.kind().equals(kind)).toList();
      if (ofKind.isEmpty()) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("runs", ofKind.size());
      m.put("readyMillis", median(ofKind, Start::readyMillis));
      m.put("cpuSecondsToReady", StepResult.round(median(ofKind, Start::cpuSecondsToReady)));
      m.put("idleRssMiB", StepResult.round(median(ofKind, x -> x.rssKiB() / 1024.0)));
      m.put(
          "idleHeapUsedMiB", StepResult.round(median(ofKind, x -> x.heapUsedBytes() / 1048576.0)));
      medians.put(kind, m);
      out.println(
          f(
              "  %-13s (%d runs): ready %.0f ms, CPU to ready %.2f s, idle RSS %.1f MiB, heap used %.1f MiB",
              kind,
              ofKind.size(),
              median(ofKind, Start::readyMillis),
              median(ofKind, Start::cpuSecondsToReady),
              median(ofKind, x -> x.rssKiB() / 1024.0),
              median(ofKind, x -> x.heapUsedBytes() / 1048576.0)));
    }
    out.println("load average at end (1/5/15 min): " + Machine.loadAverage());

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "startup");
    json.put("machine", machine.json());
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("runs", s.runs());
    settings.put("services", s.services());
    settings.put("directAccessServices", s.directAccess());
    settings.put("idleSeconds", s.idle().toMillis() / 1000.0);
    settings.put("restarts", s.restarts());
    settings.put("xmx", "256m");
    settings.put("readinessPollMillis", POLL.toMillis());
    settings.put("clbDirectArgs", s.appArgs());
    json.put("settings", settings);
    json.put("starts", starts.stream().map(Start::json).toList());
    json.put("medians", medians);
    json.put("loadAverageAtEnd", Machine.loadAverage());
    Path file = Report.writeJson(s.resultsDir(), s.name(), json);
    out.println("results: " + file);
    return new Result(starts, json, file);
  }

  private static String describe(Start s) {
    return f(
        "run %d %s: ready in %d ms, RSS %.1f MiB, heap %.1f MiB",
        s.run(), s.kind(), s.readyMillis(), s.rssKiB() / 1024.0, s.heapUsedBytes() / 1048576.0);
  }

  private static Start measure(
      ControlPlane plane,
      String namespace,
      String kind,
      int run,
      Settings s,
      boolean deleteRegistration)
      throws Exception {
    ReadinessWatcher watcher = new ReadinessWatcher(namespace);
    watcher.start();
    long launched = System.nanoTime();
    MeasuredClbDirect app;
    try {
      app = MeasuredClbDirect.start(plane, namespace, s.appArgs());
    } finally {
      watcher.stop();
    }
    long returned = System.nanoTime();
    try {
      long pid = app.javaPid();
      double cpuToReady = CpuMeter.processTicks(pid) / 100.0;
      long readyAt = watcher.firstReady() > 0 ? Math.min(watcher.firstReady(), returned) : returned;
      Thread.sleep(s.idle().toMillis());
      Map<String, Long> status = procStatus(pid);
      String metrics = app.process().management("/actuator/prometheus");
      Path log = plane.workDir().resolve("bench-" + namespace).resolve("clb-direct.log");
      double[] spring = springTimes(log);
      keepLog(
          log,
          s.resultsDir()
              .resolve(s.name() + "-logs")
              .resolve("run-" + run + "-" + kind.replace(' ', '-') + ".log"));
      boolean noopAbsent = noopAbsent(app);
      return new Start(
          kind,
          run,
          (readyAt - launched) / 1_000_000,
          spring[1],
          spring[0],
          cpuToReady,
          status.getOrDefault("VmRSS", -1L),
          status.getOrDefault("VmHWM", -1L),
          sumMetric(metrics, "jvm_memory_used_bytes", "area=\"heap\""),
          sumMetric(metrics, "jvm_memory_used_bytes", "area=\"nonheap\""),
          noopAbsent);
    } finally {
      if (deleteRegistration) {
        app.close();
      } else {
        app.process()
            .close(); // a restart follows: leave the Secret and the registration as a pod restart
        // finds them
      }
    }
  }

  /**
   * Without the benchmark property, /noop must not exist (it answers 404 like any unknown path).
   */
  private static boolean noopAbsent(MeasuredClbDirect app) {
    try {
      LoadGenerator load =
          new LoadGenerator(app.clientTls(), "127.0.0.1", app.process().httpsPort());
      byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] head =
          HttpsConnection.postHead(
              "127.0.0.1", app.process().httpsPort(), WebhookBenchmark.NOOP, body.length);
      byte[] request = new byte[head.length + body.length];
      System.arraycopy(head, 0, request, 0, head.length);
      System.arraycopy(body, 0, request, head.length, body.length);
      return load.once(request).status() == 404;
    } catch (Exception e) {
      throw new IllegalStateException("could not probe /noop", e);
    }
  }

  /**
   * The control plane's directory goes when it stops: keep each start's log for a look at where
   * time went.
   */
  private static void keepLog(Path log, Path copy) {
    try {
      Files.createDirectories(copy.getParent());
      Files.copy(log, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      System.err.println("could not keep " + log + ": " + e.getMessage());
    }
  }

  /** VmRSS, VmHWM, ... of /proc/pid/status, in KiB. */
  static Map<String, Long> procStatus(long pid) throws IOException {
    Map<String, Long> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("Vm") && line.endsWith("kB")) {
        int colon = line.indexOf(':');
        values.put(
            line.substring(0, colon),
            Long.parseLong(line.substring(colon + 1, line.length() - 2).strip()));
      }
    }
    return values;
  }

  /**
   * Sum of every sample of {@code name} whose labels contain {@code label}, in the Prometheus text
   * format.
   */
  static long sumMetric(String metrics, String name, String label) {
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "{") && line.contains(label)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).strip());
      }
    }
    return (long) sum;
  }

  /** {Started in, process running for} from Spring Boot's start-up line, or NaN. */
  private static double[] springTimes(Path log) {
    try {
      Matcher m = STARTED.matcher(Files.readString(log));
      if (m.find()) {
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
      }
    } catch (IOException | RuntimeException e) {
      // not available
    }
    return new double[] {Double.NaN, Double.NaN};
  }

  private static double median(List<Start> starts, ToDoubleFunction<Start> value) {
    double[] sorted = starts.stream().mapToDouble(value).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * Finds the clb-direct JVM among this JVM's descendants by its namespace argument, reads its
   * management port from its command line and polls readiness every 50 ms, so the time to ready is
   * known to ~50 ms rather than to ClbDirectProcess's own 200 ms poll.
   */
  private static final class ReadinessWatcher {
    private final String namespaceArg;
    private final AtomicLong firstReady = new AtomicLong();
    private volatile boolean stopped;
    private Thread thread;

    ReadinessWatcher(String namespace) {
      this.namespaceArg = "--clb-direct.bootstrap.namespace=" + namespace;
    }

    void start() {
      thread = new Thread(this::watch, "readiness-watcher");
      thread.setDaemon(true);
      thread.start();
    }

    long firstReady() {
      return firstReady.get();
    }

    void stop() throws InterruptedException {
      stopped = true;
      thread.join(5_000);
    }

    private void watch() {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      Integer port = null;
      while (!stopped && firstReady.get() == 0) {
        try {
          if (port == null) {
            port = managementPort().orElse(null);
          }
          if (port != null) {
            HttpResponse<Void> response =
                http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(1))
                        .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 200) {
              firstReady.set(System.nanoTime());
              return;
            }
          }
        } catch (IOException e) {
          // not listening yet
        } catch (InterruptedException e) {
          return;
        }
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private Optional<Integer> managementPort() {
      return ProcessHandle.current()
          .descendants()
          .map(p -> p.info().arguments().orElse(new String[0]))
          .filter(args -> List.of(args).contains(namespaceArg) && List.of(args).contains("-jar"))
          .flatMap(args -> List.of(args).stream())
          .filter(a -> a.startsWith("--management.server.port="))
          .map(a -> Integer.parseInt(a.substring("--management.server.port=".length())))
          .findFirst();
    }
  }
}
