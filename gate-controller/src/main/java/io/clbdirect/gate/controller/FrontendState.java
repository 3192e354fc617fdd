package io.clbdirect.gate.controller;

import io.clbdirect.gate.decide.BackendObservation;
import io.clbdirect.gate.decide.Binding;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one reconcile of a frontend established, for the health pass.
 *
 * @param loadBalancerId its load balancer, or null when it could not be found or made
 * @param bindings per Pod key: where the Pod must be bound and healthy
 * @param quotaFull listener ids that refused targets for quota
 * @param error the CLB error code that stopped the reconcile, or null
 * @param refusal why clb-direct will not use or make the load balancer (nothing is bound), or null
 */
record FrontendState(
    String loadBalancerId,
    Map<String, List<Binding>> bindings,
    Set<String> quotaFull,
    String error,
    Refusal refusal) {

  /**
   * @param state what the waiting Pods observe ({@code REFUSED}, {@code LOAD_BALANCER_NOT_FOUND})
   * @param message why, for their gate's message
   */
  record Refusal(BackendObservation.State state, String message) {}

  FrontendState {
    bindings = Map.copyOf(bindings);
    quotaFull = Set.copyOf(quotaFull);
  }

  FrontendState(
      String loadBalancerId,
      Map<String, List<Binding>> bindings,
      Set<String> quotaFull,
      String error) {
    this(loadBalancerId, bindings, quotaFull, error, null);
  }

  /**
   * Whether a reconcile changed what the frontend's Pods should say: released or first established,
   * another load balancer, a refusal, an error or a full quota come or gone. Pod churn alone (other
   * bindings) does not: the next regular pass sees it.
   */
  static boolean changesReasons(FrontendState before, FrontendState after) {
    if (before == null || after == null) {
      return before != after;
    }
    return !Objects.equals(before.loadBalancerId(), after.loadBalancerId())
        || !Objects.equals(before.error(), after.error())
        || !Objects.equals(before.refusal(), after.refusal())
        || !before.quotaFull().equals(after.quotaFull());
  }
}
