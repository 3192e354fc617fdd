package io.clbdirect.e2e.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process with a bounded lifetime. It is started under a small shell watchdog that kills it
 * when this JVM disappears, even by SIGKILL (no shutdown hook runs then), so no etcd or
 * kube-apiserver outlives a test run. Output goes to a log file, whose tail explains failures.
 */
public final class ManagedProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);

  /**
   * Runs "$@" in the background, then every 0.5 s checks that the JVM (pid $1) still lives; on its
   * death, or on SIGTERM to the watchdog (our own stop), the child gets SIGTERM, then SIGKILL after
   * 5 s.
   */
  private static final String WATCHDOG =
      """
      jvm=$1; shift
      "$@" &
      child=$!
      stop() { kill -TERM "$child" 2>/dev/null; for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$child" 2>/dev/null || exit 0; sleep 0.5; done; kill -KILL "$child" 2>/dev/null; exit 0; }
      trap stop TERM INT HUP
      while kill -0 "$jvm" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5 & wait $!; done
      kill -0 "$child" 2>/dev/null && stop
      wait "$child"
      """;

  private final String name;
  private final Process process;
  private final Path logFile;
  // Kept so that the same process can be launched again after a stop (a restart in place).
  private final List<String> command;
  private final Map<String, String> env;

  private ManagedProcess(
      String name, Process process, Path logFile, List<String> command, Map<String, String> env) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
  }

  public static ManagedProcess start(
      String name, List<String> command, Path logFile, Map<String, String> env) {
    List<String> wrapped =
        new ArrayList<>(
            List.of(
                "bash", "-c", WATCHDOG, "watchdog", Long.toString(ProcessHandle.current().pid())));
    wrapped.addAll(command);
    // Appended: a process launched again after a stop keeps one log across its lives.
    ProcessBuilder builder =
        new ProcessBuilder(wrapped)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().putAll(env);
    try {
      log.info("starting {}: {}", name, String.join(" ", command));
      return new ManagedProcess(name, builder.start(), logFile, command, env);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + ")", e);
    }
  }

  /**
   * The same command, environment and log file launched again, as a new process: a restart in place
   * after {@link #close()} or {@link #kill()}. Fails if this one still runs (two of them would
   * fight over its ports and data).
   */
  public ManagedProcess relaunch() {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " still runs; stop it before launching it again");
    }
    return start(name, command, logFile, env);
  }

  /** The command it was launched with (without the watchdog). */
  public List<String> command() {
    return command;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * The watchdog's and the child's process ids, for a supervisor outside this JVM (the sandbox
   * script).
   */
  public List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    pids.add(process.pid());
    // The watchdog's own "sleep 0.5" comes and goes; only the long-lived child counts.
    process
        .descendants()
        .filter(p -> !p.info().command().orElse("").endsWith("/sleep"))
        .forEach(p -> pids.add(p.pid()));
    return pids;
  }

  public String name() {
    return name;
  }

  public Path logFile() {
    return logFile;
  }

  /** The last lines of the process's output, for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Fails with the log tail when the process has exited. */
  public void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name
              + " exited with code "
              + process.exitValue()
              + "; last output ("
              + logFile
              + "):\n"
              + logTail(30));
    }
  }

  /**
   * SIGKILL to the child itself, as a crash or an OOM kill would end it; the watchdog then exits.
   */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy(); // SIGTERM to the watchdog, which stops the child gracefully
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  public static Duration timeSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
