package io.clbdirect.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.clbdirect.app.support.FakeApiServer;
import io.clbdirect.app.support.RunningApp;
import io.clbdirect.app.support.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembled process over real HTTPS on loopback, with a MockWebServer as the API server. */
class MutatePodsHttpsTest {

  @TempDir static Path dir;
  static FakeApiServer api;
  static TestTls tls;
  static RunningApp app;
  static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    api = ClusterFixture.serve(new FakeApiServer(false));
    tls = new TestTls(dir);
    List<String> args = new ArrayList<>(tls.serverProperties());
    args.add("--clb-direct.kubeconfig=" + api.writeKubeconfig(dir));
    args.add("--clb-direct.network-mode=mixed");
    args.add("--clb-direct.webhook.max-request-bytes=64KB");
    app = RunningApp.start(args);
    client =
        HttpClient.newBuilder()
            .sslContext(tls.clientContext())
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    awaitReady();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (api != null) {
      api.close();
    }
  }

  static void awaitReady() throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      if (readinessStatus() == 200) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not ready within 30 s; API requests seen: " + api.requests());
  }

  static int readinessStatus() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + app.managementPort()
                                + "/actuator/health/readiness"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.statusCode();
  }

  static HttpResponse<String> post(String contentType, byte[] body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + app.httpsPort() + "/mutate-pods"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String body) throws Exception {
    return post("application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void patchesAPodBehindADirectAccessServiceWithGateAndEni() throws Exception {
    HttpResponse<String> response = post(ClusterFixture.review("uid-web", "{\"app\":\"web\"}"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonObject review = JsonParser.parseString(response.body()).getAsJsonObject();
    assertThat(review.get("apiVersion").getAsString()).isEqualTo("admission.k8s.io/v1");
    JsonObject answer = review.getAsJsonObject("response");
    assertThat(answer.get("uid").getAsString()).isEqualTo("uid-web");
    assertThat(answer.get("allowed").getAsBoolean()).isTrue();
    assertThat(answer.get("patchType").getAsString()).isEqualTo("JSONPatch");
    JsonArray patch =
        JsonParser.parseString(
                new String(
                    Base64.getDecoder().decode(answer.get("patch").getAsString()),
                    StandardCharsets.UTF_8))
            .getAsJsonArray();
    List<String> paths = new ArrayList<>();
    patch.forEach(op -> paths.add(op.getAsJsonObject().get("path").getAsString()));
    // The drain is on by default (clb-direct.webhook.drain.*): the fixture's container has no
    // lifecycle.
    assertThat(paths)
        .containsExactly(
            "/spec/readinessGates",
            "/metadata/annotations",
            "/spec/containers/0/resources",
            "/spec/containers/0/lifecycle");
  }

  @Test
  void patchesAPodBehindADirectAccessIngressBackend() throws Exception {
    JsonObject answer =
        JsonParser.parseString(post(ClusterFixture.review("uid-api", "{\"app\":\"api\"}")).body())
            .getAsJsonObject()
            .getAsJsonObject("response");
    assertThat(answer.get("patchType").getAsString()).isEqualTo("JSONPatch");
  }

  @Test
  void leavesOtherPodsAlone() throws Exception {
    JsonObject answer =
        JsonParser.parseString(post(ClusterFixture.review("uid-db", "{\"app\":\"db\"}")).body())
            .getAsJsonObject()
            .getAsJsonObject("response");
    assertThat(answer.get("allowed").getAsBoolean()).isTrue();
    assertThat(answer.has("patch")).isFalse();
    assertThat(answer.has("patchType")).isFalse();
  }

  @Test
  void makesZeroApiCallsPerAdmission() throws Exception {
    // Informers have listed and opened one watch each; from here on the API must stay silent.
    Instant deadline = Instant.now().plusSeconds(10);
    while (api.requests().stream().filter(r -> r.contains("watch=true")).count() < 3
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
    }
    int before = api.requestCount();
    List<String> seenBefore = api.requests();

    for (int i = 0; i < 300; i++) {
      String labels =
          switch (i % 3) {
            case 0 -> "{\"app\":\"web\"}";
            case 1 -> "{\"app\":\"api\"}";
            default -> "{\"app\":\"db\"}";
          };
      assertThat(post(ClusterFixture.review("uid-" + i, labels)).statusCode()).isEqualTo(200);
    }

    assertThat(api.requestCount())
        .as("API requests during 300 admissions; before: %s, after: %s", seenBefore, api.requests())
        .isEqualTo(before);
    assertThat(seenBefore).anySatisfy(r -> assertThat(r).startsWith("GET /api/v1/services"));
  }

  @Test
  void oversizedBodyIs413WithAClearMessage() throws Exception {
    byte[] big = new byte[65 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    HttpResponse<String> response = post("application/json", big);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("exceeds the limit of 65536 bytes");
  }

  @Test
  void wrongOrMissingContentTypeIs415() throws Exception {
    byte[] body = ClusterFixture.review("u", "{}").getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> text = post("text/plain", body);
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(text.body()).contains("text/plain is not supported; expected application/json");
    assertThat(text.headers().firstValue("Content-Type")).hasValue("application/problem+json");

    HttpResponse<String> missing = post(null, body);
    assertThat(missing.statusCode()).isEqualTo(415);
    assertThat(missing.body()).contains("Content-Type is missing");
  }

  @Test
  void jsonWithCharsetIsAccepted() throws Exception {
    HttpResponse<String> response =
        post(
            "application/json; charset=utf-8",
            ClusterFixture.review("u-cs", "{\"app\":\"db\"}").getBytes(StandardCharsets.UTF_8));
    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void unparsableJsonOrMissingUidIs400WithAClearMessage() throws Exception {
    HttpResponse<String> garbage = post("{\"apiVersion\":");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.body()).contains("body is not valid JSON");

    HttpResponse<String> noUid =
        post(
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}");
    assertThat(noUid.statusCode()).isEqualTo(400);
    assertThat(noUid.body()).contains("no uid");

    HttpResponse<String> empty = post("");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("empty body");
  }

  @Test
  void reviewOfSomethingElseIsAllowedWithAWarning() throws Exception {
    HttpResponse<String> response =
        post(
            """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
         "request":{"uid":"u-cm","kind":{"group":"","version":"v1","kind":"ConfigMap"},"operation":"CREATE",
                    "object":{"kind":"ConfigMap","metadata":{"name":"x"}}}}
        """);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject answer =
        JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("response");
    assertThat(answer.get("allowed").getAsBoolean()).isTrue();
    assertThat(answer.has("patch")).isFalse();
    assertThat(answer.getAsJsonArray("warnings").get(0).getAsString()).contains("expected a Pod");
  }

  @Test
  void speaksTls12AndTls13Only() throws Exception {
    assertThat(tls.handshake(app.httpsPort()).protocol()).isEqualTo("TLSv1.3");
    assertThat(tls.handshake(app.httpsPort(), "TLSv1.2").protocol()).isEqualTo("TLSv1.2");
    // TLS 1.1 is also disabled in the JDK's client defaults, so this proves the pair of ends
    // refuses it.
    assertThatThrownBy(() -> tls.handshake(app.httpsPort(), "TLSv1.1"))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void getIsNotAnswered() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + app.httpsPort() + "/mutate-pods"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(405);
  }
}
