package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.e2e.kubelet.PodExit;
import io.clbdirect.e2e.kubelet.Serving;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapVolumeSource;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Lifecycle;
import io.kubernetes.client.openapi.models.V1LifecycleHandler;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1SleepAction;
import io.kubernetes.client.openapi.models.V1Volume;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    try {
      Namespaces.deleteCreatedAndAwait(core);
    } finally {
      if (kubelet != null) {
        kubelet.close();
      }
    }
  }

  V1Pod runningPod(String ns, String name) throws ApiException {
    return runningPod(ns, Fixtures.pod(name, name));
  }

  V1Pod runningPod(String ns, V1Pod template) throws ApiException {
    String name = template.getMetadata().getName();
    core.createNamespacedPod(ns, template).execute();
    return Await.until(TIMEOUT, "Pod " + name + " Ready", () -> pods.read(ns, name), Pods::isReady);
  }

  HttpResponse<String> get(InetAddress ip) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://" + ip.getHostAddress() + ":" + Fixtures.CONTAINER_PORT + "/"))
            .timeout(Duration.ofSeconds(2))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void bindsRunsAndServesEachPodOnItsOwnLoopbackIp() throws Exception {
    String ns = "kubelet-serve";
    Namespaces.create(core, ns);
    core.createNamespacedService(ns, Fixtures.directAccessService("a", "a")).execute();
    V1Pod a = runningPod(ns, "a");
    V1Pod b = runningPod(ns, "b");

    assertThat(a.getSpec().getNodeName()).isEqualTo("fake-node-2");
    assertThat(a.getStatus().getPhase()).isEqualTo("Running");
    assertThat(a.getStatus().getPodIP())
        .startsWith("127.2.")
        .isNotEqualTo(b.getStatus().getPodIP());
    assertThat(a.getStatus().getContainerStatuses())
        .singleElement()
        .satisfies(
            status -> {
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
   * loopback addresses in EndpointSlices ("may not be in the loopback range"), so the fake
   * kubelet's 127.x Pod IPs never appear there, and backends must be derived from Pods and Service
   * selectors. The slice the controller writes has {@code "endpoints": null}, which client-java's
   * generated model cannot even read ("Expected the field `endpoints` to be an array"), hence raw
   * JSON here.
   */
  @Test
  void loopbackPodIpsNeverReachEndpointSlices() throws Exception {
    String ns = "kubelet-slices";
    Namespaces.create(core, ns);
    core.createNamespacedService(ns, Fixtures.directAccessService("s", "s")).execute();
    runningPod(ns, "s");
    okhttp3.OkHttpClient http = plane.adminClient().getHttpClient();
    String url =
        plane.apiServerUrl()
            + "/apis/discovery.k8s.io/v1/namespaces/"
            + ns
            + "/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Ds";

    com.google.gson.JsonArray slices =
        Await.until(
            TIMEOUT,
            "the EndpointSlice of Service s",
            () -> {
              try (okhttp3.Response response =
                  http.newCall(new okhttp3.Request.Builder().url(url).build()).execute()) {
                return com.google.gson.JsonParser.parseString(response.body().string())
                    .getAsJsonObject()
                    .getAsJsonArray("items");
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            },
            items -> items.size() == 1);
    Thread.sleep(2000); // time for the controller to try, and fail, to add the Ready Pod
    try (okhttp3.Response response =
        http.newCall(new okhttp3.Request.Builder().url(url).build()).execute()) {
      slices =
          com.google.gson.JsonParser.parseString(response.body().string())
              .getAsJsonObject()
              .getAsJsonArray("items");
    }
    assertThat(slices.get(0).getAsJsonObject().get("endpoints").isJsonNull()).isTrue();
  }

  @Test
  void aTestCanMakeAPodFailOrCloseAndRecover() throws Exception {
    String ns = "kubelet-health";
    Namespaces.create(core, ns);
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
    Namespaces.create(core, ns);
    runningPod(ns, "p");

    kubelet.setContainersReady(ns, "p", false);
    V1Pod pod =
        Await.until(
            TIMEOUT,
            "Ready False",
            () -> pods.read(ns, "p"),
            p -> Pods.condition(p, "Ready").map(c -> "False".equals(c.getStatus())).orElse(false));
    assertThat(Pods.condition(pod, "Ready").orElseThrow().getMessage())
        .isEqualTo("containers with unready status: [app]");
    kubelet.setContainersReady(ns, "p", true);
    Await.until(TIMEOUT, "Ready True again", () -> pods.read(ns, "p"), Pods::isReady);
  }

  @Test
  void gracefulDeletionKeepsServingForTheShutdownDelayThenClosesAndDeletes() throws Exception {
    String ns = "kubelet-delete";
    Namespaces.create(core, ns);
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

  /**
   * The kubelet's order: the container's preStop sleep, then SIGTERM, which closes its listener at
   * once.
   */
  @Test
  void aPreStopSleepKeepsThePodServingUntilItReturnsThenItRefusesConnections() throws Exception {
    String ns = "kubelet-prestop";
    Namespaces.create(core, ns);
    V1Pod template = Fixtures.pod("p", "p");
    template
        .getSpec()
        .getContainers()
        .get(0)
        .lifecycle(
            new V1Lifecycle()
                .preStop(new V1LifecycleHandler().sleep(new V1SleepAction().seconds(2L))));
    runningPod(ns, template);
    InetAddress ip = kubelet.podIp(ns, "p");

    long deleted = System.nanoTime();
    core.deleteNamespacedPod("p", ns).execute();
    assertThat(get(ip).statusCode()).as("serving during its preStop sleep").isEqualTo(200);
    long lastAnswer = deleted;
    while (true) {
      try {
        get(ip);
        lastAnswer = System.nanoTime();
      } catch (IOException stopped) {
        // Refused, or a kept-alive connection cut by SIGTERM in the middle of an answer: either way
        // it stopped.
        break;
      }
      assertThat(Duration.ofNanos(System.nanoTime() - deleted))
          .as("refusing after its 2 s sleep")
          .isLessThan(Duration.ofSeconds(10));
      Thread.sleep(50);
    }
    long refused = System.nanoTime();
    assertThat(Duration.ofNanos(lastAnswer - deleted))
        .as("answered until about 2 s")
        .isGreaterThan(Duration.ofMillis(1700));
    assertThat(Duration.ofNanos(refused - deleted))
        .as("refused soon after 2 s")
        .isLessThan(Duration.ofMillis(3500));
    Await.until(TIMEOUT, "Pod p gone", () -> pods.list(ns), List::isEmpty);
  }

  /** As on a real node: no hook, no drain; SIGTERM at once. */
  @Test
  void aPodWithoutAHookRefusesConnectionsRightAfterDelete() throws Exception {
    String ns = "kubelet-nohook";
    Namespaces.create(core, ns);
    runningPod(ns, "p");
    InetAddress ip = kubelet.podIp(ns, "p");
    assertThat(get(ip).statusCode()).isEqualTo(200);

    long deleted = System.nanoTime();
    core.deleteNamespacedPod("p", ns).execute();
    Await.until(
        Duration.ofSeconds(5),
        "connections refused",
        () -> {
          try {
            get(ip);
            return false;
          } catch (IOException stopped) {
            return true; // refused, or a kept-alive connection cut by SIGTERM
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        },
        refused -> refused);
    // Well under the 2 s a preStop sleep of the test above holds a Pod; a loaded machine needs some
    // slack.
    assertThat(Duration.ofNanos(System.nanoTime() - deleted))
        .as("right after the delete")
        .isLessThan(Duration.ofMillis(1500));
    Await.until(TIMEOUT, "Pod p gone", () -> pods.list(ns), List::isEmpty);
  }

  @Test
  void finishTerminationEndsAPodBeforeItsDelay() throws Exception {
    String ns = "kubelet-finish";
    Namespaces.create(core, ns);
    V1Pod slow = Fixtures.pod("p", "p");
    slow.getSpec().setTerminationGracePeriodSeconds(300L);
    runningPod(ns, slow);
    kubelet.setShutdownDelay(ns, "p", Duration.ofMinutes(5));

    core.deleteNamespacedPod("p", ns).execute();
    Thread.sleep(1000);
    assertThat(core.listNamespacedPod(ns).execute().getItems()).as("still terminating").hasSize(1);
    kubelet.finishTermination(ns, "p");

    Await.until(
        Duration.ofSeconds(5),
        "Pod p gone well before its 5 minute delay",
        () -> pods.list(ns),
        List::isEmpty);
  }

  /**
   * The kubelet's heartbeats, which the node-lifecycle controller watches: without them the Node
   * would go NotReady 50 s after registration and its Pods be evicted 300 s later.
   */
  @Test
  void keepsItsNodeAliveWithTheKubeletsLeaseAndStatus() throws Exception {
    CoordinationV1Api coordination = new CoordinationV1Api(plane.adminClient());
    V1Lease first = coordination.readNamespacedLease("fake-node-2", "kube-node-lease").execute();
    assertThat(first.getSpec().getHolderIdentity()).isEqualTo("fake-node-2");
    assertThat(first.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
    assertThat(first.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner ->
                assertThat(owner.getKind() + "/" + owner.getName()).isEqualTo("Node/fake-node-2"));

    V1Lease renewed =
        Await.until(
            Duration.ofSeconds(15),
            "the Lease renewed (every 10 s)",
            () ->
                Unchecked.get(
                    () ->
                        coordination
                            .readNamespacedLease("fake-node-2", "kube-node-lease")
                            .execute()),
            lease -> lease.getSpec().getRenewTime().isAfter(first.getSpec().getRenewTime()));
    assertThat(Duration.between(first.getSpec().getRenewTime(), renewed.getSpec().getRenewTime()))
        .isBetween(Duration.ofSeconds(9), Duration.ofSeconds(12));
    V1Node node = core.readNode("fake-node-2").execute();
    assertThat(node.getStatus().getConditions())
        .filteredOn(c -> "Ready".equals(c.getType()))
        .singleElement()
        .satisfies(ready -> assertThat(ready.getStatus()).isEqualTo("True"));
    assertThat(node.getSpec().getTaints()).as("no not-ready or unreachable taint").isNullOrEmpty();
  }

  /**
   * ServiceAccount admission adds the kube-api-access volume; the kubelet fetches its token and CA
   * first.
   */
  @Test
  void mountsThePodsVolumesBeforeItStartsItAndWaitsInContainerCreatingForAMissingOne()
      throws Exception {
    String ns = "kubelet-volumes";
    Namespaces.create(core, ns);
    V1Pod pod = Fixtures.pod("p", "p");
    pod.getSpec()
        .addVolumesItem(
            new V1Volume()
                .name("settings")
                .configMap(new V1ConfigMapVolumeSource().name("settings")));
    core.createNamespacedPod(ns, pod).execute();

    V1Pod waiting =
        Await.until(
            TIMEOUT,
            "Pod p waiting for its ConfigMap",
            () -> pods.read(ns, "p"),
            p ->
                p.getStatus() != null
                    && p.getStatus().getContainerStatuses() != null
                    && !p.getStatus().getContainerStatuses().isEmpty());
    assertThat(waiting.getSpec().getServiceAccountName()).isEqualTo("default");
    assertThat(waiting.getSpec().getVolumes())
        .extracting(V1Volume::getName)
        .anyMatch(name -> name.startsWith("kube-api-access-"));
    assertThat(waiting.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(waiting.getStatus().getPodIP()).as("no sandbox, no IP").isNull();
    assertThat(waiting.getStatus().getContainerStatuses())
        .singleElement()
        .satisfies(
            status -> {
              assertThat(status.getState().getWaiting().getReason()).isEqualTo("ContainerCreating");
              assertThat(status.getState().getWaiting().getMessage())
                  .isEqualTo(
                      "MountVolume.SetUp failed for volume \"settings\" : configmap \"settings\" not found");
            });

    core.createNamespacedConfigMap(
            ns, new V1ConfigMap().metadata(new V1ObjectMeta().name("settings")))
        .execute();
    V1Pod running =
        Await.until(
            TIMEOUT,
            "Pod p Ready once its ConfigMap exists",
            () -> pods.read(ns, "p"),
            Pods::isReady);
    assertThat(running.getStatus().getPodIP()).startsWith("127.2.");
  }

  @Test
  void exitAfterEndsTheContainersAndANeverRestartedPodSucceeds() throws Exception {
    String ns = "kubelet-exit";
    Namespaces.create(core, ns);
    V1Pod job = Fixtures.pod("p", "p");
    job.getMetadata().setAnnotations(Map.of(PodExit.EXIT_AFTER_ANNOTATION, "3s"));
    job.getSpec().setRestartPolicy("Never");
    core.createNamespacedPod(ns, job).execute();

    // Only the end is awaited: whether a poll sees it Ready in between depends on the machine's
    // load.
    V1Pod done =
        Await.until(
            TIMEOUT,
            "Pod p Succeeded",
            () -> pods.read(ns, "p"),
            p -> p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase()));
    assertThat(done.getStatus().getContainerStatuses())
        .singleElement()
        .satisfies(
            status -> {
              assertThat(status.getState().getTerminated().getExitCode()).isZero();
              assertThat(status.getState().getTerminated().getReason()).isEqualTo("Completed");
              assertThat(status.getReady()).isFalse();
              // Timestamps have whole seconds.
              assertThat(
                      Duration.between(
                          status.getState().getTerminated().getStartedAt(),
                          status.getState().getTerminated().getFinishedAt()))
                  .as("ran for its 3 s")
                  .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
            });
    assertThat(Pods.condition(done, "Ready").orElseThrow().getReason()).isEqualTo("PodCompleted");
    assertThat(done.getStatus().getPodIP())
        .as("kept, as the kubelet keeps it")
        .startsWith("127.2.");
    InetAddress ip = InetAddress.getByName(done.getStatus().getPodIP());
    assertThatThrownBy(() -> get(ip))
        .as("its listeners closed with it")
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void activeDeadlineSecondsFailsThePodAsTheKubeletDoes() throws Exception {
    String ns = "kubelet-deadline";
    Namespaces.create(core, ns);
    V1Pod pod = Fixtures.pod("p", "p");
    pod.getSpec().setActiveDeadlineSeconds(2L);
    runningPod(ns, pod);

    V1Pod failed =
        Await.until(
            TIMEOUT,
            "Pod p Failed",
            () -> pods.read(ns, "p"),
            p -> "Failed".equals(p.getStatus().getPhase()));
    assertThat(failed.getStatus().getReason()).isEqualTo("DeadlineExceeded");
    assertThat(failed.getStatus().getMessage())
        .isEqualTo("Pod was active on the node longer than the specified deadline");
    assertThat(
            failed
                .getStatus()
                .getContainerStatuses()
                .get(0)
                .getState()
                .getTerminated()
                .getExitCode())
        .isEqualTo(137);
  }
}
