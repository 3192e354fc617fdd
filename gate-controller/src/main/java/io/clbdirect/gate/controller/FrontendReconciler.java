package io.clbdirect.gate.controller;

import io.clbdirect.gate.clb.ClbOperationException;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;

/**
 * Brings one kind of direct-access frontend to what it asks for, up to its load balancer: the
 * frontend checked and reported on, its finalizer, its load balancer found or made and recorded,
 * and its placement on that load balancer, whose own reconcile ({@link LoadBalancerReconciler})
 * binds the targets.
 */
interface FrontendReconciler {

  /**
   * Held on direct-access Services and Ingresses so their targets (and a load balancer made for
   * them) are cleaned up.
   */
  String FINALIZER = "clb-direct.io/load-balancer";

  /**
   * How often a frontend whose release waits on its load balancer's reconcile looks again (that
   * reconcile also asks at once).
   */
  Duration RELEASE_POLL = Duration.ofSeconds(1);

  /**
   * What a reconcile left for the health pass and the workqueue.
   *
   * @param forget the frontend no longer asks for direct access (or is gone): its Pods' gates are
   *     released by the health pass
   * @param requeueAfter look again after this long, or null
   */
  record Outcome(boolean forget, Duration requeueAfter) {
    static final Outcome PLACED = new Outcome(false, null);
    static final Outcome GONE = new Outcome(true, null);
    static final Outcome RELEASING = new Outcome(true, RELEASE_POLL);
  }

  /**
   * @throws FrontendFailure when the load balancer could not be found or made: carries the state
   *     whose bindings tell the waiting Pods why
   */
  Outcome reconcile(FrontendKey key) throws FrontendFailure, ClbOperationException, ApiException;

  /** Drops cached load-balancer lookups: a new leader starts from what the CLB says. */
  void reset();

  /**
   * The load balancer this frontend was placed on is gone or changed: find it again on the next
   * reconcile.
   */
  void forgetLookup(FrontendKey key);
}
