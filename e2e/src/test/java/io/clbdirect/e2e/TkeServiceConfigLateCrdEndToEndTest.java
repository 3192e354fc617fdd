package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.tencentcloudapi.clb.v20180317.models.DescribeListenersRequest;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import io.clbdirect.e2e.crd.TkeServiceConfigCrd;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Service;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TkeServiceConfig CRD installed after clb-direct started: the reference is reported while the
 * CRD is missing, and applied once it is installed, without a restart.
 */
class TkeServiceConfigLateCrdEndToEndTest {

  static final String SYSTEM = "clb-direct-late-crd-e2e";
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final int PORT = 8090;

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .gateController(93)
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-late-crd", 8))
          // Another class may have installed it on this shared control plane; this one needs a
          // cluster without it.
          .beforeStart(plane -> TkeServiceConfigCrd.uninstall(plane.adminClient(), TIMEOUT))
          .build();

  @Test
  void aConfigIsReportedWhileTheCrdIsMissingAndAppliedOnceItIsInstalled() throws Exception {
    String ns = "late-crd";
    Namespaces.create(stack.core(), ns);
    V1Service web = Fixtures.directAccessService("web", "web");
    Map<String, String> annotations = new HashMap<>(web.getMetadata().getAnnotations());
    annotations.put("service.cloud.tencent.com/tke-service-config", "slow-checks");
    web.getMetadata().annotations(annotations);
    web.getSpec().getPorts().get(0).port(PORT).targetPort(new IntOrString(Fixtures.CONTAINER_PORT));
    stack.core().createNamespacedService(ns, web).execute();
    new AppsV1Api(stack.admin())
        .createNamespacedDeployment(ns, Fixtures.deployment("web", "web", 1))
        .execute();

    CoreV1Event missing =
        Await.until(
            TIMEOUT,
            "a TkeServiceConfigInvalid Event saying the CRD is missing",
            () ->
                events(ns).stream()
                    .filter(e -> "TkeServiceConfigInvalid".equals(e.getReason()))
                    .findFirst()
                    .orElse(null),
            e -> e != null);
    assertThat(missing.getMessage())
        .contains("CRD is not installed")
        .contains("kubectl apply -f manifests/crd/");
    Listener before =
        Await.until(TIMEOUT, "the Service's listener", () -> listener(ns), l -> l != null);
    assertThat(before.getHealthCheck().getIntervalTime())
        .as("clb-direct's default meanwhile")
        .isEqualTo(5L);

    long installed = System.nanoTime();
    TkeServiceConfigCrd.install(
        stack.admin(), Path.of(System.getProperty("clbdirect.repo")), TIMEOUT);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("apiVersion", "cloud.tencent.com/v1alpha1");
    config.put("kind", "TkeServiceConfig");
    config.put("metadata", Map.of("name", "slow-checks"));
    config.put(
        "spec",
        new Gson()
            .fromJson(
                "{\"loadBalancer\":{\"l4Listeners\":[{\"protocol\":\"TCP\",\"port\":"
                    + PORT
                    + ",\"healthCheck\":{\"enable\":true,\"intervalTime\":7}}]}}",
                Map.class));
    new CustomObjectsApi(stack.admin())
        .createNamespacedCustomObject(
            "cloud.tencent.com", "v1alpha1", ns, "tkeserviceconfigs", config)
        .execute();

    Await.until(
        TIMEOUT,
        "the listener's health check interval from the TkeServiceConfig",
        () -> listener(ns),
        l -> l != null && Long.valueOf(7).equals(l.getHealthCheck().getIntervalTime()));
    System.out.printf(
        "LATECRD CRD installed -> TkeServiceConfig applied in %d ms (without a restart)%n",
        Duration.ofNanos(System.nanoTime() - installed).toMillis());
  }

  static Listener listener(String ns) {
    try {
      V1Service service = stack.core().readNamespacedService("web", ns).execute();
      String lbId =
          service.getMetadata().getAnnotations() == null
              ? null
              : service.getMetadata().getAnnotations().get("service.kubernetes.io/loadbalance-id");
      if (lbId == null) {
        return null;
      }
      DescribeListenersRequest request = new DescribeListenersRequest();
      request.setLoadBalancerId(lbId);
      Listener[] listeners = stack.sdk().DescribeListeners(request).getListeners();
      return listeners == null || listeners.length == 0 ? null : listeners[0];
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static List<CoreV1Event> events(String ns) {
    try {
      return stack.core().listNamespacedEvent(ns).execute().getItems();
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }
}
