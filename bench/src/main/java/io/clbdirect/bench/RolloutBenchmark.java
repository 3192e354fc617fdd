package io.clbdirect.bench;

import static io.clbdirect.bench.Report.f;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.emulator.EmulatorConfig;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.PatchUtils;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Issue 9, item 5: a rolling update of a {@code replicas}-replica Deployment behind a direct-access
 * Service, with clb-direct's readiness gate and without it, under the same load balancer, health check
 * (TCP, 5 s interval, healthy after 3, in real time by default: a faster clock would let new targets turn
 * Alive within the old Pods' drain and hide what the gate is for), the fake kubelet's real termination (the
 * workloads carry no preStop hook; {@code shutdown-delay}, 0 by default, would add a sleep to every Pod) and
 * traffic through the VIP. The gated side gets the webhook's readiness gate and its injected preStop drain;
 * the ungated side is a namespace opted out of the webhook, so neither: clb-direct still binds its Pods, but
 * the rollout does not wait for the CLB and a deleted Pod stops serving at once. Reports the rollout's duration (patch to the Deployment complete),
 * the time until the load balancer serves from new Pods only, and the requests served and failed.
 * Sides alternate for {@code rounds} rounds. See docs/benchmarks.md.
 */
public final class RolloutBenchmark {

  private static final Set<String> OPTIONS = Set.of("replicas", "rounds", "clients", "shutdown-delay", "health-time-scale",
      "results-dir", "name", "app-args");
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  public record Settings(int replicas, int rounds, int clients, Duration shutdownDelay, double healthTimeScale, Path resultsDir,
      String name, List<String> appArgs) {

    public static Settings from(Options o) {
      return new Settings(o.integer("replicas", 10), o.integer("rounds", 2), o.integer("clients", 4),
          o.duration("shutdown-delay", Duration.ZERO), Double.parseDouble(o.string("health-time-scale", "1")),
          Path.of(o.string("results-dir", Report.defaultResultsDir().toString())), o.string("name", "rollout"),
          Options.words(o.string("app-args", "")));
    }
  }

  /** One rollout of one side. */
  public record Rollout(String side, int round, double completeSeconds, double servingNewSeconds, long served, long failed,
      Map<String, Long> failures, List<String> wronglyTrue) {}

  public record Result(List<Rollout> rollouts, Path file) {}

  private RolloutBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkMain.main("RolloutBenchmark", args, OPTIONS, Settings::from, RolloutBenchmark::run);
  }

  public static Result run(ControlPlane plane, Settings s, PrintStream out) throws Exception {
    Machine machine = Machine.describe();
    String suffix = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    String gated = "bench-rollout-gated-" + suffix;
    String ungated = "bench-rollout-ungated-" + suffix;
    ApiClient client = plane.adminClient();
    DirectAccessWorkloads.namespace(client, gated, Map.of());
    DirectAccessWorkloads.namespace(client, ungated, Map.of(PodCreationBenchmark.OPT_OUT_LABEL, "disabled"));
    String loadAverageBefore = Machine.loadAverage();
    EmulatorConfig emulator = EmulatorConfig.defaults("", "").withTaskDelay(Duration.ofMillis(300)).withHealthTimeScale(s.healthTimeScale());
    List<Rollout> rollouts = new ArrayList<>();
    try (DirectAccessRig rig = DirectAccessRig.start(plane, "clb-direct-" + suffix, emulator, true);
        GateObserver gatedPods = new GateObserver(plane.adminClient(Duration.ZERO), gated, rig.clb());
        GateObserver ungatedPods = new GateObserver(plane.adminClient(Duration.ZERO), ungated, rig.clb())) {
      if (!s.shutdownDelay().isZero()) {
        // Off by default: the workloads carry no preStop, the kubelet's real termination applies, and the
        // gated side is drained by the webhook's injected preStop sleep. A delay adds a sleep to every Pod.
        rig.kubelet().setDefaultShutdownDelay(s.shutdownDelay());
      }
      rig.startClbDirect(s.appArgs());
      Map<String, String> vips = new LinkedHashMap<>();
      for (String ns : List.of(gated, ungated)) {
        new CoreV1Api(client).createNamespacedService(ns, DirectAccessWorkloads.service("web", "web", 8080, null)).execute();
        new AppsV1Api(client).createNamespacedDeployment(ns, DirectAccessWorkloads.deployment("web", "web", s.replicas())).execute();
        vips.put(ns, DirectAccessWorkloads.awaitVip(client, ns, "web", Duration.ofMinutes(1)));
      }
      for (int round = 1; round <= s.rounds(); round++) {
        rollouts.add(rollout(client, "with gate", round, gated, vips.get(gated), gatedPods, s));
        rollouts.add(rollout(client, "without gate", round, ungated, vips.get(ungated), ungatedPods, s));
      }
      List<String> wronglyTrue = gatedPods.wronglyTrue();
      String loadAverageAfter = Machine.loadAverage();

      machine.lines().forEach(out::println);
      out.println(f("load average: %s -> %s", loadAverageBefore, loadAverageAfter));
      out.println(f("rolling update of %d replicas (maxSurge 25%%, maxUnavailable 25%%), %d clients through the VIP each opening a new "
          + "connection every 20 ms; TCP health check 5 s interval, healthy after 3, clock x%s; deleted Pods serve %d ms more",
          s.replicas(), s.clients(), s.healthTimeScale(), s.shutdownDelay().toMillis()));
      Report.Table table = new Report.Table("side", "round", "rollout s", "serving new only s", "requests", "failed", "failed %");
      for (Rollout r : rollouts) {
        table.row(r.side(), r.round(), f("%.1f", r.completeSeconds()), f("%.1f", r.servingNewSeconds()), r.served() + r.failed(),
            r.failed(), f("%.2f", 100.0 * r.failed() / Math.max(1, r.served() + r.failed())));
      }
      table.print(out);
      for (Rollout r : rollouts) {
        if (r.failed() > 0) {
          out.println("  " + r.side() + " round " + r.round() + ": " + String.join("; ", VipTraffic.describe(r.failures())));
        }
      }
      out.println(f("gates seen True while the target was not Alive: %d%s", wronglyTrue.size(), wronglyTrue.isEmpty() ? "" : " " + wronglyTrue));

      Map<String, Object> json = new LinkedHashMap<>();
      json.put("machine", machine.json());
      json.put("loadAverage", Map.of("before", loadAverageBefore, "after", loadAverageAfter));
      json.put("settings", Map.of("replicas", s.replicas(), "rounds", s.rounds(), "clients", s.clients(),
          "shutdownDelayMillis", s.shutdownDelay().toMillis(), "healthTimeScale", s.healthTimeScale()));
      json.put("rollouts", rollouts);
      json.put("wronglyTrue", wronglyTrue);
      Path file = Report.writeJson(s.resultsDir(), s.name(), json);
      out.println("results: " + file);
      return new Result(rollouts, file);
    } finally {
      DirectAccessWorkloads.deleteNamespaces(client, List.of(gated, ungated));
    }
  }

  /**
   * Waits until the Deployment is complete and the CLB holds every current Pod Alive, then rolls it
   * with traffic running, until the Deployment is complete again and the load balancer serves from the
   * new Pods only (each Alive, old ones gone), plus one second of traffic.
   */
  private static Rollout rollout(ApiClient client, String side, int round, String ns, String vip, GateObserver pods, Settings s)
      throws Exception {
    AppsV1Api apps = new AppsV1Api(client);
    DirectAccessWorkloads.awaitRolledOut(apps, ns, "web", s.replicas(), TIMEOUT);
    awaitServingCurrentPods(pods, s.replicas(), "before");
    List<String> wronglyBefore = pods.wronglyTrue();
    long started;
    double complete;
    double servingNew;
    try (VipTraffic traffic = new VipTraffic(vip, 8080, s.clients(), 20)) {
      Sleep.millis(1000); // steady traffic first: failures before the patch would be the setup's, not the rollout's
      if (traffic.failed() > 0) {
        throw new IllegalStateException(side + ": requests failed before the rollout: " + traffic.failures());
      }
      started = System.nanoTime();
      String patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"bench/rollout\":\"" + side.replace(' ', '-') + "-" + round
          + "\"}}}}}";
      PatchUtils.patch(V1Deployment.class, () -> apps.patchNamespacedDeployment("web", ns, new V1Patch(patch)).buildCall(null),
          V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH, client);
      DirectAccessWorkloads.awaitRolledOut(apps, ns, "web", s.replicas(), TIMEOUT);
      complete = (System.nanoTime() - started) / 1e9;
      awaitServingCurrentPods(pods, s.replicas(), "after");
      servingNew = (System.nanoTime() - started) / 1e9;
      Sleep.millis(1000);
      traffic.close();
      List<String> wrongly = new ArrayList<>(pods.wronglyTrue());
      wrongly.removeAll(wronglyBefore);
      return new Rollout(side, round, complete, servingNew, traffic.served(), traffic.failed(), traffic.failures(), wrongly);
    }
  }

  /** Exactly the current (not terminating) Pods' targets are bound, all Alive, and no terminating Pod remains. */
  private static void awaitServingCurrentPods(GateObserver pods, int replicas, String when) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      List<V1Pod> all = pods.pods();
      List<V1Pod> current = all.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
      boolean allAlive = current.size() == replicas && all.size() == replicas && current.stream()
          .allMatch(p -> p.getStatus() != null && pods.targetsNotAlive(p.getStatus().getPodIP()).isEmpty());
      if (allAlive) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the load balancer does not serve exactly the current Pods " + when + " the rollout after " + TIMEOUT);
      }
      Sleep.millis(50);
    }
  }
}
