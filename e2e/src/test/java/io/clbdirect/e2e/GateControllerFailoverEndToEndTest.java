package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6, test 5: the gate-controller's leader is killed (SIGKILL, no Lease released) in the
 * middle of a rolling update; the other replica takes over within the lease, the rollout completes,
 * and no gate is ever True for a target the CLB does not report Alive.
 */
class GateControllerFailoverEndToEndTest {

  static final String SYSTEM = "clb-direct-failover-e2e";
  static final String GATE = "cloud.tencent.com/load-balancer-backendgroup-ready";
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .gateController(96)
          .replicas("replica-a", "replica-b")
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-4", 4))
          .build();

  @Test
  void theSurvivorFinishesTheRolloutAndNoGateIsTrueTooEarly() throws Exception {
    CoreV1Api core = stack.core();
    AppsV1Api apps = stack.apps();
    CoordinationV1Api leases = new CoordinationV1Api(stack.admin());
    AliveHistory history = stack.aliveHistory();
    String ns = "failover-web";
    Namespaces.create(core, ns);
    V1Service web = Fixtures.directAccessService("web", "web");
    web.getSpec()
        .getPorts()
        .get(0)
        .port(28080)
        .targetPort(new IntOrString(Fixtures.CONTAINER_PORT));
    core.createNamespacedService(ns, web).execute();
    apps.createNamespacedDeployment(ns, Fixtures.deployment("web", "web", 3)).execute();
    Await.until(
        TIMEOUT,
        "3 replicas Available",
        () -> stack.deployments().read(ns, "web"),
        d -> Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas()));

    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    ExecutorService checker = Executors.newSingleThreadExecutor();
    checker.submit(
        () -> {
          while (running.get()) {
            violations.addAll(gateTrueBeforeAlive(history, stack.pods(), ns));
            Thread.sleep(100);
          }
          return null;
        });
    long killedAt;
    String leader;
    try {
      leader =
          leases
              .readNamespacedLease("clb-direct-gate-controller", SYSTEM)
              .execute()
              .getSpec()
              .getHolderIdentity();
      String patch =
          "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"rollout\":\"2\"}}}}}";
      PatchUtils.patch(
          V1Deployment.class,
          () -> apps.patchNamespacedDeployment("web", ns, new V1Patch(patch)).buildCall(null),
          V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          stack.admin());
      Thread.sleep(1500);
      stack.replica(leader).kill();
      killedAt = System.nanoTime();
      Await.until(
          TIMEOUT,
          "rollout complete after the leader died",
          () -> stack.deployments().read(ns, "web"),
          d ->
              d.getStatus() != null
                  && Integer.valueOf(3).equals(d.getStatus().getUpdatedReplicas())
                  && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas())
                  && Integer.valueOf(3).equals(d.getStatus().getReplicas()));
    } finally {
      running.set(false);
      checker.shutdown();
      checker.awaitTermination(5, TimeUnit.SECONDS);
    }
    String survivor =
        leases
            .readNamespacedLease("clb-direct-gate-controller", SYSTEM)
            .execute()
            .getSpec()
            .getHolderIdentity();
    System.out.printf(
        "FAILOVER gate-controller leader %s killed mid-rollout; %s finished it %d ms later; %d gate-before-healthy sightings%n",
        leader,
        survivor,
        Duration.ofNanos(System.nanoTime() - killedAt).toMillis(),
        violations.size());
    assertThat(survivor).isNotEqualTo(leader);
    assertThat(violations)
        .as("gates True before the CLB ever reported their target Alive")
        .isEmpty();
  }

  /** Non-terminating Pods whose gate is True although the CLB never reported their target Alive. */
  static List<String> gateTrueBeforeAlive(AliveHistory history, Pods pods, String ns) {
    List<String> offenders = new ArrayList<>();
    for (V1Pod pod : pods.withApp(ns, "web")) {
      boolean gateTrue =
          Pods.condition(pod, GATE)
              .map(
                  c ->
                      "True".equals(c.getStatus())
                          && "LoadBalancerNetworkGroupReady".equals(c.getReason()))
              .orElse(false);
      if (gateTrue
          && pod.getMetadata().getDeletionTimestamp() == null
          && !history.everAlive(pod.getStatus().getPodIP(), Fixtures.CONTAINER_PORT)) {
        offenders.add(
            pod.getMetadata().getName() + " (" + pod.getStatus().getPodIP() + " never Alive)");
      }
    }
    return offenders;
  }
}
