package io.clbdirect.core;

import java.util.Objects;

/**
 * What a Service or Ingress asks of clb-direct: direct access it will serve, nothing, or direct
 * access asked for in a way it cannot serve (an unparsable annotation value, a Service type without
 * a load balancer, an Ingress class clb-direct does not serve). The last must never be silently
 * ignored: the gate-controller puts a Warning Event with {@link Problem#eventReason()} and {@link
 * #message()} on the object. Pure; made by {@link DirectAccessRules#classify}.
 *
 * @param problem why it cannot be served, null unless {@link Verdict#UNSERVABLE}
 * @param message what was expected, for the user; null unless {@link Verdict#UNSERVABLE}
 */
public record DirectAccessRequest(Verdict verdict, Problem problem, String message) {

  public enum Verdict {
    /** clb-direct binds its Pods. */
    DIRECT_ACCESS,
    /**
     * No direct access asked of clb-direct (no annotation, {@code "false"}, or another controller's
     * class).
     */
    NOT_REQUESTED,
    /** Direct access asked for, but clb-direct cannot serve it as written: nothing is bound. */
    UNSERVABLE
  }

  /** The causes of {@link Verdict#UNSERVABLE}, each with its own Event reason. */
  public enum Problem {
    /** The direct-access annotation is neither {@code "true"} nor {@code "false"}. */
    INVALID_VALUE("InvalidDirectAccessValue"),
    /**
     * Direct access on a ClusterIP, NodePort or ExternalName Service: only {@code type:
     * LoadBalancer} has a load balancer.
     */
    UNSUPPORTED_SERVICE_TYPE("DirectAccessUnsupportedType"),
    /** Direct access on an Ingress whose class clb-direct does not serve. */
    INGRESS_CLASS_NOT_SERVED("IngressClassNotServed");

    private final String eventReason;

    Problem(String eventReason) {
      this.eventReason = eventReason;
    }

    public String eventReason() {
      return eventReason;
    }
  }

  public static final DirectAccessRequest DIRECT_ACCESS =
      new DirectAccessRequest(Verdict.DIRECT_ACCESS, null, null);
  public static final DirectAccessRequest NOT_REQUESTED =
      new DirectAccessRequest(Verdict.NOT_REQUESTED, null, null);

  public DirectAccessRequest {
    Objects.requireNonNull(verdict, "verdict");
    if ((verdict == Verdict.UNSERVABLE) != (problem != null && message != null)) {
      throw new IllegalArgumentException(
          "a problem and a message go with UNSERVABLE, and only with it");
    }
  }

  static DirectAccessRequest unservable(Problem problem, String message) {
    return new DirectAccessRequest(Verdict.UNSERVABLE, problem, message);
  }

  public boolean directAccess() {
    return verdict == Verdict.DIRECT_ACCESS;
  }
}
