package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.e2e.controlplane.ControlPlane.Component;
import io.clbdirect.e2e.faults.ContinuousInvariants;
import io.clbdirect.e2e.faults.TargetHealthLog;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 20: kube-apiserver stopped for 30 s in the middle of a rolling update, then started again
 * in place. Watches break, the gate-controller's Lease cannot be renewed, informers relist. With a
 * client on the VIP throughout and the invariants checked all along: no request lost while Pods
 * were Ready, no gate True too early, no deregistration from a stale cache, and everything
 * converged within {@link #CONVERGE_BOUND} of the API server's return.
 */
class ApiServerRestartEndToEndTest {

  static final String SYSTEM = "clb-direct-apiserver-fault-e2e";
  static final Duration DOWN = Duration.ofSeconds(30);
  static final Duration CONVERGE_BOUND = Duration.ofSeconds(120);

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .ownControlPlane()
          .gateController(80)
          .args("--clb-direct.webhook.drain.seconds=3")
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-20", 20))
          .build();

  @Test
  void apiServerDown30sMidRolloutLosesNothingAndConverges() throws Exception {
    TargetHealthLog health = new TargetHealthLog(stack.clb());
    FaultWorkload web = FaultWorkload.create(stack, "apiserver-fault", 28081, 3);
    ContinuousInvariants invariants =
        new ContinuousInvariants(stack.admin(), stack.clb(), health, List.of(web.ns));
    long back;
    Duration rolledOut;
    Duration converged;
    try {
      invariants.watchVip(web.vip, web.port);
      Thread.sleep(1000);
      web.startRollout();
      // Mid-rollout: the first new Pod exists, old ones are still there.
      Await.until(
          FaultWorkload.TIMEOUT,
          "the rollout under way (a 4th Pod)",
          () -> stack.pods().withApp(web.ns, "web").size(),
          n -> n >= 4);
      stack.plane().stop(Component.KUBE_APISERVER);
      Thread.sleep(DOWN.toMillis());
      stack.plane().start(Component.KUBE_APISERVER);
      back = System.nanoTime();
      web.awaitRolledOut(3, CONVERGE_BOUND);
      rolledOut = Duration.ofNanos(System.nanoTime() - back);
      converged = invariants.awaitConverged(CONVERGE_BOUND.minus(rolledOut));
      converged = converged.plus(rolledOut);
    } finally {
      invariants.close();
    }
    System.out.printf(
        "FAULT apiserver-down-%ds mid-rollout: rollout complete %d ms and everything converged %d ms"
            + " after the API server was back; %s; Lease lost %d time(s); Events %s;"
            + " clb_direct_gate_pods_waiting %.0f%n",
        DOWN.toSeconds(),
        rolledOut.toMillis(),
        converged.toMillis(),
        invariants.figures(),
        web.leadershipLost(SYSTEM),
        web.eventReasons(SYSTEM),
        web.metric("clb_direct_gate_pods_waiting"));
    invariants.assertHeld();
    assertThat(converged).isLessThan(CONVERGE_BOUND);
    assertThat(invariants.requestsServed())
        .as("the client ran throughout")
        .isGreaterThan(DOWN.toSeconds() * 5);
  }
}
