package io.clbdirect.gate.decide;

/**
 * Reasons on the readiness-gate condition. {@code LoadBalancerNetworkGroupReady} is what TKE writes for
 * True; TKE publishes no reasons for False, so these are clb-direct's own (docs/gate-controller.md).
 */
public enum GateReason {
  /** True: bound and healthy on every direct-access frontend selecting the Pod. */
  LoadBalancerNetworkGroupReady(true),
  /** True: no direct-access frontend selects the Pod any more; nothing to wait for. */
  DirectAccessReleased(true),
  /** False: the Pod is not (yet) registered as a backend. */
  TargetNotBound(false),
  /** False: registered, the health check has not reached a verdict. */
  HealthCheckPending(false),
  /** False: registered, the health check fails. */
  HealthCheckFailing(false),
  /** False: the load balancer or the listener for a Service port does not exist (yet). */
  ListenerMissing(false),
  /** False: the listener or rule already holds its quota of backends. */
  BackendQuotaExceeded(false),
  /** False: the CLB API failed; clb-direct retries. Never True on an error. */
  CloudApiError(false),
  /**
   * False: the load balancer cannot serve this Pod as configured (in another VPC without SNAT Pro, SNAT
   * Pro off in GlobalRouter mode, or creation parameters refused); nothing is bound until the user acts.
   */
  LoadBalancerUnusable(false);

  private final boolean ready;

  GateReason(boolean ready) {
    this.ready = ready;
  }

  public boolean ready() {
    return ready;
  }

  /** Worst first: when several frontends disagree, the Pod reports the reason furthest from ready. */
  int severity() {
    return switch (this) {
      case LoadBalancerUnusable -> 8;
      case CloudApiError -> 7;
      case BackendQuotaExceeded -> 6;
      case ListenerMissing -> 5;
      case TargetNotBound -> 4;
      case HealthCheckFailing -> 3;
      case HealthCheckPending -> 2;
      case LoadBalancerNetworkGroupReady, DirectAccessReleased -> 0;
    };
  }
}
