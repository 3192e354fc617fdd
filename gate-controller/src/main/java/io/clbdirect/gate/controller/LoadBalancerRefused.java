package io.clbdirect.gate.controller;

/**
 * A frontend's load balancer cannot be used or made as asked: its creation parameters are invalid, the
 * CLB API refused them, or it cannot reach the cluster's Pod IPs. Unlike a failed call, retrying soon
 * changes nothing; the user has to act, so it is reported as a Warning Event with this reason and on
 * every waiting Pod's gate.
 */
final class LoadBalancerRefused extends Exception {

  private static final long serialVersionUID = 1L;

  private final String eventReason;

  LoadBalancerRefused(String eventReason, String message) {
    super(message);
    this.eventReason = eventReason;
  }

  /** e.g. {@code LoadBalancerNetworkMismatch}, {@code InvalidLoadBalancerParameters}, {@code LoadBalancerCreationRefused} */
  String eventReason() {
    return eventReason;
  }
}
