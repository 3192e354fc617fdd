package io.clbdirect.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.app.support.FakeApiServer;
import io.clbdirect.app.support.RunningApp;
import io.clbdirect.app.support.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Until the caches have synced, the process is not ready and refuses to decide (503). */
class ReadinessTest {

  @TempDir Path dir;

  @Test
  void notReadyAndNotDecidingUntilCachesSync() throws Exception {
    try (FakeApiServer api = ClusterFixture.serve(new FakeApiServer(true))) {
      TestTls tls = new TestTls(dir);
      List<String> args = new ArrayList<>(tls.serverProperties());
      args.add("--clb-direct.kubeconfig=" + api.writeKubeconfig(dir));
      try (RunningApp app = RunningApp.start(args)) {
        HttpClient client = HttpClient.newBuilder().sslContext(tls.clientContext()).build();

        HttpResponse<String> readiness = get(app.managementPort());
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).contains("\"webhook-topology\":\"syncing\"");

        HttpResponse<String> early = post(client, app.httpsPort());
        assertThat(early.statusCode()).isEqualTo(503);
        assertThat(early.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(early.body()).contains("not yet synced");

        api.releaseLists();
        Instant deadline = Instant.now().plusSeconds(30);
        while (get(app.managementPort()).statusCode() != 200) {
          assertThat(Instant.now())
              .as("ready within 30 s of the lists arriving")
              .isBefore(deadline);
          Thread.sleep(100);
        }
        assertThat(get(app.managementPort()).body()).contains("\"webhook-topology\":\"synced\"");
        HttpResponse<String> late = post(client, app.httpsPort());
        assertThat(late.statusCode()).isEqualTo(200);
        assertThat(late.body()).contains("\"patchType\":\"JSONPatch\"");
      }
    }
  }

  private static HttpResponse<String> get(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(HttpClient client, int port) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/mutate-pods"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    ClusterFixture.review("uid-r", "{\"app\":\"web\"}")))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
