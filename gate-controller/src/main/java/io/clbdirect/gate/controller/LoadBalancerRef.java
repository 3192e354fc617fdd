package io.clbdirect.gate.controller;

import java.util.Map;

/**
 * A Service's load balancer as clb-direct found or made it.
 *
 * @param listenerIds Service port number to listener id
 */
public record LoadBalancerRef(String loadBalancerId, String vip, Map<Integer, String> listenerIds) {

  public LoadBalancerRef {
    listenerIds = Map.copyOf(listenerIds);
  }
}
