package io.clbdirect.gate.controller;

import io.clbdirect.gate.clb.ClbOperationException;

/** A failed reconcile that still knows which Pods wait on it, so their gates can say why. */
final class FrontendFailure extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient FrontendState state;

  FrontendFailure(ClbOperationException cause, FrontendState state) {
    super(cause.getMessage(), cause);
    this.state = state;
  }

  FrontendState state() {
    return state;
  }

  ClbOperationException clbError() {
    return (ClbOperationException) getCause();
  }
}
