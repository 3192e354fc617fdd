package io.clbdirect.gate.clb;

import java.time.Duration;
import java.util.Objects;

/**
 * How clb-direct paces and retries CLB calls.
 *
 * @param requestsPerSecond client-side limit per action, under the API's 20/s so that clb-direct
 *     never earns RequestLimitExceeded by itself (other clients share the account's budget)
 * @param maxAttempts attempts per call for retryable errors, the first included
 * @param initialBackoff first retry delay; doubles each time, with ±50% jitter
 * @param maxBackoff cap on one delay: 30 s (AWS LBC users waited up to 16 minutes behind theirs)
 * @param taskPoll how often an asynchronous task is polled
 * @param taskTimeout how long a task may run before clb-direct gives up on that write
 */
public record ClbCallPolicy(
    int requestsPerSecond,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration taskPoll,
    Duration taskTimeout) {

  public ClbCallPolicy {
    if (requestsPerSecond < 1 || requestsPerSecond > 20) {
      throw new IllegalArgumentException(
          "requestsPerSecond must be 1..20 (the API allows 20), got " + requestsPerSecond);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff);
    Objects.requireNonNull(maxBackoff);
    Objects.requireNonNull(taskPoll);
    Objects.requireNonNull(taskTimeout);
    if (maxBackoff.compareTo(Duration.ofSeconds(30)) > 0) {
      throw new IllegalArgumentException(
          "maxBackoff above 30 s would stall rollouts; got " + maxBackoff);
    }
  }

  public static ClbCallPolicy defaults() {
    return new ClbCallPolicy(
        15,
        8,
        Duration.ofMillis(200),
        Duration.ofSeconds(30),
        Duration.ofMillis(200),
        Duration.ofSeconds(60));
  }
}
