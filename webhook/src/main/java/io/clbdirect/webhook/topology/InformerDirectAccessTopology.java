package io.clbdirect.webhook.topology;

import io.clbdirect.core.DirectAccessFrontend;
import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.core.NetworkMode;
import io.clbdirect.core.WellKnown;
import io.clbdirect.webhook.mutation.TopologySnapshot;
import io.kubernetes.client.informer.cache.Indexer;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Answers from informer caches only. Two extra indexes keep the work per admission proportional to
 * the direct-access objects of one namespace, not to every Service in it.
 */
public final class InformerDirectAccessTopology implements DirectAccessTopology {

  /** Index name: namespace of each direct-access Service / Ingress; others are not indexed. */
  public static final String DIRECT_ACCESS_BY_NAMESPACE =
      "clb-direct.io/direct-access-by-namespace";

  private static final String TKE_CONFIG_KEY =
      WellKnown.TKE_CONFIG_NAMESPACE + "/" + WellKnown.TKE_CONFIG_NAME;

  private final Indexer<V1Service> services;
  private final Indexer<V1Ingress> ingresses;
  private final Indexer<V1ConfigMap> tkeConfig;
  private final DirectAccessRules rules;
  private final NetworkMode networkMode;
  private final BooleanSupplier synced;

  public InformerDirectAccessTopology(
      BooleanSupplier synced,
      Indexer<V1Service> services,
      Indexer<V1Ingress> ingresses,
      Indexer<V1ConfigMap> tkeConfig,
      DirectAccessRules rules,
      NetworkMode networkMode) {
    this.services = services;
    this.ingresses = ingresses;
    this.tkeConfig = tkeConfig;
    this.rules = rules;
    this.networkMode = networkMode;
    this.synced = synced;
  }

  @Override
  public boolean hasSynced() {
    return synced.getAsBoolean();
  }

  /** The index for the Service informer; register it before the informer starts. */
  public static Map<String, Function<V1Service, List<String>>> serviceIndexers(
      DirectAccessRules rules) {
    return Map.of(
        DIRECT_ACCESS_BY_NAMESPACE,
        service ->
            rules.isDirectAccessService(service)
                ? List.of(service.getMetadata().getNamespace())
                : List.of());
  }

  /** The index for the Ingress informer; register it before the informer starts. */
  public static Map<String, Function<V1Ingress, List<String>>> ingressIndexers(
      DirectAccessRules rules) {
    return Map.of(
        DIRECT_ACCESS_BY_NAMESPACE,
        ingress ->
            rules.isDirectAccessIngress(ingress)
                ? List.of(ingress.getMetadata().getNamespace())
                : List.of());
  }

  @Override
  public TopologySnapshot snapshot(String namespace) {
    List<DirectAccessFrontend> frontends =
        rules.frontends(
            services.byIndex(DIRECT_ACCESS_BY_NAMESPACE, namespace),
            ingresses.byIndex(DIRECT_ACCESS_BY_NAMESPACE, namespace),
            name -> services.getByKey(namespace + "/" + name));
    return new TopologySnapshot(frontends, networkMode, globalRouteDirectAccess());
  }

  private boolean globalRouteDirectAccess() {
    V1ConfigMap config = tkeConfig.getByKey(TKE_CONFIG_KEY);
    if (config == null || config.getData() == null) {
      return false;
    }
    return "true"
        .equalsIgnoreCase(
            String.valueOf(config.getData().get(WellKnown.GLOBAL_ROUTE_DIRECT_ACCESS_KEY)).trim());
  }
}
