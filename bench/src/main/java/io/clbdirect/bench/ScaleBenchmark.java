package io.clbdirect.bench;

import static io.clbdirect.bench.Report.f;

import com.tencentcloudapi.clb.v20180317.ClbClient;
import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.emulator.Networks;
import io.clbdirect.emulator.model.HealthStatus;
import io.clbdirect.emulator.model.TargetRef;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 9, item 4: a cold start of clb-direct into a cluster that already holds {@code pods} gated
 * Pods behind direct-access Services ({@code pods-per-service} each) on existing load balancers
 * ({@code services-per-lb} each): from the process start to every gate True. The fake kubelet opens
 * no listeners and the emulator's probes all pass (its health state machine still runs, by
 * HealthNum and IntervalTime), so the run measures clb-direct, not thousands of sockets. Reports
 * the CLB calls per action beside the lower bound the API's batch limits allow, clb-direct's peak
 * heap and RSS, and throttling; one step per size, each on a fresh emulator, kubelet and
 * clb-direct. See docs/benchmarks.md.
 */
public final class ScaleBenchmark {

  private static final Set<String> OPTIONS =
      Set.of(
          "pods",
          "pods-per-service",
          "services-per-lb",
          "task-delay",
          "health-time-scale",
          "timeout",
          "settle",
          "results-dir",
          "name",
          "app-args");
  private static final Pattern CALLS =
      Pattern.compile("^clb_direct_clb_(calls|errors|throttles)_total\\{(.*)} ([0-9.eE+]+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /**
   * @param settle how long calls are counted once every gate is True (0: not measured)
   */
  public record Settings(
      List<Integer> pods,
      int podsPerService,
      int servicesPerLoadBalancer,
      Duration taskDelay,
      double healthTimeScale,
      Duration timeout,
      Duration settle,
      Path resultsDir,
      String name,
      List<String> appArgs) {

    public static Settings from(Options o) {
      return new Settings(
          o.integers("pods", List.of(1000, 2500, 5000)),
          o.integer("pods-per-service", 10),
          o.integer("services-per-lb", 5),
          o.duration("task-delay", Duration.ofMillis(300)),
          Double.parseDouble(o.string("health-time-scale", "0.2")),
          o.duration("timeout", Duration.ofMinutes(10)),
          o.duration("settle", Duration.ofSeconds(65)),
          Path.of(o.string("results-dir", Report.defaultResultsDir().toString())),
          o.string("name", "scale"),
          Options.words(o.string("app-args", "")));
    }
  }

  /** One size. Times in seconds from the clb-direct process start; memory of clb-direct. */
  public record Step(
      int pods,
      int services,
      int loadBalancers,
      double readySeconds,
      double allGatesTrueSeconds,
      long gatesTrue,
      int notAlive,
      long peakHeapMiB,
      long heapMaxMiB,
      long peakRssMiB,
      Map<String, Long> calls,
      Map<String, Long> lowerBounds,
      long serverThrottles,
      long clientThrottles,
      Map<String, Long> errors,
      double clbDirectCpuSeconds,
      double benchJvmCpuSeconds,
      double machineBusyCores,
      long reconciles,
      double reconcileMeanMillis,
      double settledSeconds,
      Map<String, Long> settledCalls) {

    /** Calls that change the CLB during the settled window. */
    public long settledWrites() {
      return settledCalls.entrySet().stream()
          .filter(e -> !e.getKey().startsWith("Describe"))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }
  }

  public record Result(List<Step> steps, Path file) {}

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkMain.main("ScaleBenchmark", args, OPTIONS, Settings::from, ScaleBenchmark::run);
  }

