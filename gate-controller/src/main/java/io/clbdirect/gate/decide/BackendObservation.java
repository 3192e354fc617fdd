package io.clbdirect.gate.decide;

import java.util.Objects;

/**
 * What clb-direct knows about one Pod on one load-balancer listener (or L7 rule) of a frontend.
 *
 * @param frontend e.g. {@code Service web}
 * @param loadBalancerId e.g. {@code lb-1a2b3c4d}, or null when the load balancer does not exist yet
 * @param listenerId e.g. {@code lbl-5e6f7a8b}, or null when the listener does not exist yet
 * @param state what the CLB says of the target
 * @param detail extra words for the message (an API error code, a quota), or null
 */
public record BackendObservation(
    String frontend, String loadBalancerId, String listenerId, State state, String detail) {

  /** The CLB's view of one target, as the gate cares about it. */
  public enum State {
    /**
     * clb-direct will not use or make the frontend's load balancer as it stands; the detail says
     * why.
     */
    REFUSED,
    /**
     * The load balancer the frontend names does not exist; the detail names it and the annotation.
     */
    LOAD_BALANCER_NOT_FOUND,
    LISTENER_MISSING,
    NOT_BOUND,
    QUOTA_EXCEEDED,
    API_ERROR,
    HEALTH_UNKNOWN,
    HEALTH_DEAD,
    HEALTH_ALIVE,
    /** The listener's health check is off: bound is as good as it gets. */
    HEALTH_CHECK_OFF;

    /**
     * The user must act before anything is bound (clb-direct deregisters nothing for it, so a Pod
     * already serving keeps its gate).
     */
    public boolean refusal() {
      return this == REFUSED || this == LOAD_BALANCER_NOT_FOUND;
    }
  }

  public BackendObservation {
    Objects.requireNonNull(frontend, "frontend");
    Objects.requireNonNull(state, "state");
  }

  public GateReason reason() {
    return switch (state) {
      case REFUSED -> GateReason.LoadBalancerUnusable;
      case LOAD_BALANCER_NOT_FOUND -> GateReason.LoadBalancerNotFound;
      case LISTENER_MISSING -> GateReason.ListenerMissing;
      case NOT_BOUND -> GateReason.TargetNotBound;
      case QUOTA_EXCEEDED -> GateReason.BackendQuotaExceeded;
      case API_ERROR -> GateReason.CloudApiError;
      case HEALTH_UNKNOWN -> GateReason.HealthCheckPending;
      case HEALTH_DEAD -> GateReason.HealthCheckFailing;
      case HEALTH_ALIVE, HEALTH_CHECK_OFF -> GateReason.LoadBalancerNetworkGroupReady;
    };
  }

  String where() {
    String lb = loadBalancerId == null ? "its load balancer" : "load balancer " + loadBalancerId;
    return listenerId == null
        ? frontend + " on " + lb
        : frontend + " on " + lb + " listener " + listenerId;
  }
}
