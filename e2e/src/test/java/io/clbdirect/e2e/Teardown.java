package io.clbdirect.e2e;

/**
 * Runs every step of a teardown even when an earlier one fails, so that one failed step (a
 * namespace that did not go away in time) does not leave processes running for the classes after
 * it; then throws the first failure with the later ones attached as suppressed.
 */
final class Teardown {

  interface Step {
    void run() throws Exception;
  }

  private Throwable failure;

  void run(Step step) {
    try {
      step.run();
    } catch (Exception | Error e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
  }

  /** Adds this teardown's failures to {@code cause} (a set-up that failed), as suppressed. */
  void attachTo(Throwable cause) {
    if (failure != null) {
      cause.addSuppressed(failure);
    }
  }

  void rethrow() throws Exception {
    if (failure instanceof Exception e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }
}
