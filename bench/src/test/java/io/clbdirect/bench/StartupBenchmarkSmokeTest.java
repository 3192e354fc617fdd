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
 * The start-up benchmark's harness, briefly (one first install, 20 Services): it must
 * produce a time to ready and memory figures, and show that the benchmark-only /noop endpoint is
 * absent by default.
 */
@ExtendWith(ControlPlaneExtension.class)
class StartupBenchmarkSmokeTest {

  @Test
  void producesTimeToReadyAndIdleMemory(ControlPlane plane) throws Exception {
    // One first install, no restart: each start costs seconds, and the restart path is the same code.
    StartupBenchmark.Settings settings = new StartupBenchmark.Settings(1, 20, 3, Duration.ofSeconds(1), false,
        Report.defaultResultsDir().resolveSibling("smoke-results"), "startup-smoke", List.of());

    StartupBenchmark.Result result = StartupBenchmark.run(plane, settings, System.out);

    assertThat(result.starts()).extracting(StartupBenchmark.Start::kind).containsExactly("first install");
    assertThat(result.starts()).allSatisfy(start -> {
      assertThat(start.readyMillis()).isPositive();
      assertThat(start.cpuSecondsToReady()).isPositive();
      assertThat(start.rssKiB()).isGreaterThan(10 * 1024);
      assertThat(start.rssPeakKiB()).isGreaterThanOrEqualTo(start.rssKiB());
      assertThat(start.heapUsedBytes()).isGreaterThan(1024 * 1024);
      assertThat(start.noopEndpointAbsent()).as("/noop is off unless clb-direct.webhook.benchmark-noop-endpoint=true").isTrue();
    });
    assertThat(result.json()).containsKeys("machine", "starts", "medians");
    assertThat(Files.readString(result.file())).contains("\"readyMillis\"", "\"idleRssMiB\"");
  }
}
