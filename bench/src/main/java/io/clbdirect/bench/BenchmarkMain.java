package io.clbdirect.bench;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.controlplane.ControlPlaneAssets;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import java.io.PrintStream;
import java.util.Set;
import java.util.function.Function;

/**
 * What every benchmark's main does: read its options (exit 2 on a bad one), run on a fresh control
 * plane, stop it.
 */
final class BenchmarkMain {

  /** One benchmark's run, as its smoke test also calls it. */
  @FunctionalInterface
  interface Run<S> {
    Object run(ControlPlane plane, S settings, PrintStream out) throws Exception;
  }

  private BenchmarkMain() {}

  static <S> void main(
      String name, String[] args, Set<String> options, Function<Options, S> settings, Run<S> run)
      throws Exception {
    S parsed;
    try {
      parsed = settings.apply(Options.parse(args, options));
    } catch (IllegalArgumentException e) {
      System.err.println(name + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    try (ControlPlane plane =
        ControlPlane.start(ControlPlaneAssets.resolve(ControlPlaneExtension.repository()))) {
      run.run(plane, parsed, System.out);
    }
  }
}
