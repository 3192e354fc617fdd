package io.clbdirect.e2e.faults;

import java.time.Instant;

/**
 * One breach of an invariant, seen at {@code at} (this JVM's clock).
 *
 * @param invariant which rule, one of the names in {@link ContinuousInvariants}
 * @param detail what was seen, naming the Pod, target or load balancer
 */
public record Violation(Instant at, String invariant, String detail) {
  @Override
  public String toString() {
    return at + " " + invariant + ": " + detail;
  }
}
