package io.clbdirect.gate.decide;

import java.util.Comparator;
import java.util.List;

/**
 * Health in, condition out. Pure. True only when every observation says bound and healthy (or bound
 * with the check off); otherwise False with the worst reason and a message naming where.
 */
public final class GateConditionDecider {

  private final GateMode mode;

  public GateConditionDecider(GateMode mode) {
    this.mode = mode;
  }

  /**
   * @param observations one per load-balancer listener or rule the Pod should be bound to; empty when no
   *     direct-access frontend selects the Pod any more
   * @param current the condition the Pod carries now, or null
   */
  public GateCondition decide(List<BackendObservation> observations, GateCondition current) {
    if (observations.isEmpty()) {
      return new GateCondition(true, GateReason.DirectAccessReleased,
          "No direct-access Service or Ingress selects this Pod any more; the gate no longer applies.");
    }
    BackendObservation worst = observations.stream()
        .max(Comparator.comparingInt((BackendObservation o) -> o.reason().severity()))
        .orElseThrow();
    GateReason reason = worst.reason();
    if (reason.ready()) {
      return new GateCondition(true, GateReason.LoadBalancerNetworkGroupReady,
          "Marking condition \"cloud.tencent.com/load-balancer-backendgroup-ready\" to True: bound and healthy on "
              + observations.size() + " load balancer listener" + (observations.size() == 1 ? "" : "s") + ".");
    }
    if (current != null && current.status() && observations.stream()
        .allMatch(o -> o.state() == BackendObservation.State.REFUSED || o.reason().ready())) {
      // A refusal (say, SNAT Pro needed after GlobalRouteDirectAccess was switched on) stops new bindings;
      // clb-direct deregisters nothing for it, so a Pod already serving keeps its gate in either mode.
      return current;
    }
    if (mode == GateMode.INITIAL && current != null && current.status() && stillBound(observations)) {
      // initial mode: a health flap after the Pod went Ready does not take it out of its Service.
      return current;
    }
    return new GateCondition(false, reason, message(worst));
  }

  private static boolean stillBound(List<BackendObservation> observations) {
    return observations.stream().allMatch(o -> switch (o.state()) {
      case HEALTH_ALIVE, HEALTH_DEAD, HEALTH_UNKNOWN, HEALTH_CHECK_OFF -> true;
      case API_ERROR -> true;
      case REFUSED, LISTENER_MISSING, NOT_BOUND, QUOTA_EXCEEDED -> false;
    });
  }

  private static String message(BackendObservation worst) {
    String detail = worst.detail() == null ? "" : " (" + worst.detail() + ")";
    return switch (worst.state()) {
      case REFUSED -> "Not bound: " + worst.frontend() + " cannot be served: " + worst.detail() + ".";
      case LISTENER_MISSING -> "Waiting for the listener of " + worst.where() + detail + ".";
      case NOT_BOUND -> "Not yet registered as a backend of " + worst.where() + detail + ".";
      case QUOTA_EXCEEDED -> "Cannot register with " + worst.where() + ": its backend quota is full" + detail + ".";
      case API_ERROR -> "The CLB API failed for " + worst.where() + detail + "; retrying.";
      case HEALTH_UNKNOWN -> "Registered with " + worst.where() + "; waiting for the health check's first verdict.";
      case HEALTH_DEAD -> "Registered with " + worst.where() + ", but its health check fails" + detail + ".";
      case HEALTH_ALIVE, HEALTH_CHECK_OFF -> "Healthy on " + worst.where() + ".";
    };
  }
}
