package io.clbdirect.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Pod-creation benchmark's harness, briefly: both sides measured, only the webhook side
 * mutated.
 */
@ExtendWith(ControlPlaneExtension.class)
class PodCreationBenchmarkSmokeTest {

  @Test
  void measuresBothSidesAndOnlyTheWebhookSideIsMutated(ControlPlane plane) throws Exception {
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
    assertThat(result.withWebhook().p50Millis()).isPositive();
    assertThat(result.withoutWebhook().podsPerSecond()).isPositive();
    assertThat(Files.readString(result.file())).contains("\"overheadP50Millis\"");
  }
}
