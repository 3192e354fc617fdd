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
   * @param observations one per load-balancer listener or rule the Pod should be bound to; empty
   *     when no direct-access frontend selects the Pod any more
   * @param current the condition the Pod carries now, or null
   */
  public GateCondition decide(List<BackendObservation> observations, GateCondition current) {
    if (observations.isEmpty()) {
      return new GateCondition(
          true,
          GateReason.DirectAccessReleased,
          "No direct-access Service or Ingress selects this Pod any more; the gate no longer applies.");
    }
    BackendObservation worst =
        observations.stream()
            .max(Comparator.comparingInt((BackendObservation o) -> o.reason().rank()))
            .orElseThrow();
    GateReason reason = worst.reason();
    if (reason.ready()) {
      return new GateCondition(
          true,
          GateReason.LoadBalancerNetworkGroupReady,
          "Marking condition \"cloud.tencent.com/load-balancer-backendgroup-ready\" to True: bound and healthy on "
              + observations.size()
              + " load balancer listener"
              + (observations.size() == 1 ? "" : "s")
              + ".");
    }
    boolean wasTrue = current != null && current.status();
    if (wasTrue && observations.stream().allMatch(o -> o.state().refusal() || o.reason().ready())) {
      // A refusal (say, SNAT Pro needed after GlobalRouteDirectAccess was switched on, or a
      // mistyped
      // load-balancer id) stops new bindings; clb-direct deregisters nothing for it, so a Pod
      // already
      // serving keeps its gate in either mode.
      return kept(current, worst);
    }
    if (mode == GateMode.INITIAL && wasTrue && stillBound(observations)) {
      // initial mode: a health flap after the Pod went Ready does not take it out of its Service.
      return kept(current, worst);
    }
    return new GateCondition(false, reason, message(worst));
  }

  /**
   * A True gate kept although the Pod is not (yet) healthy everywhere. One that was True because
   * the Pod had been released no longer says so once a frontend selects the Pod again: it says what
   * it waits for.
   */
  private static GateCondition kept(GateCondition current, BackendObservation worst) {
    if (current.reason() != GateReason.DirectAccessReleased
        && current.reason() != GateReason.DirectAccessResumed) {
      return current;
    }
    return new GateCondition(
        true,
        GateReason.DirectAccessResumed,
        "Selected by a direct-access frontend again after its release; "
            + "the gate stays True (the Pod was serving) until it is bound and healthy. Now: "
            + message(worst));
  }

  private static boolean stillBound(List<BackendObservation> observations) {
    return observations.stream()
        .allMatch(
            o ->
                switch (o.state()) {
                  case HEALTH_ALIVE, HEALTH_DEAD, HEALTH_UNKNOWN, HEALTH_CHECK_OFF -> true;
                  case API_ERROR -> true;
                  case REFUSED,
                      LOAD_BALANCER_NOT_FOUND,
                      LISTENER_MISSING,
                      NOT_BOUND,
                      QUOTA_EXCEEDED ->
                      false;
                });
  }

  private static String message(BackendObservation worst) {
    String detail = worst.detail() == null ? "" : " (" + worst.detail() + ")";
    return switch (worst.state()) {
      case REFUSED ->
          "Not bound: " + worst.frontend() + " cannot be served: " + worst.detail() + ".";
      case LOAD_BALANCER_NOT_FOUND ->
          "Not bound: " + worst.frontend() + ": " + worst.detail() + ".";
      case LISTENER_MISSING -> "Waiting for the listener of " + worst.where() + detail + ".";
      case NOT_BOUND -> "Not yet registered as a backend of " + worst.where() + detail + ".";
      case QUOTA_EXCEEDED ->
          "Cannot register with " + worst.where() + ": its backend quota is full" + detail + ".";
      case API_ERROR -> "The CLB API failed for " + worst.where() + detail + "; retrying.";
      case HEALTH_UNKNOWN ->
          "Registered with " + worst.where() + "; waiting for the health check's first verdict.";
      case HEALTH_DEAD ->
          "Registered with " + worst.where() + ", but its health check fails" + detail + ".";
      case HEALTH_ALIVE, HEALTH_CHECK_OFF -> "Healthy on " + worst.where() + ".";
    };
  }
}
