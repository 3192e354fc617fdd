package io.clbdirect.gate.controller;

import io.clbdirect.gate.clb.ClbOperationException;
import io.kubernetes.client.openapi.ApiException;

/** Brings one kind of direct-access frontend's load balancer and targets to what it asks for. */
interface FrontendReconciler {

  /** Held on direct-access Services and Ingresses so their targets (and a load balancer made for them) are cleaned up. */
  String FINALIZER = "clb-direct.io/load-balancer";

  /**
   * @return what the health pass needs for the frontend's Pods, or null when it no longer asks for
   *     direct access (its Pods' gates are then released by the health pass)
   * @throws FrontendFailure when the load balancer could not be found or made: carries the state whose
   *     bindings tell the waiting Pods why
   */
  FrontendState reconcile(FrontendKey key) throws FrontendFailure, ClbOperationException, ApiException;

  /** Drops cached load-balancer lookups: a new leader starts from what the CLB says. */
  void reset();
}
