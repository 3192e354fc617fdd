package io.clbdirect.bench;

import static io.clbdirect.bench.Report.f;

import io.clbdirect.core.WellKnown;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.emulator.EmulatorConfig;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Lifecycle;
import io.kubernetes.client.openapi.models.V1LifecycleHandler;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1SleepAction;
import io.kubernetes.client.util.PatchUtils;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Issue 9, item 5, re-measured for issue 17: rolling updates of a {@code replicas}-replica
 * Deployment behind a direct-access Service whose Pods carry <b>no preStop hook</b>, on the fake
 * kubelet's real termination (each container's own hooks, then SIGTERM closes its listeners; {@code
 * shutdown-delay}, 0 by default, would add a sleep to every Pod). All sides run on one clb-direct
 * and one emulator, each in its own namespace with its own load balancer, the same health check
 * (TCP, 5 s interval, healthy after 3, in real time by default: a faster clock would let new
 * targets turn Alive within the old Pods' drain and hide what the gate is for), the Service's
 * {@code enable-grace-shutdown} (weight 0 on deletion) and traffic through the VIP:
 *
 * <ul>
 *   <li><b>drain</b>: the webhook's readiness gate and its injected preStop sleep ({@code
 *       clb-direct.webhook.drain.seconds});
 *   <li><b>no-drain</b>: the gate, but the Pod template opts out of the drain ({@code
 *       clb-direct.io/drain: "false"}): a deleted Pod stops serving at once, while the CLB still
 *       sends it connections until the weight 0 lands;
 *   <li><b>ungated</b>: a namespace opted out of the webhook, so neither gate nor drain;
 *   <li><b>own-hook</b>: the gate, and a preStop sleep of the user's own ({@code own-hook-seconds})
 *       that the webhook must leave as it is.
 * </ul>
 *
 * Per rollout it reports the duration (patch to the Deployment complete), the time until the load
 * balancer serves from new Pods only (old ones gone), the requests served and failed, the preStop
 * hooks the new Pods carry, and for each old Pod the deletion → CLB change latency: from the
 * bench's Pod watch first seeing the deletionTimestamp to the emulator applying the weight 0 (or
 * deregistration) that takes the Pod's IP out of service, both on this JVM's clock. clb-direct's
 * own histogram {@code clb_direct_gate_deletion_to_clb_change_seconds} (deletion time in whole
 * seconds) is read before and after each rollout as a cross-check. Sides alternate for {@code
 * rounds} rounds. See docs/benchmarks.md.
 */
public final class RolloutBenchmark {

  private static final Set<String> OPTIONS =
      Set.of(
          "replicas",
          "rounds",
          "clients",
          "shutdown-delay",
          "health-time-scale",
          "results-dir",
          "name",
          "app-args",
          "sides",
          "own-hook-seconds");
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final String METRIC = "clb_direct_gate_deletion_to_clb_change_seconds";

  /** One workload variant, each in its own namespace behind its own Service. */
  public enum Side {
    DRAIN("drain", "gate + drain"),
    NO_DRAIN("no-drain", "gate, drain off"),
    UNGATED("ungated", "no gate, no drain"),
    OWN_HOOK("own-hook", "gate + own hook");

    private final String option;
    private final String label;

    Side(String option, String label) {
      this.option = option;
      this.label = label;
    }

    public String label() {
      return label;
    }

    static Side fromOption(String option) {
      for (Side side : values()) {
        if (side.option.equals(option.trim())) {
          return side;
        }
      }
      throw new IllegalArgumentException(
          "--sides: unknown side '" + option + "' (drain, no-drain, ungated, own-hook)");
    }
  }

  public record Settings(
      int replicas,
      int rounds,
      int clients,
      Duration shutdownDelay,
      double healthTimeScale,
      Path resultsDir,
      String name,
      List<String> appArgs,
      List<Side> sides,
      int ownHookSeconds) {

    public static Settings from(Options o) {
      List<Side> sides = new ArrayList<>();
      for (String side : o.string("sides", "drain,no-drain,ungated,own-hook").split(",")) {
        sides.add(Side.fromOption(side));
      }
      return new Settings(
          o.integer("replicas", 10),
          o.integer("rounds", 2),
          o.integer("clients", 4),
          o.duration("shutdown-delay", Duration.ZERO),
          Double.parseDouble(o.string("health-time-scale", "1")),
          Path.of(o.string("results-dir", Report.defaultResultsDir().toString())),
          o.string("name", "rollout"),
          Options.words(o.string("app-args", "")),
          List.copyOf(sides),
          o.integer("own-hook-seconds", 12));
    }
  }

