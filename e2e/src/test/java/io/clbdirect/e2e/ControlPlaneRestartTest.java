package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.controlplane.ControlPlane.Component;
import io.clbdirect.e2e.controlplane.ControlPlaneAssets;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Restarts in place (issue 20): etcd and kube-apiserver stopped and started again with the same
 * ports, flags, certificates and etcd data. On a control plane of its own, so that no other class
 * ever sees it down.
 */
class ControlPlaneRestartTest {

  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static ControlPlane plane;

  @BeforeAll
  static void start() {
    plane = ControlPlane.start(ControlPlaneAssets.resolve(ControlPlaneExtension.repository()));
  }

  @AfterAll
  static void stop() {
    if (plane != null) {
      plane.close(); // closes restarted processes too: they replace the stopped ones
    }
  }

  static V1ConfigMap configMap(String name, String value) {
    return new V1ConfigMap().metadata(new V1ObjectMeta().name(name)).data(Map.of("v", value));
  }

  @Test
  void etcdRestartKeepsTheDataAndClientsAndWatchesReconnect() throws Exception {
    ApiClient client = plane.adminClient(Duration.ofSeconds(5));
    CoreV1Api core = new CoreV1Api(client);
    core.createNamespacedConfigMap("default", configMap("before-etcd", "1")).execute();
    String apiserverUrl = plane.apiServerUrl();

    SharedInformerFactory factory = new SharedInformerFactory(plane.adminClient(Duration.ZERO));
    SharedIndexInformer<V1ConfigMap> informer =
        factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(
                V1ConfigMap.class,
                V1ConfigMapList.class,
                "",
                "v1",
                "configmaps",
                plane.adminClient(Duration.ZERO)),
            V1ConfigMap.class,
            0,
            "default");
    factory.startAllRegisteredInformers();
    try {
      Await.until(TIMEOUT, "informer synced", informer::hasSynced, synced -> synced);

      plane.stop(Component.ETCD);
      assertThat(plane.isRunning(Component.ETCD)).isFalse();
      // The API server runs but cannot read or write: the fault is real, not a no-op.
      assertThatThrownBy(
              () -> core.createNamespacedConfigMap("default", configMap("during", "x")).execute())
          .isNotNull();

      plane.start(Component.ETCD);
      assertThat(plane.apiServerUrl()).isEqualTo(apiserverUrl);
      assertThat(
              core.readNamespacedConfigMap("before-etcd", "default").execute().getData().get("v"))
          .as("data written before the restart survives it")
          .isEqualTo("1");
      // The same client object: its connections reconnect.
      core.createNamespacedConfigMap("default", configMap("after-etcd", "2")).execute();
      Await.until(
          TIMEOUT,
          "the informer's watch to see a ConfigMap created after the restart",
          () -> informer.getIndexer().getByKey("default/after-etcd"),
          cm -> cm != null);
    } finally {
      factory.stopAllRegisteredInformers();
    }
  }

  @Test
  void apiServerKilledAndStartedServesTheSameDataOnTheSamePortAndCertificate() throws Exception {
    ApiClient client = plane.adminClient(Duration.ofSeconds(5));
    CoreV1Api core = new CoreV1Api(client);
    core.createNamespacedConfigMap("default", configMap("before-apiserver", "1")).execute();

    plane.kill(Component.KUBE_APISERVER); // SIGKILL: no graceful shutdown, as in a crash
    assertThat(plane.isRunning(Component.KUBE_APISERVER)).isFalse();
    assertThatThrownBy(() -> core.readNamespacedConfigMap("before-apiserver", "default").execute())
        .as("nothing answers while it is stopped")
        .hasRootCauseInstanceOf(java.net.ConnectException.class);

    plane.start(Component.KUBE_APISERVER);
    // The same client, trusting the same CA and presenting the same client certificate.
    assertThat(
            core.readNamespacedConfigMap("before-apiserver", "default")
                .execute()
                .getData()
                .get("v"))
        .isEqualTo("1");
    core.createNamespacedConfigMap("default", configMap("after-apiserver", "2")).execute();
    assertThat(plane.processes()).allSatisfy(p -> assertThat(p.isAlive()).isTrue());
  }
}
