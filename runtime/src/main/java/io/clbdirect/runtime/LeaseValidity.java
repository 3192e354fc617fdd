package io.clbdirect.runtime;

import java.time.Duration;

/**
 * Whether a replica may still act as the Lease holder, judged from its own records alone: it runs a
 * term, and its last successful renewal started less than the renew deadline ago.
 *
 * <p>The other replicas take the Lease only once they have seen it unrenewed for the lease
 * duration, counted from when they saw the last renewal, which is after that renewal's request
 * started. A holder that stops writing at the renew deadline therefore stops at least {@code
 * leaseDuration - renewDeadline} (5 s by default) before anyone else may start. The elector's own
 * view ({@code leading}) flips later: it retries renewing for a whole renew deadline after a retry
 * period's sleep, and a renewal stuck on a dead connection delays it further.
 */
public enum LeaseValidity {
  /** Leading, renewed within the deadline: writes may go out. */
  VALID,
  /** No term runs: the Lease was never won, or the elector gave it up. */
  NOT_LEADING,
  /** A term runs, but no renewal (or acquisition) of this replica has succeeded yet. */
  NEVER_RENEWED,
  /** A term runs, but the last successful renewal started a renew deadline ago or longer. */
  RENEW_DEADLINE_PASSED;

  public boolean mayWrite() {
    return this == VALID;
  }

  /**
   * @param leading whether a term runs
   * @param renewed whether any renewal (or acquisition) of this replica ever succeeded
   * @param lastRenewStartNanos {@link System#nanoTime()} when the last successful one was sent
   * @param nowNanos {@link System#nanoTime()} now
   * @param renewDeadline the Lease's renew deadline
   */
  public static LeaseValidity judge(
      boolean leading,
      boolean renewed,
      long lastRenewStartNanos,
      long nowNanos,
      Duration renewDeadline) {
    if (!leading) {
      return NOT_LEADING;
    }
    if (!renewed) {
      return NEVER_RENEWED;
    }
    // nanoTime differences, never absolute values: the origin is arbitrary and may be negative.
    return nowNanos - lastRenewStartNanos < renewDeadline.toNanos() ? VALID : RENEW_DEADLINE_PASSED;
  }
}
