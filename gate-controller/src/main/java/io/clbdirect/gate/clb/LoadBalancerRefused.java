package io.clbdirect.gate.clb;

import io.clbdirect.gate.decide.BackendObservation;

/**
 * A frontend's load balancer cannot be used or made as asked: the one it names does not exist, its
 * creation parameters are invalid, the CLB API refused them, or it cannot reach the cluster's Pod
 * IPs. Unlike a failed call, retrying soon changes nothing; the user has to act, so it is reported
 * as a Warning Event with this reason and on every waiting Pod's gate.
 */
public final class LoadBalancerRefused extends Exception {

  private static final long serialVersionUID = 1L;

  private final String eventReason;
  private final BackendObservation.State gateState;

  /**
   * A load balancer that cannot serve the Pods as asked: the waiting Pods say {@code
   * LoadBalancerUnusable}.
   */
  public LoadBalancerRefused(String eventReason, String message) {
    this(eventReason, message, BackendObservation.State.REFUSED);
  }

  /**
   * @param gateState what the waiting Pods' gates say: {@link BackendObservation.State#refusal() a
   *     refusal}
   */
  public LoadBalancerRefused(
      String eventReason, String message, BackendObservation.State gateState) {
    super(message);
    if (!gateState.refusal()) {
      throw new IllegalArgumentException(gateState + " is not a refusal");
    }
    this.eventReason = eventReason;
    this.gateState = gateState;
  }

  /**
   * e.g. {@code LoadBalancerNetworkMismatch}, {@code InvalidLoadBalancerParameters}, {@code
   * LoadBalancerCreationRefused}, {@code LoadBalancerNotFound}
   */
  public String eventReason() {
    return eventReason;
  }

  /**
   * What the Pods waiting on the frontend observe (a {@link BackendObservation.State#refusal()
   * refusal}).
   */
  public BackendObservation.State gateState() {
    return gateState;
  }
}
