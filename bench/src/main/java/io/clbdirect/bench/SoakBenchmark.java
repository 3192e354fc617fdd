package io.clbdirect.bench;

import static io.clbdirect.bench.Report.f;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.emulator.faults.FaultInjector;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.PatchUtils;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 9, hardening: clb-direct under a long run of everything at once. A direct-access Deployment
 * is rolled every {@code rollout-every} with traffic through the VIP the whole time; the emulator
 * fails a share of every CLB action clb-direct uses with retryable errors and adds latency; the
 * MutatingWebhookConfiguration is deleted every {@code delete-webhook-every}. Alongside, a dry-run
 * Pod create every 500 ms asks the API server to admit a Pod, so an admission missing the gate
 * (webhook configuration absent) or failing shows directly. Reports gates seen True while their
 * target was not Alive (must be 0), failed requests through the VIP (must be 0), failed admissions
 * (must be 0) and admissions without the gate, the webhook configuration's repair times, and
 * clb-direct's memory, threads and file descriptors at start and end. See docs/benchmarks.md.
 */
public final class SoakBenchmark {

  private static final Set<String> OPTIONS =
      Set.of(
          "duration",
          "replicas",
          "rollout-every",
          "delete-webhook-every",
          "fault-rate",
          "fault-latency",
          "clients",
          "results-dir",
          "name",
          "app-args");
  private static final List<String> FAULTED_ACTIONS =
      List.of(
          "DescribeLoadBalancers",
          "DescribeListeners",
          "DescribeTargets",
          "BatchRegisterTargets",
          "BatchDeregisterTargets",
          "BatchModifyTargetWeight",
          "DescribeTargetHealth",
          "DescribeTaskStatus");
  private static final List<String> FAULT_CODES =
      List.of("InternalError", "RequestLimitExceeded", "FailedOperation.ResourceInOperating");

  public record Settings(
      Duration duration,
      int replicas,
      Duration rolloutEvery,
      Duration deleteWebhookEvery,
      double faultRate,
      Duration faultLatency,
      int clients,
      Path resultsDir,
      String name,
      List<String> appArgs) {

    public static Settings from(Options o) {
      return new Settings(
          o.duration("duration", Duration.ofMinutes(10)),
          o.integer("replicas", 4),
          o.duration("rollout-every", Duration.ofSeconds(40)),
          o.duration("delete-webhook-every", Duration.ofMinutes(1)),
          Double.parseDouble(o.string("fault-rate", "0.05")),
          o.duration("fault-latency", Duration.ofMillis(50)),
          o.integer("clients", 2),
          Path.of(o.string("results-dir", Report.defaultResultsDir().toString())),
          o.string("name", "soak"),
          Options.words(o.string("app-args", "")));
    }
  }

  /** clb-direct's process at one moment. */
  public record Vitals(long rssMiB, long heapUsedMiB, long threads, long openFiles) {}

  public record Result(
      double minutes,
      int rollouts,
      long served,
      long failedRequests,
      Map<String, Long> failures,
      List<String> wronglyTrue,
      long admissions,
      long failedAdmissions,
      long admissionsWithoutGate,
      int webhookDeletions,
      List<Double> repairSeconds,
      long injectedFaults,
      Vitals start,
      Vitals end,
      Path file) {}

