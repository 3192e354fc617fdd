package io.clbdirect.e2e.helm;

import com.google.gson.JsonObject;
import io.clbdirect.e2e.manifests.Kustomization;
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

/**
 * The helm binary that {@code hack/helm.sh build} builds from the Go module proxy (or {@code
 * HELM_BIN}), run as a child process with its own empty configuration, cache and data directories
 * so that nothing of the user's helm set-up (repositories, plugins, contexts) plays a part. Never
 * skips: when helm cannot be had, the error says what to install.
 */
public final class Helm {

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);
  private static Helm resolved;

  private final Path binary;
  private final Path home;

  private Helm(Path binary, Path home) {
    this.binary = binary;
    this.home = home;
  }

  /** What a helm command did. */
  public record Result(int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
      return exitCode == 0;
    }

    /** The output, or an AssertionError carrying what helm said. */
    public String stdoutOrFail(List<String> command) {
      if (!succeeded()) {
        throw new AssertionError(
            "helm " + String.join(" ", command) + " exited " + exitCode + ":\n" + stderr + stdout);
      }
      return stdout;
    }
  }

  /** Resolves once per JVM, building helm on first use. */
  public static synchronized Helm resolve(Path repository) {
    if (resolved == null) {
      try {
        Path home = Files.createTempDirectory("clb-direct-helm-home");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(home)));
        resolved = new Helm(locate(repository), home);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return resolved;
  }

  public Path binary() {
    return binary;
  }

  /** Runs helm with these arguments; fails the test when it does not end within the timeout. */
  public Result run(Duration timeout, List<String> arguments) {
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(arguments);
    try {
      Path out = Files.createTempFile(home, "helm", ".out");
      Path err = Files.createTempFile(home, "helm", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      Map<String, String> env = builder.environment();
      // Helm's own state in a throw-away home; no kubeconfig unless a command names one.
      env.put("HELM_CONFIG_HOME", home.resolve("config").toString());
      env.put("HELM_CACHE_HOME", home.resolve("cache").toString());
      env.put("HELM_DATA_HOME", home.resolve("data").toString());
      env.remove("KUBECONFIG");
      env.remove("HELM_KUBECONTEXT");
      env.remove("HELM_NAMESPACE");
      Process process = builder.start();
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new AssertionError(
              "helm " + String.join(" ", arguments) + " did not end within " + timeout);
        }
      } finally {
        // Stopped whatever happened: a timeout, an interrupt, a failure above.
        process.destroyForcibly();
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running helm", e);
    }
  }

  /**
   * {@code helm template release chart --namespace ns --include-crds [more]}: the objects, parsed
   * as {@link Kustomization#loadDocuments} reads YAML (empty documents dropped).
   */
  public List<JsonObject> template(
      Path chart, String release, String namespace, List<String> more) {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "template", release, chart.toString(), "--namespace", namespace, "--include-crds"));
    arguments.addAll(more);
    return parse(run(Duration.ofMinutes(1), arguments).stdoutOrFail(arguments));
  }

  /** Objects of a multi-document YAML stream (helm's output). */
  public List<JsonObject> parse(String yaml) {
    try {
      Path file = Files.createTempFile(home, "rendered", ".yaml");
      Files.writeString(file, yaml);
      List<JsonObject> objects = new ArrayList<>();
      for (Object document : Kustomization.loadDocuments(file)) {
        if (document != null) {
          objects.add(new com.google.gson.Gson().toJsonTree(document).getAsJsonObject());
        }
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path locate(Path repository) {
    String configured = System.getenv("HELM_BIN");
    if (configured != null && !configured.isBlank()) {
      return verified(Path.of(configured), "HELM_BIN");
    }
    Path script = repository.resolve("hack/helm.sh");
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException("cannot find " + script + " to build helm");
    }
    try {
      Path log = Files.createTempFile("helm-build", ".log");
      Path stdout = Files.createTempFile("helm-build", ".out");
      Process build =
          new ProcessBuilder("bash", script.toString(), "build")
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectOutput(stdout.toFile())
              .start();
      try {
        if (!build.waitFor(BUILD_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
          throw new IllegalStateException(
              "hack/helm.sh build did not finish in " + BUILD_TIMEOUT + "; log: " + log);
        }
      } finally {
        build.destroyForcibly();
      }
      if (build.exitValue() != 0) {
        throw new IllegalStateException(
            "hack/helm.sh build failed (exit "
                + build.exitValue()
                + "); the Helm chart's tests need helm. Its output:\n"
                + Files.readString(log)
                + "\nInstall Go >= 1.26 (helm v4 needs it) or set HELM_BIN to a helm binary.");
      }
      List<String> lines = Files.readAllLines(stdout);
      if (lines.isEmpty()) {
        throw new IllegalStateException("hack/helm.sh build printed no path; log: " + log);
      }
      Path binary = verified(Path.of(lines.get(lines.size() - 1).strip()), "hack/helm.sh");
      // Kept only when the build failed, where the message points at them.
      Files.deleteIfExists(log);
      Files.deleteIfExists(stdout);
      return binary;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building helm", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a temp dir left behind is harmless.
    }
  }

  private static Path verified(Path binary, String source) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(source + " gave " + binary + ", which is not executable");
    }
    return binary;
  }
}
