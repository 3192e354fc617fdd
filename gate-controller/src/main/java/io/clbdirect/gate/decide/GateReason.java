package io.clbdirect.gate.decide;

/**
 * Reasons on the readiness-gate condition. {@code LoadBalancerNetworkGroupReady} is what TKE writes
 * for True; TKE publishes no reasons for False, so these are clb-direct's own
 * (docs/gate-controller.md). Each has the type of the Event that announces it on the Pod: normal
 * progress is {@link Severity#NORMAL}, a problem someone should look at is {@link
 * Severity#WARNING}.
 */
public enum GateReason {
  /** True: bound and healthy on every direct-access frontend selecting the Pod. */
  LoadBalancerNetworkGroupReady(true, Severity.NORMAL),
  /** True: no direct-access frontend selects the Pod any more; nothing to wait for. */
  DirectAccessReleased(true, Severity.NORMAL),
  /**
   * True: the Pod was released (its gate True) and a direct-access frontend selects it again; it
   * keeps serving while it is bound and checked, and turns {@link #LoadBalancerNetworkGroupReady}
   * once healthy.
   */
  DirectAccessResumed(true, Severity.NORMAL),
  /** False: the Pod is not (yet) registered as a backend. */
  TargetNotBound(false, Severity.NORMAL),
  /** False: registered, the health check has not reached a verdict. */
  HealthCheckPending(false, Severity.NORMAL),
  /** False: registered, the health check fails. */
  HealthCheckFailing(false, Severity.WARNING),
  /** False: the load balancer or the listener for a Service port is being made. */
  ListenerMissing(false, Severity.NORMAL),
  /** False: the listener or rule already holds its quota of backends. */
  BackendQuotaExceeded(false, Severity.WARNING),
  /** False: the CLB API failed; clb-direct retries. Never True on an error. */
  CloudApiError(false, Severity.WARNING),
  /**
   * False: the load balancer the frontend names ({@code tke-existed-lbid}, {@code existLbId}) does
   * not exist; nothing is bound until the annotation is fixed.
   */
  LoadBalancerNotFound(false, Severity.WARNING),
  /**
   * False: the load balancer cannot serve this Pod as configured (in another VPC without SNAT Pro,
   * SNAT Pro off in GlobalRouter mode, or creation parameters refused); nothing is bound until the
   * user acts.
   */
  LoadBalancerUnusable(false, Severity.WARNING);

  /** The type of the Event announcing a gate change to this reason. */
  public enum Severity {
    NORMAL,
    WARNING
  }

  private final boolean ready;
  private final Severity severity;

  GateReason(boolean ready, Severity severity) {
    this.ready = ready;
    this.severity = severity;
  }

  public boolean ready() {
    return ready;
  }

  public Severity severity() {
    return severity;
  }

  /**
   * Worst first: when several frontends disagree, the Pod reports the reason furthest from ready.
   */
  int rank() {
    return switch (this) {
      case LoadBalancerUnusable -> 9;
      case LoadBalancerNotFound -> 8;
      case CloudApiError -> 7;
      case BackendQuotaExceeded -> 6;
      case ListenerMissing -> 5;
      case TargetNotBound -> 4;
      case HealthCheckFailing -> 3;
      case HealthCheckPending -> 2;
      case LoadBalancerNetworkGroupReady, DirectAccessReleased, DirectAccessResumed -> 0;
    };
  }
}