  private SoakBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkMain.main("SoakBenchmark", args, OPTIONS, Settings::from, SoakBenchmark::run);
  }

  public static Result run(ControlPlane plane, Settings s, PrintStream out) throws Exception {
    Machine machine = Machine.describe();
    String suffix = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    String ns = "bench-soak-" + suffix;
    ApiClient client = plane.adminClient();
    DirectAccessWorkloads.namespace(client, ns, Map.of());
    String loadAverageBefore = Machine.loadAverage();
    EmulatorConfig emulator =
        EmulatorConfig.defaults("", "")
            .withTaskDelay(Duration.ofMillis(300))
            .withHealthTimeScale(0.2)
            .withSeed(9);
    try (DirectAccessRig rig =
            DirectAccessRig.start(plane, "clb-direct-" + suffix, emulator, true);
        GateObserver pods = new GateObserver(plane.adminClient(Duration.ZERO), ns, rig.clb())) {
      MeasuredClbDirect app = rig.startClbDirect(s.appArgs());
      AppsV1Api apps = new AppsV1Api(client);
      new CoreV1Api(client)
          .createNamespacedService(ns, DirectAccessWorkloads.service("web", "web", 8080, null))
          .execute();
      apps.createNamespacedDeployment(
              ns, DirectAccessWorkloads.deployment("web", "web", s.replicas()))
          .execute();
      String vip = DirectAccessWorkloads.awaitVip(client, ns, "web", Duration.ofMinutes(1));
      awaitAllGatesTrue(pods, s.replicas());
      Vitals start = vitals(app);

      FaultInjector faults = rig.clb().faults();
      for (int i = 0; i < FAULTED_ACTIONS.size(); i++) {
        faults.failAction(
            FAULTED_ACTIONS.get(i), s.faultRate(), FAULT_CODES.get(i % FAULT_CODES.size()));
      }
      faults.setLatencyMillis(s.faultLatency().toMillis());
      double faultErrorsBefore = clbErrors(app);

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong admissions = new AtomicLong();
      AtomicLong withoutGate = new AtomicLong();
      ConcurrentLinkedQueue<String> failedAdmissions = new ConcurrentLinkedQueue<>();
      ExecutorService background = Executors.newSingleThreadExecutor();
      Future<?> prober =
          background.submit(
              () -> {
                CoreV1Api core = new CoreV1Api(client);
                int n = 0;
                while (running.get()) {
                  try {
                    V1Pod admitted =
                        core.createNamespacedPod(
                                ns, DirectAccessWorkloads.pod("probe-" + n++, "web", false))
                            .dryRun("All")
                            .execute();
                    admissions.incrementAndGet();
                    if (admitted.getSpec().getReadinessGates() == null
                        || admitted.getSpec().getReadinessGates().isEmpty()) {
                      withoutGate.incrementAndGet();
                    }
                  } catch (ApiException e) {
                    admissions.incrementAndGet();
                    failedAdmissions.add(e.getCode() + " " + e.getResponseBody());
                  }
                  Sleep.millis(500);
                }
                return null;
              });
      List<Double> repairs = new ArrayList<>();
      int rollouts = 0;
      int deletions = 0;
      long begin = System.nanoTime();
      long end = begin + s.duration().toNanos();
      long nextRollout = begin + s.rolloutEvery().toNanos() / 2;
      long nextDeletion = begin + s.deleteWebhookEvery().toNanos();
      VipTraffic traffic = new VipTraffic(vip, 8080, s.clients(), 20);
      try {
        while (System.nanoTime() < end) {
          long now = System.nanoTime();
          if (now >= nextRollout) {
            rollouts++;
            String patch =
                "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"bench/soak\":\""
                    + rollouts
                    + "\"}}}}}";
            PatchUtils.patch(
                V1Deployment.class,
                () -> apps.patchNamespacedDeployment("web", ns, new V1Patch(patch)).buildCall(null),
                V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
                client);
            System.err.println(
                f(
                    "soak: rollout %d at %.0f s; served %d, failed %d",
                    rollouts, (now - begin) / 1e9, traffic.served(), traffic.failed()));
            nextRollout += s.rolloutEvery().toNanos();
          }
          if (now >= nextDeletion) {
            deletions++;
            repairs.add(deleteAndTimeRepair(client, app.configurationName()));
            System.err.println(
                f(
                    "soak: webhook configuration deleted, back in %.2f s",
                    repairs.get(repairs.size() - 1)));
            nextDeletion += s.deleteWebhookEvery().toNanos();
          }
          Sleep.millis(100);
        }
        // The last rollout finishes, with faults still on, before the books close.
        DirectAccessWorkloads.awaitRolledOut(apps, ns, "web", s.replicas(), Duration.ofMinutes(3));
        awaitAllGatesTrue(pods, s.replicas());
        Sleep.millis(2000);
      } finally {
        traffic.close();
        running.set(false);
        prober.get();
        background.shutdownNow();
      }
      faults.reset();
      double minutes = (System.nanoTime() - begin) / 60e9;
      long injected = Math.round(clbErrors(app) - faultErrorsBefore);
      Vitals endVitals = vitals(app);
      List<String> wronglyTrue = pods.wronglyTrue();
      List<String> failedCreates = failedCreates(client, ns);
      List<String> allFailedAdmissions = new ArrayList<>(failedAdmissions);
      allFailedAdmissions.addAll(failedCreates);
      String loadAverageAfter = Machine.loadAverage();

      machine.lines().forEach(out::println);
      out.println(f("load average: %s -> %s", loadAverageBefore, loadAverageAfter));
      out.println(
          f(
              "soak: %.1f min, %d replicas rolled every %d s (%d rollouts), %d VIP clients; CLB faults %.0f%% of %d actions "
                  + "(retryable codes) + %d ms latency; webhook configuration deleted every %d s",
              minutes,
              s.replicas(),
              s.rolloutEvery().toSeconds(),
              rollouts,
              s.clients(),
              s.faultRate() * 100,
              FAULTED_ACTIONS.size(),
              s.faultLatency().toMillis(),
              s.deleteWebhookEvery().toSeconds()));
      Report.Table table = new Report.Table("check", "value", "must be");
      table.row("gates seen True while the target was not Alive", wronglyTrue.size(), "0");
      table.row(
          "requests through the VIP: failed / total",
          traffic.failed() + " / " + (traffic.served() + traffic.failed()),
          "0 failed");
      table.row(
          "admissions (dry-run probes): failed / total",
          failedAdmissions.size() + " / " + admissions.get(),
          "0 failed");
      table.row("ReplicaSet FailedCreate events", failedCreates.size(), "0");
      table.row("admissions without the gate", withoutGate.get(), "-");
      table.row(
          "webhook configuration deleted / repaired", deletions + " / " + repairs.size(), "-");
      table.row(
          "repair time max s",
          repairs.isEmpty()
              ? "-"
              : f("%.2f", repairs.stream().mapToDouble(Double::doubleValue).max().orElse(0)),
          "-");
      table.row("CLB errors injected and absorbed", injected, "-");
      table.print(out);
      Report.Table vitals =
          new Report.Table("clb-direct", "RSS MiB", "heap used MiB", "threads", "open files");
      vitals.row("start", start.rssMiB(), start.heapUsedMiB(), start.threads(), start.openFiles());
      vitals.row(
          "end",
          endVitals.rssMiB(),
          endVitals.heapUsedMiB(),
          endVitals.threads(),
          endVitals.openFiles());
      vitals.print(out);
      if (traffic.failed() > 0) {
        out.println(
            "  failed requests: " + String.join("; ", VipTraffic.describe(traffic.failures())));
      }
      if (!allFailedAdmissions.isEmpty()) {
        out.println(
            "  failed admissions: "
                + allFailedAdmissions.subList(0, Math.min(5, allFailedAdmissions.size())));
      }
      if (!wronglyTrue.isEmpty()) {
        out.println("  wrongly True: " + wronglyTrue);
      }

      Map<String, Object> json = new LinkedHashMap<>();
      json.put("machine", machine.json());
      json.put("loadAverage", Map.of("before", loadAverageBefore, "after", loadAverageAfter));
      json.put(
          "settings",
          Map.of(
              "durationSeconds",
              s.duration().toSeconds(),
              "replicas",
              s.replicas(),
              "rolloutEverySeconds",
              s.rolloutEvery().toSeconds(),
              "deleteWebhookEverySeconds",
              s.deleteWebhookEvery().toSeconds(),
              "faultRate",
              s.faultRate(),
              "faultLatencyMillis",
              s.faultLatency().toMillis(),
              "clients",
              s.clients()));
      Result result =
          new Result(
              minutes,
              rollouts,
              traffic.served(),
              traffic.failed(),
              traffic.failures(),
              wronglyTrue,
              admissions.get(),
              allFailedAdmissions.size(),
              withoutGate.get(),
              deletions,
              repairs,
              injected,
              start,
              endVitals,
              null);
      json.put("result", result);
      Path file = Report.writeJson(s.resultsDir(), s.name(), json);
      out.println("results: " + file);
      return new Result(
          minutes,
          rollouts,
          traffic.served(),
          traffic.failed(),
          traffic.failures(),
          wronglyTrue,
          admissions.get(),
          allFailedAdmissions.size(),
          withoutGate.get(),
          deletions,
          repairs,
          injected,
          start,
          endVitals,
          file);
    } finally {
      DirectAccessWorkloads.deleteNamespaces(client, List.of(ns));
    }
  }

  /**
   * Deletes the MutatingWebhookConfiguration; returns the seconds until it is back with a caBundle.
   */
  private static double deleteAndTimeRepair(ApiClient client, String name) throws ApiException {
    AdmissionregistrationV1Api admission = new AdmissionregistrationV1Api(client);
    admission.deleteMutatingWebhookConfiguration(name).execute();
    long deleted = System.nanoTime();
    long deadline = deleted + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        V1MutatingWebhookConfiguration back =
            admission.readMutatingWebhookConfiguration(name).execute();
        byte[] ca =
            back.getWebhooks() == null || back.getWebhooks().isEmpty()
                ? null
                : back.getWebhooks().get(0).getClientConfig().getCaBundle();
        if (ca != null && ca.length > 0) {
          return (System.nanoTime() - deleted) / 1e9;
        }
      } catch (ApiException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
      Sleep.millis(20);
    }
    throw new IllegalStateException(
        "MutatingWebhookConfiguration " + name + " not repaired within 1 min");
  }

  private static void awaitAllGatesTrue(GateObserver pods, int replicas) {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      List<V1Pod> current =
          pods.pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
      if (current.size() == replicas && current.stream().allMatch(GateObserver::gateTrue)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not every gate True after 3 min");
      }
      Sleep.millis(100);
    }
  }

  /**
   * The ReplicaSet controller's FailedCreate Events in the namespace: Pods it could not get
   * admitted.
   */
  private static List<String> failedCreates(ApiClient client, String ns) throws ApiException {
    List<String> failed = new ArrayList<>();
    for (CoreV1Event event : new CoreV1Api(client).listNamespacedEvent(ns).execute().getItems()) {
      if ("FailedCreate".equals(event.getReason())) {
        failed.add(event.getMessage());
      }
    }
    return failed;
  }

  private static double clbErrors(MeasuredClbDirect app) {
    return PrometheusScrape.of(app).sum("clb_direct_clb_errors_total{");
  }

  static Vitals vitals(MeasuredClbDirect app) {
    long pid = app.javaPid();
    PrometheusScrape scrape = PrometheusScrape.of(app);
    long heap = (long) scrape.sum("jvm_memory_used_bytes{", line -> line.contains("area=\"heap\""));
    long threads = (long) scrape.sum("jvm_threads_live_threads");
    long openFiles;
    try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      openFiles = fds.count();
    } catch (java.io.IOException e) {
      openFiles = -1;
    }
    return new Vitals(
        ScaleBenchmark.procStatusKiB(pid, "VmRSS") >> 10, heap >> 20, threads, openFiles);
  }
}
