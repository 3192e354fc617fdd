package io.clbdirect.bench;

import java.time.Duration;

/** Thread.sleep that turns an interrupt into an exception with the flag kept set. */
final class Sleep {

  private Sleep() {}

  static void millis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void of(Duration duration) {
    millis(duration.toMillis());
  }
}