  public static Result run(ControlPlane plane, Settings s, PrintStream out) throws Exception {
    Machine machine = Machine.describe();
    String loadAverageBefore = Machine.loadAverage();
    List<Step> steps = new ArrayList<>();
    for (int pods : s.pods()) {
      steps.add(step(plane, s, pods));
      System.err.println("scale: " + steps.get(steps.size() - 1));
    }
    String loadAverageAfter = Machine.loadAverage();

    machine.lines().forEach(out::println);
    out.println(f("load average: %s -> %s", loadAverageBefore, loadAverageAfter));
    out.println(
        f(
            "cold start of clb-direct into existing gated Pods: %d Pods per Service, %d Services per load balancer; "
                + "emulator task delay %d ms, health clock x%s, probes forced to pass",
            s.podsPerService(),
            s.servicesPerLoadBalancer(),
            s.taskDelay().toMillis(),
            s.healthTimeScale()));
    Report.Table table =
        new Report.Table(
            "Pods",
            "Services",
            "LBs",
            "ready s",
            "all gates True s",
            "per 1k Pods s",
            "peak heap MiB",
            "peak RSS MiB",
            "CLB calls",
            "RequestLimitExceeded",
            "clb-direct CPU s",
            "emulator+kubelet CPU s",
            "machine busy cores",
            "reconciles",
            "mean reconcile ms");
    for (Step step : steps) {
      table.row(
          step.pods(),
          step.services(),
          step.loadBalancers(),
          f("%.1f", step.readySeconds()),
          f("%.1f", step.allGatesTrueSeconds()),
          f("%.1f", step.allGatesTrueSeconds() * 1000 / step.pods()),
          step.peakHeapMiB(),
          step.peakRssMiB(),
          step.calls().values().stream().mapToLong(Long::longValue).sum(),
          step.serverThrottles(),
          f("%.1f", step.clbDirectCpuSeconds()),
          f("%.1f", step.benchJvmCpuSeconds()),
          f("%.2f", step.machineBusyCores()),
          step.reconciles(),
          f("%.0f", step.reconcileMeanMillis()));
    }
    table.print(out);
    for (Step step : steps) {
      out.println(
          f("CLB calls at %d Pods (actual / lower bound from the batch limits):", step.pods()));
      Report.Table calls = new Report.Table("action", "calls", "lower bound", "ratio");
      for (Map.Entry<String, Long> call : step.calls().entrySet()) {
        Long bound = step.lowerBounds().get(call.getKey());
        calls.row(
            call.getKey(),
            call.getValue(),
            bound == null ? "-" : bound,
            bound == null || bound == 0 ? "-" : f("%.1f", (double) call.getValue() / bound));
      }
      calls.print(out);
      if (step.settledSeconds() > 0) {
        out.println(
            f(
                "  settled %.0f s after every gate was True: %d write calls; calls %s (DescribeTargetHealth allowance: %d per 30 s)",
                step.settledSeconds(),
                step.settledWrites(),
                step.settledCalls(),
                (step.loadBalancers() + 29) / 30));
      }
      if (!step.errors().isEmpty()) {
        out.println("  errors by action/code: " + step.errors());
      }
    }
    out.println(
        "targets: all gates True <= 60 s at 5,000 Pods, heap <= 256 MiB, near-linear growth, 0 RequestLimitExceeded");

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", machine.json());
    json.put("loadAverage", Map.of("before", loadAverageBefore, "after", loadAverageAfter));
    json.put(
        "settings",
        Map.of(
            "podsPerService",
            s.podsPerService(),
            "servicesPerLoadBalancer",
            s.servicesPerLoadBalancer(),
            "taskDelayMillis",
            s.taskDelay().toMillis(),
            "healthTimeScale",
            s.healthTimeScale()));
    json.put("steps", steps);
    json.put(
        "target", Map.of("allGatesTrueSeconds", 60, "heapMiB", 256, "requestLimitExceeded", 0));
    Path file = Report.writeJson(s.resultsDir(), s.name(), json);
    out.println("results: " + file);
    return new Result(steps, file);
  }

