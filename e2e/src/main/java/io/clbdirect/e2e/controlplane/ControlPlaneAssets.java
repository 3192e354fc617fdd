package io.clbdirect.e2e.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the control-plane binaries: {@code KUBE_ASSETS} if set, else whatever {@code
 * hack/control-plane.sh build} prints (it builds them from Go modules on first use, then reuses its
 * cache). Never skips: if they cannot be had, the error says why and what to install.
 */
public record ControlPlaneAssets(Path directory) {

  private static final Logger log = LoggerFactory.getLogger(ControlPlaneAssets.class);
  private static final List<String> BINARIES =
      List.of("etcd", "kube-apiserver", "kube-controller-manager");
  private static volatile ControlPlaneAssets resolved;

  public Path etcd() {
    return directory.resolve("etcd");
  }

  public Path kubeApiserver() {
    return directory.resolve("kube-apiserver");
  }

  public Path kubeControllerManager() {
    return directory.resolve("kube-controller-manager");
  }

  public Path kubectl() {
    return directory.resolve("kubectl");
  }

  /** Resolves once per JVM. */
  public static synchronized ControlPlaneAssets resolve(Path repository) {
    if (resolved == null) {
      resolved = locate(repository);
    }
    return resolved;
  }

  private static ControlPlaneAssets locate(Path repository) {
    String assets = System.getenv("KUBE_ASSETS");
    if (assets != null && !assets.isBlank()) {
      return verified(Path.of(assets), "KUBE_ASSETS");
    }
    Path script = repository.resolve("hack/control-plane.sh");
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException("cannot find " + script + " to build the control plane");
    }
    Path output;
    try {
      output = Files.createTempFile("control-plane-build", ".log");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    long started = System.nanoTime();
    log.info(
        "resolving control-plane binaries with {} build (a first build takes many minutes)",
        script);
    try {
      Process build =
          new ProcessBuilder("bash", script.toString(), "build")
              .redirectError(ProcessBuilder.Redirect.appendTo(output.toFile()))
              .redirectOutput(ProcessBuilder.Redirect.PIPE)
              .start();
      String stdout = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!build.waitFor(90, TimeUnit.MINUTES)) {
        build.destroyForcibly();
        throw new IllegalStateException(
            "control-plane build did not finish in 90 minutes; log: " + output);
      }
      if (build.exitValue() != 0) {
        throw new IllegalStateException(
            "hack/control-plane.sh build failed (exit "
                + build.exitValue()
                + "); the e2e tests need etcd, "
                + "kube-apiserver and kube-controller-manager. Its output:\n"
                + tail(output)
                + "\nInstall Go >= 1.24 or set KUBE_ASSETS to a directory holding the binaries.");
      }
      String[] lines = stdout.strip().split("\n");
      Path directory = Path.of(lines[lines.length - 1].strip());
      log.info(
          "control-plane binaries in {} (resolved in {} s)",
          directory,
          ManagedProcess.timeSince(started).toSeconds());
      return verified(directory, "hack/control-plane.sh");
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the control plane", e);
    }
  }

  private static ControlPlaneAssets verified(Path directory, String source) {
    for (String binary : BINARIES) {
      if (!Files.isExecutable(directory.resolve(binary))) {
        throw new IllegalStateException(
            source + " gave " + directory + ", which has no executable " + binary);
      }
    }
    return new ControlPlaneAssets(directory);
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
