package io.clbdirect.bench;

import static io.clbdirect.bench.Report.f;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
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
          "launches",
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
      List<String> launches,
      Path resultsDir,
      String name,
      List<String> appArgs) {

    public Settings {
      for (String launch : launches) {
        if (!Launch.NAMES.contains(launch)) {
          throw new IllegalArgumentException(
              "unknown launch " + launch + "; one of " + Launch.NAMES);
        }
      }
    }

    public static Settings from(Options o) {
      return new Settings(
          o.integer("runs", 5),
          o.integer("services", 200),
          o.integer("direct-access", 20),
          o.duration("idle", Duration.ofSeconds(10)),
          o.bool("restarts", true),
          List.of(o.string("launches", "jar,image").split(",")),
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
      String launch,
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
      boolean noopEndpointAbsent,
      boolean admitted) {

    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("launch", launch);
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
      json.put("admitted", admitted);
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
    String podNamespace = null;
    if (s.services() > 0) {
      WebhookWorkload workload =
          new WebhookWorkload("bench-startup-pods-" + suffix, s.services(), s.directAccess());
      workload.create(plane.adminClient());
      podNamespace = workload.namespace();
    }
    // Each launch prepared once, before anything is timed (unpacking, the archive's training run).
    Path repo = ControlPlaneExtension.repository();
    List<Launch> launches = new ArrayList<>();
    for (String name : s.launches()) {
      launches.add(
          Launch.prepare(name, repo, repo.resolve("bench/target/launch-" + name).toAbsolutePath()));
    }
    String loadAverageAtStart = Machine.loadAverage();
    List<Start> starts = new ArrayList<>();
    for (int run = 1; run <= s.runs(); run++) {
      // Launches interleaved within each run, so a drift in the machine's load touches all alike.
      for (Launch launch : launches) {
        String namespace = "bench-startup-" + suffix + "-" + launch.name() + "-" + run;
        MeasuredClbDirect.ensureNamespace(plane, namespace);
        starts.add(
            measure(
                plane, launch, namespace, podNamespace, "first install", run, s, !s.restarts()));
        System.err.println(describe(starts.get(starts.size() - 1)));
        if (s.restarts()) {
          starts.add(measure(plane, launch, namespace, podNamespace, "restart", run, s, true));
          System.err.println(describe(starts.get(starts.size() - 1)));
        }
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
    for (Launch launch : launches) {
      out.println(f("launch %-9s java %s -jar %s", launch.name(), launch.jvmArgs(), launch.jar()));
    }
    out.println("load average at start of the runs (1/5/15 min): " + loadAverageAtStart);
    Report.Table table =
        new Report.Table(
            "run",
            "launch",
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
          start.launch(),
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
    for (Launch launch : launches) {
      Map<String, Object> ofLaunch = new LinkedHashMap<>();
      medians.put(launch.name(), ofLaunch);
      for (String kind : List.of("first install", "restart")) {
        List<Start> ofKind =
            starts.stream()
                .filter(x -> x.kind().equals(kind) && x.launch().equals(launch.name()))
                .toList();
        if (ofKind.isEmpty()) {
          continue;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runs", ofKind.size());
        m.put("readyMillis", median(ofKind, Start::readyMillis));
        m.put("cpuSecondsToReady", StepResult.round(median(ofKind, Start::cpuSecondsToReady)));
        m.put("idleRssMiB", StepResult.round(median(ofKind, x -> x.rssKiB() / 1024.0)));
        m.put(
            "idleHeapUsedMiB",
            StepResult.round(median(ofKind, x -> x.heapUsedBytes() / 1048576.0)));
        ofLaunch.put(kind, m);
        out.println(
            f(
                "  %-9s %-13s (%d runs): ready %.0f ms, CPU to ready %.2f s, idle RSS %.1f MiB, heap used %.1f MiB",
                launch.name(),
                kind,
                ofKind.size(),
                median(ofKind, Start::readyMillis),
                median(ofKind, Start::cpuSecondsToReady),
                median(ofKind, x -> x.rssKiB() / 1024.0),
                median(ofKind, x -> x.heapUsedBytes() / 1048576.0)));
      }
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
    settings.put(
        "launches",
        launches.stream()
            .map(l -> Map.of("name", l.name(), "jar", l.jar().toString(), "jvmArgs", l.jvmArgs()))
            .toList());
    settings.put("xmx", "256m");
    settings.put("readinessPollMillis", POLL.toMillis());
    settings.put("clbDirectArgs", s.appArgs());
    json.put("settings", settings);
    json.put("starts", starts.stream().map(Start::json).toList());
    json.put("medians", medians);
    json.put("loadAverageAtStart", loadAverageAtStart);
    json.put("loadAverageAtEnd", Machine.loadAverage());
    Path file = Report.writeJson(s.resultsDir(), s.name(), json);
    out.println("results: " + file);
    return new Result(starts, json, file);
  }

  private static String describe(Start s) {
    return f(
        "run %d %s %s: ready in %d ms, RSS %.1f MiB, heap %.1f MiB, admitted %s",
        s.run(),
        s.launch(),
        s.kind(),
        s.readyMillis(),
        s.rssKiB() / 1024.0,
        s.heapUsedBytes() / 1048576.0,
        s.admitted());
  }

  private static Start measure(
      ControlPlane plane,
      Launch launch,
      String namespace,
      String podNamespace,
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
      app =
          launch.around(() -> MeasuredClbDirect.start(plane, namespace, launch.args(s.appArgs())));
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
              .resolve("run-" + run + "-" + launch.name() + "-" + kind.replace(' ', '-') + ".log"));
      boolean noopAbsent = noopAbsent(app);
      boolean admitted = podNamespace == null || admits(plane, podNamespace);
      return new Start(
          launch.name(),
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
          noopAbsent,
          admitted);
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
   * Does the API server get the readiness gate from this start for a Pod behind a direct-access
   * Service? A dry-run create, so nothing is stored. Ready comes first, so this checks that the
   * start serves admissions (with whichever launch), not how fast; a few retries cover the API
   * server picking up a just-written registration.
   */
  private static boolean admits(ControlPlane plane, String podNamespace) throws Exception {
    CoreV1Api core = new CoreV1Api(plane.adminClient());
    for (int attempt = 0; attempt < 25; attempt++) {
      V1Pod admitted =
          core.createNamespacedPod(podNamespace, PodCreationBenchmark.pod("startup-probe"))
              .dryRun("All")
              .execute();
      if (admitted.getSpec().getReadinessGates() != null
          && admitted.getSpec().getReadinessGates().stream()
              .anyMatch(g -> WebhookWorkload.GATE.equals(g.getConditionType()))) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
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
