package io.clbdirect.core;

/** What a direct-access backend Pod needs from the webhook, given the cluster's network. */
public enum NetworkPlan {
  /** The Pod is reachable by the CLB as it is: only the readiness gate is needed. */
  GATE_ONLY,
  /** The Pod must also ask for an ENI IP (annotation + extended resource) to be reachable. */
  GATE_AND_ENI,
  /** The CLB cannot reach this Pod at all: injecting a gate would block the rollout forever. */
  UNAVAILABLE;

  /**
   * The decision table from TKE's documentation.
   *
   * @param mode the configured container network
   * @param globalRouteDirectAccess the live {@code GlobalRouteDirectAccess} switch
   */
  public static NetworkPlan decide(NetworkMode mode, boolean globalRouteDirectAccess) {
    return switch (mode) {
      case VPC_CNI -> GATE_ONLY;
      case MIXED -> globalRouteDirectAccess ? GATE_ONLY : GATE_AND_ENI;
      case GLOBAL_ROUTER -> globalRouteDirectAccess ? GATE_ONLY : UNAVAILABLE;
    };
  }
}
