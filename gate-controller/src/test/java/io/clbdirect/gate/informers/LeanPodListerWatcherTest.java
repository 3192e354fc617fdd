package io.clbdirect.gate.informers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** The Pod list in pages, and Pods without managedFields, against a fake API server on loopback. */
class LeanPodListerWatcherTest {

  @StartStop final MockWebServer server = new MockWebServer();

  static String pod(String name) {
    return "{\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\"shop\",\"resourceVersion\":\"7\","
        + "\"managedFields\":[{\"manager\":\"kubelet\",\"operation\":\"Update\",\"fieldsType\":\"FieldsV1\","
        + "\"fieldsV1\":{\"f:status\":{}}}]},\"status\":{\"podIP\":\"127.0.1.1\"}}";
  }

  LeanListerWatcher<V1Pod, V1PodList> listerWatcher() {
    ApiClient client =
        new ClientBuilder().setBasePath(server.url("/").toString().replaceAll("/$", "")).build();
    return LeanPodListerWatcher.create(
        new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", client));
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  @Test
  void listsInPagesFollowingTheContinueTokenAndDropsManagedFields() throws Exception {
    server.enqueue(
        json(
            "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"41\",\"continue\":\"page2\"},\"items\":["
                + pod("a")
                + ","
                + pod("b")
                + "]}"));
    server.enqueue(
        json(
            "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"41\"},\"items\":["
                + pod("c")
                + "]}"));

    V1PodList list = listerWatcher().list(new CallGeneratorParams(false, "0", null));

    assertThat(list.getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("a", "b", "c");
    assertThat(list.getItems())
        .allSatisfy(p -> assertThat(p.getMetadata().getManagedFields()).isNull());
    assertThat(list.getItems().get(0).getStatus().getPodIP())
        .as("the rest is kept")
        .isEqualTo("127.0.1.1");
    assertThat(list.getMetadata().getResourceVersion()).isEqualTo("41");
    RecordedRequest first = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(first.getUrl().queryParameter("limit"))
        .isEqualTo(String.valueOf(LeanPodListerWatcher.PAGE));
    assertThat(first.getUrl().queryParameter("resourceVersion")).isEqualTo("0");
    RecordedRequest second = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(second.getUrl().queryParameter("continue")).isEqualTo("page2");
    assertThat(second.getUrl().queryParameter("resourceVersion"))
        .as("only the continue token after the first page")
        .isNull();
  }

  @Test
  void watchedPodsComeWithoutManagedFields() throws Exception {
    server.enqueue(json("{\"type\":\"ADDED\",\"object\":" + pod("a") + "}\n"));

    try (Watchable<V1Pod> watch = listerWatcher().watch(new CallGeneratorParams(true, "41", 5))) {
      assertThat(watch.hasNext()).isTrue();
      V1Pod added = watch.next().object;
      assertThat(added.getMetadata().getName()).isEqualTo("a");
      assertThat(added.getMetadata().getManagedFields()).isNull();
    }
  }
}
