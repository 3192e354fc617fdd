package io.clbdirect.bench;

import io.clbdirect.e2e.app.ClbDirectProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * How a start launches clb-direct, so that the start-up benchmark can put the configuration the
 * image runs beside the plain jar:
 *
 * <ul>
 *   <li>{@code jar}: {@code java -jar app/target/clb-direct.jar}, the fat jar as {@link
 *       ClbDirectProcess} has always run it;
 *   <li>{@code extracted}: the same jar unpacked by Spring Boot's {@code -Djarmode=tools extract}
 *       ({@code clb-direct.jar} + {@code lib/}), no archive: what the unpacking alone buys;
 *   <li>{@code image}: that layout plus the class-data-sharing archive {@code hack/cds-archive.sh}
 *       trains, as the Dockerfile's image starts ({@code -XX:SharedArchiveFile}). Here with {@code
 *       -Xshare:on}, so that a start that could not use the archive fails instead of being measured
 *       as if it had.
 * </ul>
 *
 * @param jar what {@code java -jar} runs
 * @param jvmArgs JVM options before {@code -jar}; {@link ClbDirectProcess} passes every {@code -X…}
 *     argument there
 */
public record Launch(String name, Path jar, List<String> jvmArgs) {

  public static final List<String> NAMES = List.of("jar", "extracted", "image");

  /** The packaged jar, as e2e runs it. */
  public static Launch packaged() {
    return new Launch("jar", ClbDirectProcess.packagedJar().toAbsolutePath(), List.of());
  }

  /**
   * Unpacks the packaged jar into {@code dir} and, for {@code image}, trains the archive there,
   * with the project's own script (the one the Dockerfile runs).
   */
  public static Launch prepare(String name, Path repo, Path dir) throws Exception {
    Path jar = ClbDirectProcess.packagedJar().toAbsolutePath();
    return switch (name) {
      case "jar" -> packaged();
      case "extracted" -> {
        run(
            repo,
            List.of(
                java(),
                "-Djarmode=tools",
                "-jar",
                jar.toString(),
                "extract",
                "--force",
                "--destination",
                dir.toString()));
        yield new Launch(name, dir.resolve("clb-direct.jar"), List.of());
      }
      case "image" -> {
        run(
            repo,
            List.of(
                repo.resolve("hack/cds-archive.sh").toString(), dir.toString(), jar.toString()));
        Path archive = dir.resolve("clb-direct.jsa");
        if (!Files.isRegularFile(archive)) {
          throw new IllegalStateException("hack/cds-archive.sh wrote no " + archive);
        }
        yield new Launch(
            name,
            dir.resolve("clb-direct.jar"),
            List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on"));
      }
      default -> throw new IllegalArgumentException("unknown launch " + name + "; one of " + NAMES);
    };
  }

  /** The JVM options first, then {@code extra}. */
  public List<String> args(List<String> extra) {
    List<String> all = new ArrayList<>(jvmArgs);
    all.addAll(extra);
    return all;
  }

  /**
   * Runs {@code start} with {@link ClbDirectProcess#packagedJar()} pointing at this launch's jar.
   * That method reads the system property {@code clbdirect.appJar} on every call, and the e2e
   * module that owns it takes no jar argument; the benchmark starts one process at a time, so
   * setting the property around the start and restoring it is enough.
   */
  public <T> T around(Callable<T> start) throws Exception {
    String before = System.getProperty("clbdirect.appJar");
    System.setProperty("clbdirect.appJar", jar.toString());
    try {
      return start.call();
    } finally {
      if (before == null) {
        System.clearProperty("clbdirect.appJar");
      } else {
        System.setProperty("clbdirect.appJar", before);
      }
    }
  }

  /**
   * The JVM this benchmark runs on, which {@link ClbDirectProcess} also starts clb-direct with: an
   * archive is only valid for the JVM that wrote it.
   */
  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** Runs a preparation step in the repository; its output goes to stderr with the progress. */
  private static void run(Path repo, List<String> command) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
    builder.environment().put("JAVA", java());
    Process process = builder.start();
    try {
      process.getInputStream().transferTo(System.err);
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        throw new IOException("timed out: " + command);
      }
    } finally {
      // Also when interrupted or timed out: nothing this benchmark started outlives it.
      process.destroyForcibly();
    }
    if (process.exitValue() != 0) {
      throw new IOException("failed (" + process.exitValue() + "): " + command);
    }
  }
}
