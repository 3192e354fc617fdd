package io.clbdirect.gate.controller;

import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.clb.LoadBalancerRefused;

/**
 * A failed reconcile that still knows which Pods wait on it, so their gates can say why: a CLB call
 * that failed (retried with backoff) or a load balancer clb-direct refuses to use or make (the user
 * must act).
 */
final class FrontendFailure extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient FrontendState state;

  FrontendFailure(ClbOperationException cause, FrontendState state) {
    super(cause.getMessage(), cause);
    this.state = state;
  }

  FrontendFailure(LoadBalancerRefused cause, FrontendState state) {
    super(cause.getMessage(), cause);
    this.state = state;
  }

  FrontendState state() {
    return state;
  }

  /**
   * @return the failed call, or null when the load balancer was refused
   */
  ClbOperationException clbError() {
    return getCause() instanceof ClbOperationException e ? e : null;
  }

  /**
   * @return the refusal, or null when a CLB call failed
   */
  LoadBalancerRefused refusal() {
    return getCause() instanceof LoadBalancerRefused r ? r : null;
  }
}
