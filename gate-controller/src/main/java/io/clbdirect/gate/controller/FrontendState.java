package io.clbdirect.gate.controller;

import io.clbdirect.gate.decide.Binding;
import java.util.List;
import java.util.Map;
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
record FrontendState(String loadBalancerId, Map<String, List<Binding>> bindings, Set<String> quotaFull, String error, String refusal) {

  FrontendState {
    bindings = Map.copyOf(bindings);
    quotaFull = Set.copyOf(quotaFull);
  }

  FrontendState(String loadBalancerId, Map<String, List<Binding>> bindings, Set<String> quotaFull, String error) {
    this(loadBalancerId, bindings, quotaFull, error, null);
  }
}
