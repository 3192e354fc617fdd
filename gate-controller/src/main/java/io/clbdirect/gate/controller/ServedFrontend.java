package io.clbdirect.gate.controller;

import io.kubernetes.client.common.KubernetesObject;

/** A frontend placed on a load balancer, with its Service or Ingress from the cache. */
record ServedFrontend(Placements.Placement placement, KubernetesObject object) {
  FrontendKey key() {
    return placement.frontend();
  }

  boolean releasing() {
    return placement.releasing();
  }
}
