package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.FileReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The harness itself: a real API server with RBAC and client-certificate authentication. */
@ExtendWith(ControlPlaneExtension.class)
class ControlPlaneTest {

  @Test
  void adminCanWriteAndAnUnboundUserIsForbidden(ControlPlane plane) throws Exception {
    CoreV1Api admin = new CoreV1Api(plane.adminClient());
    admin
        .createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name("harness-check")))
        .execute();
    assertThat(admin.readNamespace("harness-check").execute().getMetadata().getName())
        .isEqualTo("harness-check");

    ApiClient nobody;
    try (FileReader reader = new FileReader(plane.kubeconfigFor("nobody", List.of()).toFile())) {
      nobody = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
    }
    assertThatThrownBy(() -> new CoreV1Api(nobody).listNamespacedPod("harness-check").execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  @Test
  void everyProcessIsOnLoopbackAndAlive(ControlPlane plane) {
    assertThat(plane.apiServerUrl()).startsWith("https://127.0.0.1:");
    assertThat(plane.processes())
        .hasSize(3)
        .allSatisfy(process -> assertThat(process.isAlive()).isTrue());
  }
}
