package io.clbdirect.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.bench.RolloutBenchmark.Side;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rollout harness, briefly (3 replicas, one round, a 3 s drain, a 5x health clock, two sides):
 * a workload without a preStop hook on the fake kubelet's real termination, and one with its own.
 * It asserts what holds at any speed: with the injected drain no request fails; the workload with
 * its own preStop keeps exactly that hook and loses nothing either. The sides without drain or gate
 * are left to the real benchmark (whether and how much they lose depends on timing); its figures
 * are in docs/benchmarks.md.
 */
@ExtendWith(ControlPlaneExtension.class)
class RolloutBenchmarkSmokeTest {

  @Test
  void theDrainLosesNothingAndAUsersOwnHookIsKept(ControlPlane plane) throws Exception {
    RolloutBenchmark.Settings settings =
        new RolloutBenchmark.Settings(
            3,
            1,
            2,
            Duration.ZERO,
            0.2,
            Report.defaultResultsDir().resolveSibling("smoke-results"),
            "rollout-smoke",
            List.of("--clb-direct.webhook.drain.seconds=3"),
            List.of(Side.DRAIN, Side.OWN_HOOK),
            4);

    RolloutBenchmark.Result result = RolloutBenchmark.run(plane, settings, System.out);

    assertThat(result.rollouts())
        .extracting(RolloutBenchmark.Rollout::side)
        .containsExactly(Side.DRAIN.label(), Side.OWN_HOOK.label());
    RolloutBenchmark.Rollout drain = result.rollouts().get(0);
    assertThat(drain.preStop())
        .as("the webhook's drain in every container")
        .containsExactly("sleep 3s");
    assertThat(drain.failed()).as("failed requests with the drain: %s", drain.failures()).isZero();
    assertThat(drain.served()).isPositive();
    assertThat(drain.wronglyTrue()).isEmpty();
    assertThat(drain.deletionToChangeMillis()).as("one latency per old Pod").hasSize(3);
    assertThat(drain.servingNewSeconds()).isGreaterThanOrEqualTo(drain.completeSeconds());

    RolloutBenchmark.Rollout ownHook = result.rollouts().get(1);
    assertThat(ownHook.preStop())
        .as("the user's own hook, not the drain")
        .containsExactly("sleep 4s");
    assertThat(ownHook.failed())
        .as("failed requests with the user's hook: %s", ownHook.failures())
        .isZero();
    assertThat(Files.readString(result.file()))
        .contains("\"rollouts\"", "\"deletionToChangeMillis\"");
  }
}
