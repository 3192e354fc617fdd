package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.e2e.app.ClbDirectProcess;
import io.clbdirect.e2e.faults.ApiServerProxy;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 20, a partitioned leader: the gate-controller's leader loses the API server (its own proxy
 * is cut) but keeps the CLB, in the middle of a rollout whose target registration it is retrying.
 * It must send no CLB write once its renew deadline has passed, the other replica must take over
 * and finish, and no gate may be True too early.
 *
 * <p>Why it is bound to try writes after its deadline: every BatchRegisterTargets fails with a
 * retryable error until the test lifts the fault, so the leader's reconcile is in the middle of
 * eight attempts spread over about 25 s (exponential backoff from 200 ms) when its proxy is cut.
 * The fault is lifted just after the renew deadline: a write that got out from then on would
 * succeed and show in the emulator's targets before the other replica leads.
 */
class PartitionedLeaderEndToEndTest {

  static final String SYSTEM = "clb-direct-partition-e2e";
  static final String LEASE = "clb-direct-gate-controller";
  static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  static final Duration TIMEOUT = Duration.ofSeconds(120);
  static final Map<String, ApiServerProxy> PROXIES = new ConcurrentHashMap<>();

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .gateController(85)
          .replicas("replica-a", "replica-b")
          // One proxy per replica, so whichever wins the Lease can be cut off alone.
          .beforeStart(
              plane -> {
                for (String replica : List.of("replica-a", "replica-b")) {
                  PROXIES.put(replica, ApiServerProxy.start(plane.apiServerUrl()));
                }
              })
          .replicaKubeconfig(
              (replica, plane) ->
                  PROXIES
                      .get(replica)
                      .kubeconfig(
                          plane.adminKubeconfig(),
                          plane.apiServerUrl(),
                          plane.workDir().resolve(SYSTEM + "-" + replica + ".kubeconfig")))
          .afterStop(
              plane -> {
                PROXIES.values().forEach(ApiServerProxy::close);
                PROXIES.clear();
              })
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-25", 25))
          .build();

