package io.clbdirect.gate.controller;

import io.clbdirect.gate.decide.IngressRoutes;
import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import io.clbdirect.gate.decide.ListenerPlan;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * A load balancer's listeners and rules as last read or made.
 *
 * @param inputs what they were made from: when it changes they are looked at again
 * @param listeners L4 and L7 listeners by protocol and port
 * @param locationIds the rules of the HTTP:80 and HTTPS:443 listeners
 * @param read when the load balancer was last read for them
 */
record LoadBalancerLayout(
    String inputs,
    Map<ListenerPlan.Key, String> listeners,
    Map<RuleKey, String> locationIds,
    Instant read) {

  /** The listeners Ingress rules live on, by scheme; one missing has no entry. */
  Map<IngressRoutes.Scheme, String> ingressListeners() {
    Map<IngressRoutes.Scheme, String> ids = new EnumMap<>(IngressRoutes.Scheme.class);
    for (IngressRoutes.Scheme scheme : IngressRoutes.Scheme.values()) {
      String id = listeners.get(new ListenerPlan.Key(scheme.protocol(), scheme.port()));
      if (id != null) {
        ids.put(scheme, id);
      }
    }
    return ids;
  }
}
