package io.clbdirect.e2e;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.PatchUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workload of the fault scenarios (issue 20): a direct-access Service on {@code port} in front
 * of a Deployment {@code web}, ready and recorded; rollouts by a template annotation; and what a
 * user sees afterwards (Events by reason, clb-direct's metrics, its leadership log lines).
 */
final class FaultWorkload {

  static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final ClbDirectStack stack;
  final String ns;
  final int port;
  final String vip;
  final String loadBalancerId;
  private int rollouts = 1;

  private FaultWorkload(ClbDirectStack stack, String ns, int port, String vip, String lbId) {
    this.stack = stack;
    this.ns = ns;
    this.port = port;
    this.vip = vip;
    this.loadBalancerId = lbId;
  }

  /** Creates it and waits until every replica is Available and the load balancer recorded. */
  static FaultWorkload create(ClbDirectStack stack, String ns, int port, int replicas)
      throws Exception {
    Namespaces.create(stack.core(), ns);
    V1Service web = Fixtures.directAccessService("web", "web");
    web.getSpec().getPorts().get(0).port(port).targetPort(new IntOrString(Fixtures.CONTAINER_PORT));
    stack.core().createNamespacedService(ns, web).execute();
    stack
        .apps()
        .createNamespacedDeployment(ns, Fixtures.deployment("web", "web", replicas))
        .execute();
    stack.deployments().awaitAvailable(ns, "web", replicas, TIMEOUT);
    V1Service recorded =
        Await.until(
            TIMEOUT,
            "the load balancer and VIP recorded",
            () -> Unchecked.get(() -> stack.core().readNamespacedService("web", ns).execute()),
            s ->
                s.getStatus().getLoadBalancer() != null
                    && s.getStatus().getLoadBalancer().getIngress() != null
                    && !s.getStatus().getLoadBalancer().getIngress().isEmpty());
    return new FaultWorkload(
        stack,
        ns,
        port,
        recorded.getStatus().getLoadBalancer().getIngress().get(0).getIp(),
        recorded.getMetadata().getAnnotations().get("service.kubernetes.io/loadbalance-id"));
  }

  /** Starts a rolling update (a new template annotation); returns at once. */
  void startRollout() throws ApiException {
    rollouts++;
    String patch =
        "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"rollout\":\""
            + rollouts
            + "\"}}}}}";
    PatchUtils.patch(
        V1Deployment.class,
        () -> stack.apps().patchNamespacedDeployment("web", ns, new V1Patch(patch)).buildCall(null),
        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        stack.admin());
  }

  /** Scales the Deployment; returns at once. */
  void scale(int replicas) throws ApiException {
    String patch = "{\"spec\":{\"replicas\":" + replicas + "}}";
    PatchUtils.patch(
        V1Deployment.class,
        () -> stack.apps().patchNamespacedDeployment("web", ns, new V1Patch(patch)).buildCall(null),
        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        stack.admin());
  }

  /** Waits until the Deployment is at its latest template with {@code replicas} Available. */
  void awaitRolledOut(int replicas, Duration timeout) {
    Await.until(
        timeout,
        "Deployment web rolled out with " + replicas + " replicas",
        () -> stack.deployments().read(ns, "web"),
        d ->
            d.getStatus() != null
                && d.getMetadata().getGeneration().equals(d.getStatus().getObservedGeneration())
                && Integer.valueOf(replicas).equals(d.getStatus().getUpdatedReplicas())
                && Integer.valueOf(replicas).equals(d.getStatus().getAvailableReplicas())
                && Integer.valueOf(replicas).equals(d.getStatus().getReplicas()));
    Await.until(
        timeout, "old Pods gone", () -> stack.pods().withApp(ns, "web").size(), n -> n == replicas);
  }

  /**
   * For the Pods now in the namespace: the longest time from their containers being ready (the
   * kubelet's part) to clb-direct's gate turning True (bound and Alive), in whole seconds as the
   * API server records both. Separates clb-direct's share of a slow recovery from the rest.
   */
  long slowestGateSeconds() {
    long slowest = 0;
    for (var pod : stack.pods().withApp(ns, "web")) {
      var containers = Pods.condition(pod, "ContainersReady").orElse(null);
      var gate = Pods.condition(pod, io.clbdirect.core.WellKnown.READINESS_GATE).orElse(null);
      if (containers != null
          && gate != null
          && "True".equals(gate.getStatus())
          && containers.getLastTransitionTime() != null
          && gate.getLastTransitionTime() != null) {
        slowest =
            Math.max(
                slowest,
                Duration.between(containers.getLastTransitionTime(), gate.getLastTransitionTime())
                    .toSeconds());
      }
    }
    return slowest;
  }

  /** Event reason → count, in the workload's namespace and clb-direct's. */
  Map<String, Integer> eventReasons(String system) throws ApiException {
    Map<String, Integer> reasons = new TreeMap<>();
    for (String namespace : new String[] {ns, system}) {
      for (CoreV1Event event : stack.core().listNamespacedEvent(namespace).execute().getItems()) {
        if (event.getSource() != null
            && event.getSource().getComponent() != null
            && event.getSource().getComponent().startsWith("clb-direct")) {
          reasons.merge(
              event.getType() + " " + event.getReason(),
              event.getCount() == null ? 1 : event.getCount(),
              Integer::sum);
        }
      }
    }
    return reasons;
  }

  /** The sum of a metric's samples in clb-direct's Prometheus output (all label sets). */
  double metric(String name) {
    return stack
        .clbDirect()
        .management("/actuator/prometheus")
        .lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /**
   * From {@code back} (the fault's end) to the first line of clb-direct's log after {@code since}
   * (the fault's start) saying it leads the gate-controller again; negative if it led again before
   * {@code back}, null if it has not. Its log's timestamps are this machine's clock too.
   */
  Duration leadingAgainAfter(String system, java.time.Instant since, java.time.Instant back)
      throws Exception {
    Path log = stack.plane().workDir().resolve(system).resolve("clb-direct.log");
    try (var lines = Files.lines(log)) {
      return lines
          .filter(l -> l.contains(" leads clb-direct-gate-controller"))
          .filter(l -> !l.contains("no longer leads"))
          .map(l -> java.time.Instant.parse(l.substring(0, l.indexOf(' '))))
          .filter(at -> !at.isBefore(since))
          .findFirst()
          .map(at -> Duration.between(back, at))
          .orElse(null);
    }
  }

  /** How often clb-direct's log says it lost the gate-controller's Lease. */
  long leadershipLost(String system) throws Exception {
    Path log = stack.plane().workDir().resolve(system).resolve("clb-direct.log");
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("no longer leads clb-direct-gate-controller")).count();
    }
  }
}
