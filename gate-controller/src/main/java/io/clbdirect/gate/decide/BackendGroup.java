package io.clbdirect.gate.decide;

import java.util.Objects;

/**
 * Where a set of targets lives on the CLB: an L4 listener, or an L7 rule of a listener.
 *
 * @param locationId the L7 rule's LocationId, or null for an L4 listener
 */
public record BackendGroup(String loadBalancerId, String listenerId, String locationId) {

  public BackendGroup {
    Objects.requireNonNull(loadBalancerId, "loadBalancerId");
    Objects.requireNonNull(listenerId, "listenerId");
  }
}
