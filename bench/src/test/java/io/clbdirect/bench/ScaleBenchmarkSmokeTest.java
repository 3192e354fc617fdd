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
 * The scale harness, briefly: two small sizes, every gate True on an Alive target, calls counted
 * against their bounds.
 */
@ExtendWith(ControlPlaneExtension.class)
class ScaleBenchmarkSmokeTest {

  @Test
  void coldStartsIntoExistingGatedPodsAndCountsTheClbCalls(ControlPlane plane) throws Exception {
    ScaleBenchmark.Settings settings =
        new ScaleBenchmark.Settings(
            List.of(20, 40),
            10,
            2,
            Duration.ofMillis(100),
            0.2,
            Duration.ofMinutes(3),
            Duration.ofSeconds(5),
            Report.defaultResultsDir().resolveSibling("smoke-results"),
            "scale-smoke",
            List.of());

    ScaleBenchmark.Result result = ScaleBenchmark.run(plane, settings, System.out);

    assertThat(result.steps()).hasSize(2);
    ScaleBenchmark.Step big = result.steps().get(1);
    assertThat(big.pods()).isEqualTo(40);
    assertThat(big.services()).isEqualTo(4);
    assertThat(big.loadBalancers()).isEqualTo(2);
    assertThat(big.gatesTrue()).isEqualTo(40);
    assertThat(big.notAlive()).isZero();
    // One CreateListener makes the listeners of every Service placed on a load balancer by then: at
    // least
    // one per load balancer, at most one per Service.
    assertThat(big.calls().get("CreateListener")).isBetween(2L, 4L);
    assertThat(big.settledWrites()).as("settled: nothing is written").isZero();
    assertThat(big.calls().get("BatchRegisterTargets"))
        .isGreaterThanOrEqualTo(big.lowerBounds().get("BatchRegisterTargets"));
    assertThat(big.peakHeapMiB()).isPositive();
    assertThat(big.peakRssMiB()).isPositive();
    assertThat(big.allGatesTrueSeconds()).isGreaterThan(big.readySeconds());
    assertThat(Files.readString(result.file())).contains("\"lowerBounds\"");
  }

  @Test
  void lowerBoundsFollowTheBatchLimits() {
    var bounds = ScaleBenchmark.lowerBounds(5000, 500, 100);

    assertThat(bounds)
        .containsEntry("CreateListener", 100L)
        .containsEntry("DescribeTaskStatus", 100L)
        .containsEntry("BatchRegisterTargets", 100L)
        .containsEntry("DescribeListeners", 100L)
        .containsEntry("DescribeTargets", 100L)
        .containsEntry("DescribeLoadBalancers", 5L)
        .containsEntry("DescribeTargetHealth", 4L);
    assertThat(ScaleBenchmark.lowerBounds(2000, 10, 1)).containsEntry("BatchRegisterTargets", 4L);
  }
}
