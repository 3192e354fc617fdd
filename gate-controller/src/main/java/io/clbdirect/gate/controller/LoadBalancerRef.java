package io.clbdirect.gate.controller;

import java.util.Map;

/**
 * A Service's load balancer as clb-direct found or made it.
 *
 * @param listenerIds Service port number to listener id
 * @param creationNote why the Service's creation parameters do not describe this load balancer (they
 *     apply only at creation), or null
 */
public record LoadBalancerRef(String loadBalancerId, String vip, Map<Integer, String> listenerIds, String creationNote) {

  public LoadBalancerRef {
    listenerIds = Map.copyOf(listenerIds);
  }
}
