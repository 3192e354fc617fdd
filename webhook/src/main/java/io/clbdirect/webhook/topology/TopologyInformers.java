package io.clbdirect.webhook.topology;

import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.core.InformerSync;
import io.clbdirect.core.WellKnown;
import io.clbdirect.webhook.informers.SingleObjectListerWatcher;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressList;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.Namespaces;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.util.List;

/**
 * The three informers the webhook decides from, registered on a shared factory (which starts them).
 * Services and Ingresses are watched cluster-wide; of ConfigMaps only TKE's one, by field selector,
 * so clb-direct neither needs nor caches anyone else's ConfigMaps.
 */
public record TopologyInformers(
    SharedIndexInformer<V1Service> services,
    SharedIndexInformer<V1Ingress> ingresses,
    SharedIndexInformer<V1ConfigMap> tkeConfig)
    implements InformerSync {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(TopologyInformers.class);

  public static TopologyInformers register(
      SharedInformerFactory factory, ApiClient client, DirectAccessRules rules) {
    SharedIndexInformer<V1Service> services =
        factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(
                V1Service.class, V1ServiceList.class, "", "v1", "services", client),
            V1Service.class,
            0,
            Namespaces.NAMESPACE_ALL,
            TopologyInformers::logListWatchFailure);
    services.addIndexers(InformerDirectAccessTopology.serviceIndexers(rules));

    SharedIndexInformer<V1Ingress> ingresses =
        factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(
                V1Ingress.class,
                V1IngressList.class,
                "networking.k8s.io",
                "v1",
                "ingresses",
                client),
            V1Ingress.class,
            0,
            Namespaces.NAMESPACE_ALL,
            TopologyInformers::logListWatchFailure);
    ingresses.addIndexers(InformerDirectAccessTopology.ingressIndexers(rules));

    SharedIndexInformer<V1ConfigMap> tkeConfig =
        factory.sharedIndexInformerFor(
            new SingleObjectListerWatcher<>(
                new GenericKubernetesApi<>(
                    V1ConfigMap.class, V1ConfigMapList.class, "", "v1", "configmaps", client),
                WellKnown.TKE_CONFIG_NAMESPACE,
                WellKnown.TKE_CONFIG_NAME),
            V1ConfigMap.class,
            0,
            TopologyInformers::logListWatchFailure);
    return new TopologyInformers(services, ingresses, tkeConfig);
  }

  /**
   * One line per failure instead of client-java's stack trace every second while the API server is
   * unreachable; the informer retries on its own and readiness reports the outage.
   */
  public static <T> void logListWatchFailure(Class<T> type, Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    LOG.warn("list/watch of {} failed, retrying: {}", type.getSimpleName(), cause.toString());
  }

  public List<SharedIndexInformer<?>> all() {
    return List.of(services, ingresses, tkeConfig);
  }

  @Override
  public String name() {
    return "webhook-topology";
  }

  @Override
  public boolean hasSynced() {
    return services.hasSynced() && ingresses.hasSynced() && tkeConfig.hasSynced();
  }
}
