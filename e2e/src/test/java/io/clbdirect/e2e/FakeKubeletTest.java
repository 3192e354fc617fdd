package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.e2e.kubelet.Serving;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fake kubelet's contract, against the real API server and controllers (no webhook here). */
@ExtendWith(ControlPlaneExtension.class)
class FakeKubeletTest {

  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static CoreV1Api core;
  static FakeKubelet kubelet;
  static ControlPlane plane;
  static Pods pods;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void start(ControlPlane controlPlane) {
    plane = controlPlane;
    core = new CoreV1Api(plane.adminClient());
    pods = new Pods(core);
    kubelet = new FakeKubelet(plane.adminClient(Duration.ZERO), "fake-node-2", 2).start();
  }

  @AfterAll
  static void stop() {
    if (kubelet != null) {
      kubelet.close();
    }
  }

  V1Pod runningPod(String ns, String name) throws ApiException {
    return runningPod(ns, Fixtures.pod(name, name));
  }

  V1Pod runningPod(String ns, V1Pod template) throws ApiException {
    String name = template.getMetadata().getName();
    core.createNamespacedPod(ns, template).execute();
    return Await.until(TIMEOUT, "Pod " + name + " Ready", () -> pods.read(ns, name),
        Pods::isReady);
  }

  HttpResponse<String> get(InetAddress ip) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + ip.getHostAddress() + ":" + Fixtures.CONTAINER_PORT + "/"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void bindsRunsAndServesEachPodOnItsOwnLoopbackIp() throws Exception {
    String ns = "kubelet-serve";
    core.createNamespace(Fixtures.namespace(ns)).execute();
    core.createNamespacedService(ns, Fixtures.directAccessService("a", "a")).execute();
    V1Pod a = runningPod(ns, "a");
    V1Pod b = runningPod(ns, "b");

    assertThat(a.getSpec().getNodeName()).isEqualTo("fake-node-2");
    assertThat(a.getStatus().getPhase()).isEqualTo("Running");
    assertThat(a.getStatus().getPodIP()).startsWith("127.2.").isNotEqualTo(b.getStatus().getPodIP());
    assertThat(a.getStatus().getContainerStatuses()).singleElement().satisfies(status -> {
      assertThat(status.getReady()).isTrue();
      assertThat(status.getState().getRunning()).isNotNull();
    });
    InetAddress ip = kubelet.podIp(ns, "a");
    assertThat(ip.getHostAddress()).isEqualTo(a.getStatus().getPodIP());
    HttpResponse<String> answer = get(ip);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("X-Pod-Name")).hasValue("a");
  }

  /**
   * A canary for a constraint the gate-controller's design depends on: the API server refuses
   * loopback addresses in EndpointSlices ("may not be in the loopback range"), so the fake kubelet's
   * 127.x Pod IPs never appear there, and backends must be derived from Pods and Service selectors.
   * The slice the controller writes has {@code "endpoints": null}, which client-java's generated model
   * cannot even read ("Expected the field `endpoints` to be an array"), hence raw JSON here.
   */
  @Test
  void loopbackPodIpsNeverReachEndpointSlices() throws Exception {
    String ns = "kubelet-slices";
    core.createNamespace(Fixtures.namespace(ns)).execute();
    core.createNamespacedService(ns, Fixtures.directAccessService("s", "s")).execute();
    runningPod(ns, "s");
    okhttp3.OkHttpClient http = plane.adminClient().getHttpClient();
    String url = plane.apiServerUrl() + "/apis/discovery.k8s.io/v1/namespaces/" + ns
        + "/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Ds";

    com.google.gson.JsonArray slices = Await.until(TIMEOUT, "the EndpointSlice of Service s", () -> {
      try (okhttp3.Response response = http.newCall(new okhttp3.Request.Builder().url(url).build()).execute()) {
        return com.google.gson.JsonParser.parseString(response.body().string()).getAsJsonObject().getAsJsonArray("items");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }, items -> items.size() == 1);
    Thread.sleep(2000); // time for the controller to try, and fail, to add the Ready Pod
    try (okhttp3.Response response = http.newCall(new okhttp3.Request.Builder().url(url).build()).execute()) {
      slices = com.google.gson.JsonParser.parseString(response.body().string()).getAsJsonObject().getAsJsonArray("items");
    }
    assertThat(slices.get(0).getAsJsonObject().get("endpoints").isJsonNull()).isTrue();
  }

  @Test
  void aTestCanMakeAPodFailOrCloseAndRecover() throws Exception {
    String ns = "kubelet-health";
    core.createNamespace(Fixtures.namespace(ns)).execute();
    runningPod(ns, "p");
    InetAddress ip = kubelet.podIp(ns, "p");

    kubelet.serve(ns, "p", Serving.FAILING);
    assertThat(get(ip).statusCode()).isEqualTo(503);
    kubelet.serve(ns, "p", Serving.CLOSED);
    assertThatThrownBy(() -> get(ip)).isInstanceOf(ConnectException.class);
    kubelet.serve(ns, "p", Serving.OK);
    assertThat(get(ip).statusCode()).isEqualTo(200);
  }

  @Test
  void unreadyContainersMakeThePodNotReadyWithTheKubeletsReason() throws Exception {
    String ns = "kubelet-containers";
    core.createNamespace(Fixtures.namespace(ns)).execute();
    runningPod(ns, "p");

    kubelet.setContainersReady(ns, "p", false);
    V1Pod pod = Await.until(TIMEOUT, "Ready False", () -> pods.read(ns, "p"),
        p -> Pods.condition(p, "Ready").map(c -> "False".equals(c.getStatus())).orElse(false));
    assertThat(Pods.condition(pod, "Ready").orElseThrow().getMessage())
        .isEqualTo("containers with unready status: [app]");
    kubelet.setContainersReady(ns, "p", true);
    Await.until(TIMEOUT, "Ready True again", () -> pods.read(ns, "p"),
        Pods::isReady);
  }

  @Test
  void gracefulDeletionKeepsServingForTheShutdownDelayThenClosesAndDeletes() throws Exception {
    String ns = "kubelet-delete";
    core.createNamespace(Fixtures.namespace(ns)).execute();
    runningPod(ns, "p");
    InetAddress ip = kubelet.podIp(ns, "p");
    kubelet.setShutdownDelay(ns, "p", Duration.ofSeconds(2));

    core.deleteNamespacedPod("p", ns).execute();
    V1Pod terminating = pods.read(ns, "p");
    assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(get(ip).statusCode()).as("still serving during its shutdown delay").isEqualTo(200);

    Await.until(TIMEOUT, "Pod p gone", () -> pods.list(ns), List::isEmpty);
    assertThatThrownBy(() -> get(ip)).isInstanceOf(ConnectException.class);
  }

  @Test
  void finishTerminationEndsAPodBeforeItsDelay() throws Exception {
    String ns = "kubelet-finish";
    core.createNamespace(Fixtures.namespace(ns)).execute();
    V1Pod slow = Fixtures.pod("p", "p");
    slow.getSpec().setTerminationGracePeriodSeconds(300L);
    runningPod(ns, slow);
    kubelet.setShutdownDelay(ns, "p", Duration.ofMinutes(5));

    core.deleteNamespacedPod("p", ns).execute();
    Thread.sleep(1000);
    assertThat(core.listNamespacedPod(ns).execute().getItems()).as("still terminating").hasSize(1);
    kubelet.finishTermination(ns, "p");

    Await.until(Duration.ofSeconds(5), "Pod p gone well before its 5 minute delay", () -> pods.list(ns), List::isEmpty);
  }
}