  /**
   * One rollout of one side.
   *
   * @param preStop the distinct preStop hooks of the new Pods' containers ("none" for a container
   *     without)
   * @param deletionToChangeMillis per old Pod, its deletion seen → its IP out of service on the CLB
   * @param metricSamples samples clb-direct's histogram gained during the rollout, and their sum in
   *     seconds
   */
  public record Rollout(
      String side,
      int round,
      double completeSeconds,
      double servingNewSeconds,
      long served,
      long failed,
      Map<String, Long> failures,
      List<String> wronglyTrue,
      List<String> preStop,
      List<Long> deletionToChangeMillis,
      long metricSamples,
      double metricSeconds) {}

  public record Result(List<Rollout> rollouts, Path file) {}

  private RolloutBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkMain.main("RolloutBenchmark", args, OPTIONS, Settings::from, RolloutBenchmark::run);
  }

  public static Result run(ControlPlane plane, Settings s, PrintStream out) throws Exception {
    Machine machine = Machine.describe();
    String suffix = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    ApiClient client = plane.adminClient();
    Map<Side, String> namespaces = new LinkedHashMap<>();
    for (Side side : s.sides()) {
      namespaces.put(side, "bench-rollout-" + side.option + "-" + suffix);
    }
    String loadAverageBefore = Machine.loadAverage();
    String started = Instant.now().toString();
    EmulatorConfig emulator =
        EmulatorConfig.defaults("", "")
            .withTaskDelay(Duration.ofMillis(300))
            .withHealthTimeScale(s.healthTimeScale());
    List<Rollout> rollouts = new ArrayList<>();
    Map<Side, GateObserver> observers = new LinkedHashMap<>();
    try (DirectAccessRig rig =
        DirectAccessRig.start(plane, "clb-direct-" + suffix, emulator, true)) {
      for (Map.Entry<Side, String> side : namespaces.entrySet()) {
        DirectAccessWorkloads.namespace(
            client,
            side.getValue(),
            side.getKey() == Side.UNGATED
                ? Map.of(PodCreationBenchmark.OPT_OUT_LABEL, "disabled")
                : Map.of());
        observers.put(
            side.getKey(),
            new GateObserver(plane.adminClient(Duration.ZERO), side.getValue(), rig.clb()));
      }
      OutOfService outOfService = new OutOfService(rig.clb());
      if (!s.shutdownDelay().isZero()) {
        // Off by default: the workloads carry no preStop of their own (but the own-hook side), the
        // kubelet's
        // real termination applies. A delay adds a sleep to every Pod, as a hook would.
        rig.kubelet().setDefaultShutdownDelay(s.shutdownDelay());
      }
      rig.startClbDirect(s.appArgs());
      Map<Side, String> vips = new LinkedHashMap<>();
      for (Map.Entry<Side, String> side : namespaces.entrySet()) {
        String ns = side.getValue();
        new CoreV1Api(client)
            .createNamespacedService(ns, DirectAccessWorkloads.service("web", "web", 8080, null))
            .execute();
        new AppsV1Api(client)
            .createNamespacedDeployment(ns, deployment(side.getKey(), s))
            .execute();
        vips.put(
            side.getKey(),
            DirectAccessWorkloads.awaitVip(client, ns, "web", Duration.ofMinutes(1)));
      }
      for (int round = 1; round <= s.rounds(); round++) {
        for (Side side : s.sides()) {
          rollouts.add(
              rollout(
                  client,
                  rig,
                  side,
                  round,
                  namespaces.get(side),
                  vips.get(side),
                  observers.get(side),
                  outOfService,
                  s));
        }
      }
      List<String> wronglyTrue = new ArrayList<>();
      observers.forEach(
          (side, observer) -> {
            if (side != Side.UNGATED) {
              wronglyTrue.addAll(observer.wronglyTrue());
            }
          });
      String loadAverageAfter = Machine.loadAverage();
      print(out, machine, s, started, loadAverageBefore, loadAverageAfter, rollouts, wronglyTrue);

      Map<String, Object> json = new LinkedHashMap<>();
      json.put("machine", machine.json());
      json.put("started", started);
      json.put("loadAverage", Map.of("before", loadAverageBefore, "after", loadAverageAfter));
      json.put(
          "settings",
          Map.of(
              "replicas",
              s.replicas(),
              "rounds",
              s.rounds(),
              "clients",
              s.clients(),
              "shutdownDelayMillis",
              s.shutdownDelay().toMillis(),
              "healthTimeScale",
              s.healthTimeScale(),
              "appArgs",
              s.appArgs(),
              "sides",
              s.sides().stream().map(side -> side.option).toList(),
              "ownHookSeconds",
              s.ownHookSeconds()));
      json.put("rollouts", rollouts);
      json.put("wronglyTrue", wronglyTrue);
      Path file = Report.writeJson(s.resultsDir(), s.name(), json);
      out.println("results: " + file);
      return new Result(rollouts, file);
    } finally {
      observers.values().forEach(GateObserver::close);
      DirectAccessWorkloads.deleteNamespaces(client, List.copyOf(namespaces.values()));
    }
  }

  /**
   * The side's Deployment: no hook (drain, no-drain, ungated), or the user's own sleep; no-drain
   * opts its Pods out of the drain.
   */
  static V1Deployment deployment(Side side, Settings s) {
    V1Deployment deployment = DirectAccessWorkloads.deployment("web", "web", s.replicas());
    var template = deployment.getSpec().getTemplate();
    if (side == Side.NO_DRAIN) {
      template.getMetadata().putAnnotationsItem(WellKnown.POD_DRAIN_ANNOTATION, "false");
    }
    if (side == Side.OWN_HOOK) {
      template
          .getSpec()
          .getContainers()
          .get(0)
          .lifecycle(
              new V1Lifecycle()
                  .preStop(
                      new V1LifecycleHandler()
                          .sleep(new V1SleepAction().seconds((long) s.ownHookSeconds()))));
    }
    return deployment;
  }

  /**
   * Waits until the Deployment is complete and the CLB holds every current Pod Alive, then rolls it
   * with traffic running, until the Deployment is complete again and the load balancer serves from
   * the new Pods only (each Alive, old ones gone), plus one second of traffic.
   */
  private static Rollout rollout(
      ApiClient client,
      DirectAccessRig rig,
      Side side,
      int round,
      String ns,
      String vip,
      GateObserver pods,
      OutOfService outOfService,
      Settings s)
      throws Exception {
    AppsV1Api apps = new AppsV1Api(client);
    DirectAccessWorkloads.awaitRolledOut(apps, ns, "web", s.replicas(), TIMEOUT);
    awaitServingCurrentPods(pods, s.replicas(), "before");
    List<String> wronglyBefore = pods.wronglyTrue();
    List<String> oldPods = pods.pods().stream().map(p -> p.getMetadata().getName()).toList();
    PrometheusScrape metricBefore = PrometheusScrape.of(rig.app());
    long started;
    double complete;
    double servingNew;
    try (VipTraffic traffic = new VipTraffic(vip, 8080, s.clients(), 20)) {
      Sleep.millis(
          1000); // steady traffic first: failures before the patch would be the setup's, not the
      // rollout's
      if (traffic.failed() > 0) {
        throw new IllegalStateException(
            side.label() + ": requests failed before the rollout: " + traffic.failures());
      }
      started = System.nanoTime();
      String patch =
          "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"bench/rollout\":\""
              + side.option
              + "-"
              + round
              + "\"}}}}}";
      PatchUtils.patch(
          V1Deployment.class,
          () -> apps.patchNamespacedDeployment("web", ns, new V1Patch(patch)).buildCall(null),
          V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          client);
      DirectAccessWorkloads.awaitRolledOut(apps, ns, "web", s.replicas(), TIMEOUT);
      complete = (System.nanoTime() - started) / 1e9;
      awaitServingCurrentPods(pods, s.replicas(), "after");
      servingNew = (System.nanoTime() - started) / 1e9;
      Sleep.millis(1000);
      traffic.close();
      PrometheusScrape metricAfter = PrometheusScrape.of(rig.app());
      List<String> wrongly = new ArrayList<>(pods.wronglyTrue());
      wrongly.removeAll(wronglyBefore);
      List<Long> latencies = new ArrayList<>();
      for (String old : oldPods) {
        GateObserver.Deleted deleted = pods.deleted(old);
        Instant left =
            deleted == null || deleted.ip() == null ? null : outOfService.leftAt(deleted.ip());
        if (left != null) {
          latencies.add(Duration.between(deleted.seen(), left).toMillis());
        }
      }
      return new Rollout(
          side.label(),
          round,
          complete,
          servingNew,
          traffic.served(),
          traffic.failed(),
          traffic.failures(),
          wrongly,
          hooks(pods.pods()),
          latencies,
          Math.round(metricAfter.sum(METRIC + "_count") - metricBefore.sum(METRIC + "_count")),
          metricAfter.sum(METRIC + "_sum") - metricBefore.sum(METRIC + "_sum"));
    }
  }

  /** The distinct preStop hooks of these Pods' containers, e.g. "sleep 10s", or "none". */
  static List<String> hooks(List<V1Pod> pods) {
    Set<String> hooks = new TreeSet<>();
    for (V1Pod pod : pods) {
      for (V1Container container : pod.getSpec().getContainers()) {
        V1LifecycleHandler preStop =
            container.getLifecycle() == null ? null : container.getLifecycle().getPreStop();
        if (preStop == null) {
          hooks.add("none");
        } else if (preStop.getSleep() != null) {
          hooks.add("sleep " + preStop.getSleep().getSeconds() + "s");
        } else {
          hooks.add(
              preStop.getHttpGet() != null
                  ? "httpGet"
                  : preStop.getExec() != null ? "exec" : "other");
        }
      }
    }
    return List.copyOf(hooks);
  }

  /** Nearest-rank percentile; -1 for no samples. */
  static long percentile(List<Long> samples, double q) {
    if (samples.isEmpty()) {
      return -1;
    }
    List<Long> sorted = samples.stream().sorted().toList();
    return sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
  }

  private static void print(
      PrintStream out,
      Machine machine,
      Settings s,
      String started,
      String loadBefore,
      String loadAfter,
      List<Rollout> rollouts,
      List<String> wronglyTrue) {
    machine.lines().forEach(out::println);
    out.println(f("started %s; load average: %s -> %s", started, loadBefore, loadAfter));
    out.println(
        f(
            "rolling update of %d replicas (maxSurge 25%%, maxUnavailable 25%%), %d clients through the VIP each opening a new "
                + "connection every 20 ms; TCP health check 5 s interval, healthy after 3, clock x%s; fake kubelet's real termination "
                + "(hooks, then SIGTERM), shutdown delay %d ms; clb-direct %s",
            s.replicas(),
            s.clients(),
            s.healthTimeScale(),
            s.shutdownDelay().toMillis(),
            s.appArgs().isEmpty() ? "with its defaults" : String.join(" ", s.appArgs())));
    Report.Table table =
        new Report.Table(
            "side",
            "round",
            "preStop",
            "rollout s",
            "serving new only s",
            "requests",
            "failed",
            "failed %",
            "deletion->CLB p50 ms",
            "p99 ms");
    for (Rollout r : rollouts) {
      table.row(
          r.side(),
          r.round(),
          String.join(",", r.preStop()),
          f("%.1f", r.completeSeconds()),
          f("%.1f", r.servingNewSeconds()),
          r.served() + r.failed(),
          r.failed(),
          f("%.2f", 100.0 * r.failed() / Math.max(1, r.served() + r.failed())),
          percentile(r.deletionToChangeMillis(), 0.5),
          percentile(r.deletionToChangeMillis(), 0.99));
    }
    table.print(out);
    for (Rollout r : rollouts) {
      if (r.failed() > 0) {
        out.println(
            "  "
                + r.side()
                + " round "
                + r.round()
                + ": "
                + String.join("; ", VipTraffic.describe(r.failures())));
      }
    }
    List<Long> all = new ArrayList<>();
    long samples = 0;
    double seconds = 0;
    for (Rollout r : rollouts) {
      all.addAll(r.deletionToChangeMillis());
      samples += r.metricSamples();
      seconds += r.metricSeconds();
    }
    out.println(
        f(
            "deletion -> CLB change, all %d deleted Pods (Pod watch saw the deletion -> the emulator applied weight 0 or the "
                + "deregistration): p50 %d ms, p99 %d ms, max %d ms",
            all.size(),
            percentile(all, 0.5),
            percentile(all, 0.99),
            all.stream().mapToLong(Long::longValue).max().orElse(-1)));
    out.println(
        f(
            "clb-direct's %s over the rollouts: %d samples, mean %.0f ms (its deletion time is in whole seconds)",
            METRIC, samples, samples == 0 ? -1 : 1000 * seconds / samples));
    out.println(
        f(
            "gates seen True while the target was not Alive: %d%s",
            wronglyTrue.size(), wronglyTrue.isEmpty() ? "" : " " + wronglyTrue));
  }

  /**
   * Exactly the current (not terminating) Pods' targets are bound, all Alive, and no terminating
   * Pod remains.
   */
  private static void awaitServingCurrentPods(GateObserver pods, int replicas, String when) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      List<V1Pod> all = pods.pods();
      List<V1Pod> current =
          all.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
      boolean allAlive =
          current.size() == replicas
              && all.size() == replicas
              && current.stream()
                  .allMatch(
                      p ->
                          p.getStatus() != null
                              && pods.targetsNotAlive(p.getStatus().getPodIP()).isEmpty());
      if (allAlive) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the load balancer does not serve exactly the current Pods "
                + when
                + " the rollout after "
                + TIMEOUT);
      }
      Sleep.millis(50);
    }
  }
}
