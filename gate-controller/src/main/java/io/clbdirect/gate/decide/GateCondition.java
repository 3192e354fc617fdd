package io.clbdirect.gate.decide;

import java.util.Objects;

/**
 * The readiness-gate condition clb-direct wants on a Pod (timestamps are the patcher's business: it
 * moves lastTransitionTime only when {@code status} changes).
 */
public record GateCondition(boolean status, GateReason reason, String message) {

  public GateCondition {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    if (status != reason.ready()) {
      throw new IllegalArgumentException(reason + " cannot go with status " + status);
    }
  }

  public String statusString() {
    return status ? "True" : "False";
  }
}