  @Test
  void thePartitionedLeaderWritesNothingAfterItsRenewDeadlineAndTheOtherFinishes()
      throws Exception {
    CoordinationV1Api leases = new CoordinationV1Api(stack.admin());
    AliveHistory history = stack.aliveHistory();
    TargetTimeline timeline = new TargetTimeline(stack.clb());
    String ns = "partition-web";
    Namespaces.create(stack.core(), ns);
    V1Service web = Fixtures.directAccessService("web", "web");
    web.getSpec()
        .getPorts()
        .get(0)
        .port(28085)
        .targetPort(new IntOrString(Fixtures.CONTAINER_PORT));
    stack.core().createNamespacedService(ns, web).execute();
    stack.apps().createNamespacedDeployment(ns, Fixtures.deployment("web", "web", 2)).execute();
    stack.deployments().awaitAvailable(ns, "web", 2, TIMEOUT);

    String leader = lease(leases).getHolderIdentity();
    String other = leader.equals("replica-a") ? "replica-b" : "replica-a";
    ClbDirectProcess partitioned = stack.replica(leader);

    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> wrongGates = new ConcurrentLinkedQueue<>();
    ExecutorService checker = Executors.newSingleThreadExecutor();
    checker.submit(
        () -> {
          while (running.get()) {
            wrongGates.addAll(
                GateControllerFailoverEndToEndTest.gateTrueBeforeAlive(history, stack.pods(), ns));
            Thread.sleep(100);
          }
          return null;
        });
    Instant cut;
    Instant fenceBy;
    Instant takenOver;
    Instant converged;
    double writesAtFence;
    try {
      stack.clb().faults().failAction("BatchRegisterTargets", 1.0, "InternalError");
      String patch =
          "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"rollout\":\"2\"}}}}}";
      PatchUtils.patch(
          V1Deployment.class,
          () ->
              stack.apps().patchNamespacedDeployment("web", ns, new V1Patch(patch)).buildCall(null),
          V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          stack.admin());
      Await.until(
          TIMEOUT,
          leader + " retrying a failed BatchRegisterTargets",
          () -> partitioned.management("/actuator/prometheus"),
          metrics ->
              PrometheusText.sum(
                      metrics, "clb_direct_clb_errors_total", "action=\"BatchRegisterTargets\"")
                  >= 1);
      PROXIES.get(leader).cut();
      cut = Instant.now();
      // The leader's last renewal as the API server stored it: its fence counts from the moment
      // that request was sent, which is just after the renewTime it carries.
      Instant lastRenewal = lease(leases).getRenewTime().toInstant();
      fenceBy = lastRenewal.plus(RENEW_DEADLINE).plusMillis(500);
      sleepUntil(fenceBy);
      writesAtFence = PrometheusText.clbWritesSent(partitioned.management("/actuator/prometheus"));
      stack.clb().faults().reset(); // from now on a write that gets out succeeds
      Await.until(
          TIMEOUT,
          other + " holds the Lease",
          () -> lease(leases),
          spec -> other.equals(spec.getHolderIdentity()));
      takenOver = lease(leases).getAcquireTime().toInstant();
      Await.until(
          TIMEOUT,
          "rollout complete and the CLB converged",
          () -> Unchecked.get(() -> inventory(ns)),
          inventory -> inventory.converged() && rolledOut(stack.deployments().read(ns, "web")));
      converged = Instant.now();
    } finally {
      running.set(false);
      checker.shutdown();
      checker.awaitTermination(5, TimeUnit.SECONDS);
      stack.clb().faults().reset();
    }
    String metrics = partitioned.management("/actuator/prometheus");
    double writesAfter = PrometheusText.clbWritesSent(metrics);
    double fenced = PrometheusText.sum(metrics, "clb_direct_fenced_writes_total");
    long refusalLines = partitioned.log().lines().filter(l -> l.contains(" not sent: ")).count();
    List<TargetTimeline.Change> writtenMeanwhile = timeline.between(fenceBy, takenOver);
    ClbInventory inventory = inventory(ns);

    PROXIES.get(leader).restore();
    System.out.printf(
        "PARTITION leader %s cut off from the API server; fence closed by +%d ms (last renewal +"
            + " 10 s); %s acquired the Lease at +%d ms; converged at +%d ms (%d ms after the"
            + " takeover); writes sent by %s after its fence: %.0f; writes it refused: %.0f;"
            + " refusals logged: %d; target changes between its fence and the takeover: %d; %s;"
            + " wrong gates: %d%n",
        leader,
        Duration.between(cut, fenceBy).toMillis(),
        other,
        Duration.between(cut, takenOver).toMillis(),
        Duration.between(cut, converged).toMillis(),
        Duration.between(takenOver, converged).toMillis(),
        leader,
        writesAfter - writesAtFence,
        fenced,
        refusalLines,
        writtenMeanwhile.size(),
        inventory.figures(),
        wrongGates.size());

    assertThat(fenced)
        .as("the partitioned leader tried a write after its deadline, and the fence refused it")
        .isGreaterThanOrEqualTo(1);
    assertThat(writesAfter)
        .as("CLB writes the partitioned leader sent after its renew deadline")
        .isEqualTo(writesAtFence);
    assertThat(writtenMeanwhile)
        .as(
            "target changes on the CLB after the partitioned leader's deadline, before the takeover")
        .isEmpty();
    assertThat(refusalLines).as("the refusal is logged once per term").isEqualTo(1);
    assertThat(inventory.converged()).as(inventory.figures()).isTrue();
    assertThat(wrongGates).as("gates True before their target was ever Alive").isEmpty();
  }

  static boolean rolledOut(V1Deployment d) {
    return d.getStatus() != null
        && Integer.valueOf(2).equals(d.getStatus().getUpdatedReplicas())
        && Integer.valueOf(2).equals(d.getStatus().getAvailableReplicas())
        && Integer.valueOf(2).equals(d.getStatus().getReplicas());
  }

  private ClbInventory inventory(String ns) throws Exception {
    return ClbInventory.of(
        stack.clb(), stack.core(), stack.pods(), ns, "web", "web", Fixtures.CONTAINER_PORT);
  }

  private static V1LeaseSpec lease(CoordinationV1Api leases) {
    return Unchecked.get(() -> leases.readNamespacedLease(LEASE, SYSTEM).execute()).getSpec();
  }

  private static void sleepUntil(Instant at) throws InterruptedException {
    long millis = Duration.between(Instant.now(), at).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }
}
