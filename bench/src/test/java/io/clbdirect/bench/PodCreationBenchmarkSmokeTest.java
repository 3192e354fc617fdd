package io.clbdirect.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Pod-creation benchmark's harness, briefly: all three sides measured, only clb-direct's side
 * mutated, and the no-op webhook side really called a webhook for each Pod (the run throws
 * otherwise).
 */
@ExtendWith(ControlPlaneExtension.class)
class PodCreationBenchmarkSmokeTest {

  @Test
  void measuresAllThreeSidesAndOnlyTheWebhookSideIsMutated(ControlPlane plane) throws Exception {
    PodCreationBenchmark.Settings settings =
        new PodCreationBenchmark.Settings(
            15,
            1,
            2,
            20,
            3,
            Report.defaultResultsDir().resolveSibling("smoke-results"),
            "pod-creation-smoke",
            List.of());

    PodCreationBenchmark.Result result = PodCreationBenchmark.run(plane, settings, System.out);

    assertThat(result.withWebhook().pods()).isEqualTo(15);
    assertThat(result.withoutWebhook().pods()).isEqualTo(15);
    assertThat(result.withWebhook().mutated()).isTrue();
    assertThat(result.withoutWebhook().mutated()).isFalse();
    assertThat(result.noopWebhook().pods()).isEqualTo(15);
    assertThat(result.noopWebhook().mutated()).isFalse();
    assertThat(result.noopWebhook().p50Millis()).isPositive();
    assertThat(result.withWebhook().p50Millis()).isPositive();
    assertThat(result.withoutWebhook().podsPerSecond()).isPositive();
    assertThat(Files.readString(result.file()))
        .contains("\"overheadP50Millis\"", "\"overNoopP50Millis\"", "\"overNoopP99Millis\"");
  }
}
