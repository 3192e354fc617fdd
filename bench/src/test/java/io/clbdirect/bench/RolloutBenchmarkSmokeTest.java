package io.clbdirect.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rollout harness, briefly: both sides rolled with traffic through their VIPs, the gated one losing
 * nothing. (On this fast health clock the ungated side may lose nothing either; the real-time figures
 * are in docs/benchmarks.md.)
 */
@ExtendWith(ControlPlaneExtension.class)
class RolloutBenchmarkSmokeTest {

  @Test
  void rollsBothSidesWithTrafficAndTheGatedSideLosesNoRequest(ControlPlane plane) throws Exception {
    RolloutBenchmark.Settings settings = new RolloutBenchmark.Settings(3, 1, 2, Duration.ofSeconds(2), 0.2,
        Report.defaultResultsDir().resolveSibling("smoke-results"), "rollout-smoke", List.of());

    RolloutBenchmark.Result result = RolloutBenchmark.run(plane, settings, System.out);

    assertThat(result.rollouts()).extracting(RolloutBenchmark.Rollout::side).containsExactly("with gate", "without gate");
    RolloutBenchmark.Rollout gated = result.rollouts().get(0);
    assertThat(gated.failed()).as("failed requests with the gate: %s", gated.failures()).isZero();
    assertThat(gated.wronglyTrue()).isEmpty();
    assertThat(gated.served()).isPositive();
    assertThat(gated.servingNewSeconds()).isGreaterThanOrEqualTo(gated.completeSeconds());
    assertThat(result.rollouts().get(1).served() + result.rollouts().get(1).failed()).isPositive();
    assertThat(Files.readString(result.file())).contains("\"rollouts\"");
  }
}
