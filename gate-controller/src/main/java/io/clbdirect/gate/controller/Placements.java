package io.clbdirect.gate.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which load balancer each direct-access frontend uses, as its own reconcile found it. The
 * load-balancer reconcile serves every frontend placed on one load balancer together: one read and
 * one batch of writes for all of them. A frontend being released stays placed, marked, until that
 * reconcile has taken its targets off.
 */
final class Placements {

  /**
   * @param vip the load balancer's VIP (an Ingress's host-less rules use it as their domain)
   * @param releasing its targets must come off; it no longer asks for any
   */
  record Placement(FrontendKey frontend, String loadBalancerId, String vip, boolean releasing) {
    Placement {
      Objects.requireNonNull(frontend, "frontend");
      Objects.requireNonNull(loadBalancerId, "loadBalancerId");
    }
  }

  private final Map<FrontendKey, Placement> byFrontend = new ConcurrentHashMap<>();
  private final Set<FrontendKey> released = ConcurrentHashMap.newKeySet();

  /**
   * @return the load balancer it was placed on before when that was another one, else null
   */
  String place(FrontendKey frontend, String loadBalancerId, String vip) {
    released.remove(frontend);
    Placement before =
        byFrontend.put(frontend, new Placement(frontend, loadBalancerId, vip, false));
    return before == null || before.loadBalancerId().equals(loadBalancerId)
        ? null
        : before.loadBalancerId();
  }

  /** Its targets on this load balancer are to come off; {@link #released} says when they have. */
  void release(FrontendKey frontend, String loadBalancerId, String vip) {
    Placement current = byFrontend.get(frontend);
    if (current == null
        || !current.releasing()
        || !current.loadBalancerId().equals(loadBalancerId)) {
      released.remove(frontend);
      byFrontend.put(frontend, new Placement(frontend, loadBalancerId, vip, true));
    }
  }

  /** Called by the load-balancer reconcile once a releasing frontend's targets are off. */
  void markReleased(FrontendKey frontend) {
    Placement current = byFrontend.get(frontend);
    if (current != null && current.releasing()) {
      released.add(frontend);
    }
  }

  boolean released(FrontendKey frontend) {
    return released.contains(frontend);
  }

  Placement of(FrontendKey frontend) {
    return byFrontend.get(frontend);
  }

  /**
   * @return the placement that was removed, or null
   */
  Placement remove(FrontendKey frontend) {
    released.remove(frontend);
    return byFrontend.remove(frontend);
  }

  List<Placement> on(String loadBalancerId) {
    List<Placement> found = new ArrayList<>();
    for (Placement placement : byFrontend.values()) {
      if (placement.loadBalancerId().equals(loadBalancerId)) {
        found.add(placement);
      }
    }
    found.sort((a, b) -> a.frontend().toString().compareTo(b.frontend().toString()));
    return found;
  }

  void clear() {
    byFrontend.clear();
    released.clear();
  }
}
