package io.clbdirect.webhook.admission;

/** The webhook's caches have not synced yet, so it cannot tell whether a Pod needs a gate. */
public class TopologyNotSyncedException extends RuntimeException {

  public TopologyNotSyncedException() {
    super(
        "clb-direct has not yet synced its caches of Services, Ingresses and TKE's ConfigMap; retry shortly");
  }
}
