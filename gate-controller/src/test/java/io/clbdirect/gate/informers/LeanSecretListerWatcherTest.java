package io.clbdirect.gate.informers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * The Secret list in pages, and Secrets with only the keys clb-direct reads, against a fake API
 * server on loopback.
 */
class LeanSecretListerWatcherTest {

  @StartStop final MockWebServer server = new MockWebServer();

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String secret(String name) {
    return "{\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\"shop\",\"resourceVersion\":\"7\","
        + "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"{\\\"data\\\":{\\\"password\\\":\\\"c2VjcmV0\\\"}}\","
        + "\"cert-manager.io/issuer-name\":\"letsencrypt\"},"
        + "\"managedFields\":[{\"manager\":\"cert-manager\",\"operation\":\"Update\",\"fieldsType\":\"FieldsV1\","
        + "\"fieldsV1\":{\"f:data\":{}}}]},\"type\":\"kubernetes.io/tls\",\"data\":{"
        + "\"tls.crt\":\""
        + b64("CERT")
        + "\",\"tls.key\":\""
        + b64("KEY")
        + "\",\"ca.crt\":\""
        + b64("CA")
        + "\",\"qcloud_cert_id\":\""
        + b64("Xy12ab")
        + "\",\"password\":\""
        + b64("hunter2")
        + "\",\"config.json\":\""
        + b64("{}")
        + "\"}}";
  }

  LeanListerWatcher<V1Secret, V1SecretList> listerWatcher() {
    ApiClient client =
        new ClientBuilder().setBasePath(server.url("/").toString().replaceAll("/$", "")).build();
    return LeanSecretListerWatcher.create(
        new GenericKubernetesApi<>(
            V1Secret.class, V1SecretList.class, "", "v1", "secrets", client));
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static void assertLean(V1Secret secret) {
    assertThat(secret.getData())
        .containsOnlyKeys("tls.crt", "tls.key", "ca.crt", "qcloud_cert_id")
        .hasEntrySatisfying(
            "tls.key", v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("KEY"))
        .hasEntrySatisfying(
            "qcloud_cert_id",
            v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("Xy12ab"));
    assertThat(secret.getMetadata().getManagedFields()).isNull();
    assertThat(secret.getMetadata().getAnnotations())
        .as("kubectl's copy of the whole Secret goes, other annotations stay")
        .containsOnlyKeys("cert-manager.io/issuer-name");
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
  }

  @Test
  void listsInPagesFollowingTheContinueTokenAndKeepsOnlyTheKeysClbDirectReads() throws Exception {
    server.enqueue(
        json(
            "{\"kind\":\"SecretList\",\"metadata\":{\"resourceVersion\":\"41\",\"continue\":\"page2\"},\"items\":["
                + secret("a")
                + ","
                + secret("b")
                + "]}"));
    server.enqueue(
        json(
            "{\"kind\":\"SecretList\",\"metadata\":{\"resourceVersion\":\"41\"},\"items\":["
                + secret("c")
                + "]}"));

    V1SecretList list = listerWatcher().list(new CallGeneratorParams(false, "0", null));

    assertThat(list.getItems())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("a", "b", "c");
    assertThat(list.getItems()).allSatisfy(LeanSecretListerWatcherTest::assertLean);
    assertThat(list.getMetadata().getResourceVersion()).isEqualTo("41");
    RecordedRequest first = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(first.getUrl().encodedPath()).isEqualTo("/api/v1/secrets");
    assertThat(first.getUrl().queryParameter("limit"))
        .isEqualTo(String.valueOf(LeanListerWatcher.PAGE));
    assertThat(first.getUrl().queryParameter("resourceVersion")).isEqualTo("0");
    RecordedRequest second = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(second.getUrl().queryParameter("continue")).isEqualTo("page2");
    assertThat(second.getUrl().queryParameter("resourceVersion")).isNull();
  }

  @Test
  void watchedSecretsKeepOnlyTheKeysClbDirectReads() throws Exception {
    server.enqueue(json("{\"type\":\"MODIFIED\",\"object\":" + secret("a") + "}\n"));

    try (Watchable<V1Secret> watch =
        listerWatcher().watch(new CallGeneratorParams(true, "41", 5))) {
      assertThat(watch.hasNext()).isTrue();
      V1Secret modified = watch.next().object;
      assertThat(modified.getMetadata().getName()).isEqualTo("a");
      assertLean(modified);
    }
  }

  @Test
  void aSecretWithoutDataOrMetadataPassesUnharmed() {
    V1Secret bare = LeanSecretListerWatcher.lean(new V1Secret().type("Opaque"));
    assertThat(bare.getData()).isNullOrEmpty();
    assertThat(bare.getType()).isEqualTo("Opaque");
  }
}