  static Step step(ControlPlane plane, Settings s, int pods) throws Exception {
    int services = Math.max(1, pods / s.podsPerService());
    int loadBalancers = (services + s.servicesPerLoadBalancer() - 1) / s.servicesPerLoadBalancer();
    String suffix = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    String ns = "bench-scale-" + suffix;
    ApiClient client = plane.adminClient();
    DirectAccessWorkloads.namespace(client, ns, Map.of());
    EmulatorConfig emulator =
        EmulatorConfig.defaults("", "")
            .withTaskDelay(s.taskDelay())
            .withHealthTimeScale(s.healthTimeScale())
            .withForcedHealth(true)
            .withLoadBalancerQuota(Math.max(100, loadBalancers));
    try (DirectAccessRig rig =
            DirectAccessRig.start(plane, "clb-direct-" + suffix, emulator, false);
        GateObserver observer =
            new GateObserver(plane.adminClient(Duration.ZERO), ns, rig.clb(), false)) {
      List<String> lbIds = createLoadBalancers(rig, loadBalancers);
      createWorkload(client, ns, pods, services, s, lbIds);
      awaitRunning(observer, pods, s.timeout());

      CpuMeter.Sample cpuBefore = new CpuMeter(ProcessHandle.current().pid()).sample();
      Instant start = Instant.now();
      rig.startClbDirect(s.appArgs());
      double ready = Duration.between(start, Instant.now()).toMillis() / 1000.0;
      HeapSampler heap = new HeapSampler(rig.app());
      try {
        long deadline = System.nanoTime() + s.timeout().toNanos();
        while (observer.openedCount() < pods) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "only "
                    + observer.openedCount()
                    + " of "
                    + pods
                    + " gates True after "
                    + s.timeout()
                    + "\n"
                    + rig.app().process().logTail(30));
          }
          Sleep.millis(200);
        }
      } finally {
        heap.close();
      }
      Instant last =
          observer.opened().values().stream()
              .map(GateObserver.Opened::seenTrue)
              .max(Instant::compareTo)
              .orElseThrow();
      double allTrue = Duration.between(start, last).toMillis() / 1000.0;
      CpuMeter.Usage cpu = cpuBefore.until(new CpuMeter(ProcessHandle.current().pid()).sample());
      double clbDirectCpu = CpuMeter.processTicks(rig.app().javaPid()) / 100.0;
      long peakRssKiB = procStatusKiB(rig.app().javaPid(), "VmHWM");
      int notAlive = notAlive(rig.clb(), observer.opened().values());
      PrometheusScrape prometheus = PrometheusScrape.of(rig.app());
      // Settled: every gate True and nothing changing. What does clb-direct still call? (Target: no
      // write,
      // at most one DescribeTargetHealth per 30 load balancers per 30 s.)
      Map<String, Long> settledCalls = new TreeMap<>();
      if (!s.settle().isZero()) {
        Map<String, Long> before = callsByAction(prometheus);
        Sleep.millis(s.settle().toMillis());
        callsByAction(PrometheusScrape.of(rig.app()))
            .forEach(
                (action, count) -> {
                  long delta = count - before.getOrDefault(action, 0L);
                  if (delta > 0) {
                    settledCalls.put(action, delta);
                  }
                });
      }
      Map<String, Long> calls = new TreeMap<>();
      Map<String, Long> errors = new TreeMap<>();
      long[] throttles = new long[2];
      // Frontend reconciles (load balancer found and recorded) and load-balancer reconciles
      // (listeners and targets) together.
      double[] reconcile = {
        prometheus.sum("clb_direct_gate_reconcile_duration_seconds_count")
            + prometheus.sum("clb_direct_gate_load_balancer_reconcile_duration_seconds_count"),
        prometheus.sum("clb_direct_gate_reconcile_duration_seconds_sum")
            + prometheus.sum("clb_direct_gate_load_balancer_reconcile_duration_seconds_sum")
      };
      for (String line : prometheus.text().split("\n")) {
        Matcher m = CALLS.matcher(line);
        if (!m.matches()) {
          continue;
        }
        Map<String, String> labels = new HashMap<>();
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
        long value = (long) Double.parseDouble(m.group(3));
        switch (m.group(1)) {
          case "calls" -> calls.merge(labels.get("action"), value, Long::sum);
          case "errors" ->
              errors.merge(labels.get("action") + "/" + labels.get("code"), value, Long::sum);
          default -> throttles["server".equals(labels.get("code")) ? 0 : 1] += value;
        }
      }
      return new Step(
          pods,
          services,
          loadBalancers,
          ready,
          allTrue,
          observer.openedCount(),
          notAlive,
          heap.peak() >> 20,
          heap.max() >> 20,
          peakRssKiB >> 10,
          calls,
          lowerBounds(pods, services, loadBalancers),
          throttles[0],
          throttles[1],
          errors,
          clbDirectCpu,
          cpu.clientCpuSeconds(),
          cpu.machineBusyCores(),
          (long) reconcile[0],
          reconcile[0] == 0 ? 0 : reconcile[1] * 1000 / reconcile[0],
          s.settle().toMillis() / 1000.0,
          settledCalls);
    } finally {
      DirectAccessWorkloads.deleteNamespaces(client, List.of(ns));
    }
  }

  /** {@code clb_direct_clb_calls_total} summed per action. */
  private static Map<String, Long> callsByAction(PrometheusScrape prometheus) {
    Map<String, Long> calls = new TreeMap<>();
    for (String line : prometheus.text().split("\n")) {
      Matcher m = CALLS.matcher(line);
      if (m.matches() && "calls".equals(m.group(1))) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          if ("action".equals(l.group(1))) {
            calls.merge(l.group(2), (long) Double.parseDouble(m.group(3)), Long::sum);
          }
        }
      }
    }
    return calls;
  }

  /**
   * The fewest calls the API allows for this topology, from its batch limits (docs/benchmarks.md):
   * one CreateListener per load balancer for up to 20 listeners made alike (it takes a list of
   * ports) and one DescribeTaskStatus for each, since it is asynchronous; BatchRegisterTargets
   * takes 500 targets of one load balancer; DescribeListeners and DescribeTargets one load balancer
   * each (20 listener ids per DescribeTargets); DescribeLoadBalancers 20 ids; DescribeTargetHealth
   * 30 load balancers, per health read.
   */
  static Map<String, Long> lowerBounds(int pods, int services, int loadBalancers) {
    int servicesPerLb = (services + loadBalancers - 1) / loadBalancers;
    long podsPerLb = (long) Math.ceil((double) pods / loadBalancers);
    Map<String, Long> bounds = new TreeMap<>();
    // CreateListener takes a list of ports (one listener each) for listeners made alike; clb-direct
    // puts up to 20 in a call.
    long createListener = (long) loadBalancers * ((servicesPerLb + 19) / 20);
    bounds.put("CreateListener", createListener);
    bounds.put("DescribeTaskStatus", createListener);
    bounds.put("BatchRegisterTargets", loadBalancers * ((podsPerLb + 499) / 500));
    bounds.put("DescribeListeners", (long) loadBalancers);
    bounds.put("DescribeTargets", (long) loadBalancers * ((servicesPerLb + 19) / 20));
    bounds.put("DescribeLoadBalancers", (long) (loadBalancers + 19) / 20);
    bounds.put("DescribeTargetHealth", (long) (loadBalancers + 29) / 30);
    return bounds;
  }

  /**
   * {@code count} existing load balancers, made through the API (20 per CreateLoadBalancer) as a
   * user would.
   */
  private static List<String> createLoadBalancers(DirectAccessRig rig, int count) throws Exception {
    ClbClient sdk = sdk(rig.clb(), rig.secretId(), rig.secretKey());
    List<String> ids = new ArrayList<>();
    while (ids.size() < count) {
      CreateLoadBalancerRequest request = new CreateLoadBalancerRequest();
      request.setLoadBalancerType("OPEN");
      request.setNumber((long) Math.min(20, count - ids.size()));
      // In the cluster VPC, where the Pods' loopback addresses are (the emulator refuses targets
      // outside
      // the load balancer's VPC). No LoadBalancerName: the API applies it only when Number is 1.
      request.setVpcId(Networks.CLUSTER_VPC);
      ids.addAll(Arrays.asList(sdk.CreateLoadBalancer(request).getLoadBalancerIds()));
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (rig.clb().state().loadBalancerSnapshot().stream()
        .anyMatch(lb -> ids.contains(lb.loadBalancerId()) && lb.status() != 1)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("load balancers not running after 1 min");
      }
      Sleep.millis(100);
    }
    return ids;
  }

  private static ClbClient sdk(ClbEmulator clb, String secretId, String secretKey) {
    HttpProfile http = new HttpProfile();
    http.setEndpoint(clb.endpoint());
    http.setProtocol(HttpProfile.REQ_HTTP);
    ClientProfile profile = new ClientProfile();
    profile.setHttpProfile(http);
    return new ClbClient(new Credential(secretId, secretKey), "ap-guangzhou", profile);
  }

  /**
   * The Services (each on its load balancer, its own port) and their Pods, gated in their spec, 4
   * creating clients.
   */
  private static void createWorkload(
      ApiClient client, String ns, int pods, int services, Settings s, List<String> lbIds)
      throws Exception {
    CoreV1Api core = new CoreV1Api(client);
    for (int i = 0; i < services; i++) {
      String lb = lbIds.get(i / s.servicesPerLoadBalancer());
      int port = 8000 + i % s.servicesPerLoadBalancer();
      core.createNamespacedService(
              ns, DirectAccessWorkloads.service("svc-" + i, "app-" + i, port, lb))
          .execute();
    }
    AtomicInteger next = new AtomicInteger();
    ExecutorService creators = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        done.add(
            creators.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < pods; i = next.getAndIncrement()) {
                    core.createNamespacedPod(
                            ns,
                            DirectAccessWorkloads.pod("pod-" + i, "app-" + (i % services), true))
                        .execute();
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      creators.shutdownNow();
    }
  }

  private static void awaitRunning(GateObserver observer, int pods, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long running =
          observer.pods().stream()
              .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
              .count();
      if (running >= pods) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only " + running + " of " + pods + " Pods running after " + timeout);
      }
      Sleep.millis(500);
    }
  }

  /**
   * Pods whose gate is True but whose target is not Alive (or not bound) in the emulator: must be
   * 0.
   */
  private static int notAlive(ClbEmulator clb, java.util.Collection<GateObserver.Opened> opened) {
    Map<String, Boolean> aliveByIp = new HashMap<>();
    for (TargetRef ref : clb.state().targetSnapshot()) {
      aliveByIp.merge(
          String.valueOf(ref.target().eniIp()),
          ref.target().health() == HealthStatus.Alive,
          Boolean::logicalAnd);
    }
    int bad = 0;
    for (GateObserver.Opened gate : opened) {
      if (!aliveByIp.getOrDefault(gate.ip(), false)) {
        bad++;
      }
    }
    return bad;
  }

  static long procStatusKiB(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (java.io.IOException e) {
      return -1;
    }
    return -1;
  }

  /** Samples clb-direct's used heap every 250 ms through its actuator; keeps the peak. */
  static final class HeapSampler implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong max = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    HeapSampler(MeasuredClbDirect app) {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    peak.accumulateAndGet(metric(app, "jvm.memory.used"), Math::max);
                    max.set(metric(app, "jvm.memory.max"));
                  } catch (RuntimeException e) {
                    // the process may be stopping; the last samples stand
                  }
                  try {
                    Thread.sleep(250);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    /** The sum over the heap pools of a Micrometer JVM gauge ("undefined" -1 counts as 0). */
    private static long metric(MeasuredClbDirect app, String name) {
      return (long)
          PrometheusScrape.of(app)
              .sum(
                  name.replace('.', '_') + "_bytes{",
                  line -> line.contains("area=\"heap\"") && !line.endsWith(" -1.0"));
    }

    long peak() {
      return peak.get();
    }

    long max() {
      return max.get();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.interrupt();
      thread.join(2000);
    }
  }
}
