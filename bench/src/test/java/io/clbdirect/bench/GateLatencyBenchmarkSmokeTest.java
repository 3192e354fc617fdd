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
 * The gate-latency harness, briefly: every gate opens after its target is Alive, and each span is
 * measured.
 */
@ExtendWith(ControlPlaneExtension.class)
class GateLatencyBenchmarkSmokeTest {

  @Test
  void measuresFromTargetAliveToGateTrueForEveryPod(ControlPlane plane) throws Exception {
    GateLatencyBenchmark.Settings settings =
        new GateLatencyBenchmark.Settings(
            4,
            Duration.ofMillis(200),
            0.2,
            Report.defaultResultsDir().resolveSibling("smoke-results"),
            "gate-latency-smoke",
            List.of());

    GateLatencyBenchmark.Result result = GateLatencyBenchmark.run(plane, settings, System.out);

    assertThat(result.wronglyTrue()).isEmpty();
    assertThat(result.missingAlive()).isZero();
    assertThat(result.aliveToGate().count()).isEqualTo(4);
    assertThat(result.createdToAlive().p50()).isPositive();
    assertThat(result.createdToGate().max()).isGreaterThanOrEqualTo(result.aliveToGate().max());
    assertThat(Files.readString(result.file())).contains("\"aliveToGateMillis\"");
  }
}
