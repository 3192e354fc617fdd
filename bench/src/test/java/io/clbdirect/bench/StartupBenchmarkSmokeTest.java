package io.clbdirect.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The start-up benchmark's harness, briefly (one first install per launch, 20 Services): its
 * figures must be measured, not defaults, and agree with each other and with what the report file
 * says. Both launches must serve: the plain jar and the image's (unpacked, with the class-data
 * sharing archive that hack/cds-archive.sh trains, under -Xshare:on so a start that could not map
 * it fails) each become ready and give a Pod the readiness gate. Not a timing test: the bounds are
 * what the numbers mean (ready after the JVM started, CPU within wall time, heap within -Xmx), plus
 * the install manifests' memory limit, which a start-up peak above would get clb-direct OOM-killed
 * by.
 */
@ExtendWith(ControlPlaneExtension.class)
class StartupBenchmarkSmokeTest {

  /**
   * Spring Boot prints seconds with three decimals; the readiness poller adds delay, never removes
   * it.
   */
  static final long ROUNDING_MILLIS = 100;

  static final Pattern MEMORY_LIMIT =
      Pattern.compile("limits:\\s*\\n(?:\\s*#.*\\n)*\\s*memory:\\s*(\\d+)Mi");

  @Test
  void measuresTimeToReadyAndIdleMemoryConsistentlyAndWithinTheLimits(ControlPlane plane)
      throws Exception {
    // One first install, no restart: each start costs seconds, and the restart path is the same
    // code.
    StartupBenchmark.Settings settings =
        new StartupBenchmark.Settings(
            1,
            20,
            3,
            Duration.ofSeconds(1),
            false,
            List.of("jar", "image"),
            Report.defaultResultsDir().resolveSibling("smoke-results"),
            "startup-smoke",
            List.of());

    long began = System.nanoTime();
    StartupBenchmark.Result result = StartupBenchmark.run(plane, settings, System.out);
    long wallMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();

    assertThat(result.starts())
        .extracting(StartupBenchmark.Start::launch, StartupBenchmark.Start::kind)
        .containsExactly(tuple("jar", "first install"), tuple("image", "first install"));
    for (StartupBenchmark.Start start : result.starts()) {
      checkStart(start, result, wallMillis);
    }

    // The report file says what was measured.
    JsonObject written = JsonParser.parseString(Files.readString(result.file())).getAsJsonObject();
    for (int i = 0; i < result.starts().size(); i++) {
      StartupBenchmark.Start start = result.starts().get(i);
      JsonObject writtenStart = written.getAsJsonArray("starts").get(i).getAsJsonObject();
      assertThat(writtenStart.get("launch").getAsString()).isEqualTo(start.launch());
      assertThat(writtenStart.get("readyMillis").getAsLong()).isEqualTo(start.readyMillis());
      assertThat(writtenStart.get("idleRssMiB").getAsDouble())
          .isEqualTo(StepResult.round(start.rssKiB() / 1024.0));
      assertThat(
              written
                  .getAsJsonObject("medians")
                  .getAsJsonObject(start.launch())
                  .getAsJsonObject("first install")
                  .get("readyMillis")
                  .getAsDouble())
          .as("the median of one run is that run")
          .isEqualTo(start.readyMillis());
    }
  }

  private static void checkStart(
      StartupBenchmark.Start start, StartupBenchmark.Result result, long wallMillis)
      throws Exception {
    long heapCapBytes = megabytes(result.json().get("settings"), "xmx") * 1024 * 1024;
    long memoryLimitKiB = deploymentMemoryLimitMiB() * 1024;

    // Time: from the launch, so at least as long as the JVM itself says it ran before Spring
    // started;
    // within this test's own wall time (a unit slip, ns or µs for ms, breaks one of the two).
    assertThat(start.jvmToContextSeconds())
        .as("Spring's 'process running for', parsed from the log")
        .isFinite();
    assertThat(start.contextSeconds())
        .as("Spring's 'Started in', parsed from the log")
        .isPositive()
        .isLessThanOrEqualTo(start.jvmToContextSeconds());
    assertThat(start.readyMillis())
        .as("launch to readiness 200 vs. the JVM's own 'process running for'")
        .isGreaterThanOrEqualTo((long) (start.jvmToContextSeconds() * 1000) - ROUNDING_MILLIS)
        .isLessThan(wallMillis);
    // CPU to ready: some, and no more than every core of this machine busy for the whole run.
    assertThat(start.cpuSecondsToReady())
        .isPositive()
        .isLessThanOrEqualTo(wallMillis / 1000.0 * Runtime.getRuntime().availableProcessors());

    // Memory: read (-1 when /proc had no such line), heap within -Xmx, the heap in use resident,
    // and the
    // peak below the limit the Deployment in manifests/ sets.
    assertThat(start.heapUsedBytes()).isGreaterThan(1024 * 1024).isLessThanOrEqualTo(heapCapBytes);
    assertThat(start.nonHeapUsedBytes())
        .as("metaspace and code cache of a Spring application")
        .isGreaterThan(1024 * 1024);
    assertThat(start.rssKiB() * 1024)
        .as("idle RSS holds at least the heap in use")
        .isGreaterThanOrEqualTo(start.heapUsedBytes());
    assertThat(start.rssPeakKiB())
        .as("peak RSS (VmHWM) vs. the Deployment's memory limit")
        .isPositive()
        .isLessThan(memoryLimitKiB);

    assertThat(start.noopEndpointAbsent())
        .as("/noop is off unless clb-direct.webhook.benchmark-noop-endpoint=true")
        .isTrue();
    assertThat(start.admitted())
        .as(
            "%s: a dry-run Pod behind a direct-access Service got the readiness gate",
            start.launch())
        .isTrue();
  }

  /** A size in the benchmark's settings, "256m": the heap cap clb-direct ran with. */
  @SuppressWarnings("unchecked")
  static long megabytes(Object settings, String key) {
    String value = String.valueOf(((java.util.Map<String, Object>) settings).get(key));
    assertThat(value).matches("\\d+m");
    return Long.parseLong(value.substring(0, value.length() - 1));
  }

  /** limits.memory of clb-direct's container in manifests/base/deployment.yaml, in MiB. */
  static long deploymentMemoryLimitMiB() throws Exception {
    Path deployment = ControlPlaneExtension.repository().resolve("manifests/base/deployment.yaml");
    Matcher limit = MEMORY_LIMIT.matcher(Files.readString(deployment));
    assertThat(limit.find()).as("a memory limit in Mi in %s", deployment).isTrue();
    return Long.parseLong(limit.group(1));
  }
}
