package io.clbdirect.gate.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.core.NetworkMode;
import io.kubernetes.client.informer.SharedInformerFactory;
import org.junit.jupiter.api.Test;

class DirectAccessAvailabilityTest {

  @Test
  void onlyGlobalRouterDependsOnTkesSwitchAndUnknownMeansUnavailable() {
    SharedInformerFactory empty = new SharedInformerFactory();
    assertThat(GateControllerConfiguration.directAccessAvailable(empty, NetworkMode.VPC_CNI))
        .isTrue();
    assertThat(GateControllerConfiguration.directAccessAvailable(empty, NetworkMode.MIXED))
        .isTrue();
    assertThat(GateControllerConfiguration.directAccessAvailable(empty, NetworkMode.GLOBAL_ROUTER))
        .isFalse();
  }

  @Test
  void globalRouterFollowsTheLiveConfigMap() {
    SharedInformerFactory factory = new SharedInformerFactory();
    io.kubernetes.client.informer.SharedIndexInformer<
            io.kubernetes.client.openapi.models.V1ConfigMap>
        informer =
            factory.sharedIndexInformerFor(
                new io.kubernetes.client.util.generic.GenericKubernetesApi<>(
                    io.kubernetes.client.openapi.models.V1ConfigMap.class,
                    io.kubernetes.client.openapi.models.V1ConfigMapList.class,
                    "",
                    "v1",
                    "configmaps",
                    new io.kubernetes.client.openapi.ApiClient()),
                io.kubernetes.client.openapi.models.V1ConfigMap.class,
                0);
    io.kubernetes.client.openapi.models.V1ConfigMap config =
        new io.kubernetes.client.openapi.models.V1ConfigMap()
            .metadata(
                new io.kubernetes.client.openapi.models.V1ObjectMeta()
                    .namespace("kube-system")
                    .name("tke-service-controller-config"))
            .data(java.util.Map.of("GlobalRouteDirectAccess", "true"));
    informer.getIndexer().add(config);
    assertThat(
            GateControllerConfiguration.directAccessAvailable(factory, NetworkMode.GLOBAL_ROUTER))
        .isTrue();

    informer
        .getIndexer()
        .update(
            new io.kubernetes.client.openapi.models.V1ConfigMap()
                .metadata(config.getMetadata())
                .data(java.util.Map.of("GlobalRouteDirectAccess", "false")));
    assertThat(
            GateControllerConfiguration.directAccessAvailable(factory, NetworkMode.GLOBAL_ROUTER))
        .isFalse();
  }

  @Test
  void podGracefulDeletionFollowsTheLiveConfigMapAndIsOffWithoutIt() {
    SharedInformerFactory factory = new SharedInformerFactory();
    assertThat(GateControllerConfiguration.podGracefulDeletion(factory))
        .as("no ConfigMap informer in this process")
        .isFalse();
    io.kubernetes.client.informer.SharedIndexInformer<
            io.kubernetes.client.openapi.models.V1ConfigMap>
        informer =
            factory.sharedIndexInformerFor(
                new io.kubernetes.client.util.generic.GenericKubernetesApi<>(
                    io.kubernetes.client.openapi.models.V1ConfigMap.class,
                    io.kubernetes.client.openapi.models.V1ConfigMapList.class,
                    "",
                    "v1",
                    "configmaps",
                    new io.kubernetes.client.openapi.ApiClient()),
                io.kubernetes.client.openapi.models.V1ConfigMap.class,
                0);
    io.kubernetes.client.openapi.models.V1ObjectMeta meta =
        new io.kubernetes.client.openapi.models.V1ObjectMeta()
            .namespace("kube-system")
            .name("tke-service-controller-config");
    assertThat(GateControllerConfiguration.podGracefulDeletion(factory))
        .as("no ConfigMap")
        .isFalse();
    informer
        .getIndexer()
        .add(
            new io.kubernetes.client.openapi.models.V1ConfigMap()
                .metadata(meta)
                .data(java.util.Map.of("EnablePodGracefulDeletion", " True ")));
    assertThat(GateControllerConfiguration.podGracefulDeletion(factory)).isTrue();
    informer
        .getIndexer()
        .update(
            new io.kubernetes.client.openapi.models.V1ConfigMap()
                .metadata(meta)
                .data(
                    java.util.Map.of(
                        "EnablePodGracefulDeletion", "false", "GlobalRouteDirectAccess", "true")));
    assertThat(GateControllerConfiguration.podGracefulDeletion(factory))
        .as("each key on its own")
        .isFalse();
  }
}
