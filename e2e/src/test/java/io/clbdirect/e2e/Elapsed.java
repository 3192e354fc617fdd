package io.clbdirect.e2e;

import java.time.Duration;

/**
 * Milliseconds since a {@link System#nanoTime()} reading: what the tests print their measurements
 * in.
 */
final class Elapsed {

  private Elapsed() {}

  static long millisSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
