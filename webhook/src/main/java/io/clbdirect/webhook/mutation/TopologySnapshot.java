package io.clbdirect.webhook.mutation;

import io.clbdirect.core.DirectAccessFrontend;
import io.clbdirect.core.NetworkMode;
import io.clbdirect.core.NetworkPlan;
import java.util.List;
import java.util.Objects;

/**
 * Everything the mutator needs to know about the cluster for one Pod's namespace, read from caches
 * before the pure decision runs.
 *
 * @param frontends the namespace's direct-access Services and Ingress backends
 * @param networkMode the configured container network
 * @param globalRouteDirectAccess the live TKE switch from {@code
 *     kube-system/tke-service-controller-config}
 */
public record TopologySnapshot(
    List<DirectAccessFrontend> frontends,
    NetworkMode networkMode,
    boolean globalRouteDirectAccess) {

  public TopologySnapshot {
    frontends = List.copyOf(frontends);
    Objects.requireNonNull(networkMode, "networkMode");
  }

  public NetworkPlan networkPlan() {
    return NetworkPlan.decide(networkMode, globalRouteDirectAccess);
  }
}
