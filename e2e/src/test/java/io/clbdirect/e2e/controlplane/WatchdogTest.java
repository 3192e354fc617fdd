package io.clbdirect.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No orphans: a process started through ManagedProcess dies with its JVM, even on SIGKILL. */
class WatchdogTest {

  @TempDir Path dir;

  /** Run in a separate JVM: starts a long sleep under the watchdog, prints its pid, then waits. */
  public static void main(String[] args) throws Exception {
    ManagedProcess sleeper =
        ManagedProcess.start("sleeper", List.of("sleep", "300"), Path.of(args[0]), Map.of());
    Thread.sleep(300);
    long childPid =
        sleeper.isAlive()
            ? ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("sleep")).orElse(false))
                .findFirst()
                .orElseThrow()
                .pid()
            : -1;
    System.out.println(childPid);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  @Test
  void childDiesWithinSecondsOfItsJvmBeingKilled() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process jvm =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                WatchdogTest.class.getName(),
                dir.resolve("sleeper.log").toString())
            .redirectErrorStream(true)
            .start();
    long childPid;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine(); // the child JVM logs too; its pid line is the only bare number
        assertThat(line)
            .as("child JVM output ended before it printed the sleeper's pid")
            .isNotNull();
      } while (!line.trim().matches("-?\\d+"));
      childPid = Long.parseLong(line.trim());
      assertThat(childPid).as("sleeper started").isPositive();
      assertThat(ProcessHandle.of(childPid)).isPresent();

      jvm.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs in that JVM
      assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();

      Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
      while (ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false)
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }
      assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false))
          .as("sleep %d still alive 10 s after its JVM was killed", childPid)
          .isFalse();
    } finally {
      jvm.destroyForcibly();
    }
    assertThat(Files.exists(dir.resolve("sleeper.log"))).isTrue();
  }
}
