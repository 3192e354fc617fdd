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
 * The webhook benchmark's harness, briefly (2 s steps at 100 req/s, 20 Services): it must produce
 * numbers for both endpoints and write them. Says nothing about speed; the real run is
 * bench/run.sh.
 */
@ExtendWith(ControlPlaneExtension.class)
class WebhookBenchmarkSmokeTest {

  @Test
  void producesThroughputAndLatencyForMutateAndNoop(ControlPlane plane) throws Exception {
    WebhookBenchmark.Settings settings =
        new WebhookBenchmark.Settings(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            List.of(100),
            4,
            List.of(4),
            20,
            3,
            "mixed",
            Duration.ZERO,
            Report.defaultResultsDir().resolveSibling("smoke-results"),
            "webhook-smoke",
            List.of());

    WebhookBenchmark.Result result = WebhookBenchmark.run(plane, settings, System.out);

    assertThat(result.steps()).hasSize(4);
    assertThat(result.steps())
        .extracting(StepResult::endpoint)
        .containsExactly(
            WebhookBenchmark.NOOP,
            WebhookBenchmark.NOOP,
            WebhookBenchmark.MUTATE,
            WebhookBenchmark.MUTATE);
    assertThat(result.steps())
        .allSatisfy(
            step -> {
              assertThat(step.completed())
                  .as("%s %s answered", step.endpoint(), step.offered())
                  .isPositive();
              assertThat(step.errors())
                  .as("%s %s errors", step.endpoint(), step.offered())
                  .isZero();
              assertThat(step.achievedRate()).isPositive();
              assertThat(step.p50Ms()).isPositive();
              assertThat(step.p99Ms()).isGreaterThanOrEqualTo(step.p50Ms());
              assertThat(step.p999Ms()).isGreaterThanOrEqualTo(step.p99Ms());
              assertThat(step.cpu().serverCores()).isPositive();
            });
    // The open-loop step offered 100/s for 2 s: about 200 requests, all answered.
    StepResult rated = result.steps().get(3);
    assertThat(rated.offeredRate()).isEqualTo(100);
    assertThat(rated.completed()).isBetween(150L, 250L);
    assertThat(result.best(WebhookBenchmark.MUTATE).achievedRate()).isPositive();
    assertThat(result.json()).containsKeys("machine", "workload", "steps", "summary");
    assertThat(Files.readString(result.file())).contains("\"saturationRatio\"", "\"p99.9\"");
  }
}
