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
 * The soak harness, briefly: rollouts, CLB faults and a deleted webhook configuration in 40 s, and
 * the books it keeps.
 */
@ExtendWith(ControlPlaneExtension.class)
class SoakBenchmarkSmokeTest {

  @Test
  void rollsUnderFaultsDeletesTheWebhookConfigurationAndKeepsTheBooks(ControlPlane plane)
      throws Exception {
    SoakBenchmark.Settings settings =
        new SoakBenchmark.Settings(
            Duration.ofSeconds(40),
            2,
            Duration.ofSeconds(15),
            Duration.ofSeconds(15),
            0.1,
            Duration.ofMillis(20),
            1,
            Report.defaultResultsDir().resolveSibling("smoke-results"),
            "soak-smoke",
            List.of());

    SoakBenchmark.Result result = SoakBenchmark.run(plane, settings, System.out);

    assertThat(result.rollouts()).isGreaterThanOrEqualTo(2);
    assertThat(result.webhookDeletions()).isGreaterThanOrEqualTo(2);
    assertThat(result.repairSeconds()).hasSize(result.webhookDeletions());
    assertThat(result.wronglyTrue()).isEmpty();
    assertThat(result.failedRequests()).as("failed requests: %s", result.failures()).isZero();
    assertThat(result.failedAdmissions()).isZero();
    assertThat(result.admissions()).isGreaterThan(40);
    assertThat(result.served()).isPositive();
    assertThat(result.start().rssMiB()).isPositive();
    assertThat(result.end().threads()).isPositive();
    assertThat(Files.readString(result.file())).contains("\"repairSeconds\"");
  }
}
