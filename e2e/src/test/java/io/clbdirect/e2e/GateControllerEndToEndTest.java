package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.emulator.ClbEmulator;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1Service;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gate-controller end to end: real API server and controllers, the fake kubelet's real
 * listeners, the CLB emulator's real health checks and data path, clb-direct as its own process.
 */
class GateControllerEndToEndTest {

  static final String SYSTEM = "clb-direct-gate-e2e";
  static final String GATE = "cloud.tencent.com/load-balancer-backendgroup-ready";
  static final int SERVICE_PORT = 18080;
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .gateController(95)
          // No preStop in the test workloads: the webhook's drain keeps a deleted Pod serving while
          // the CLB takes
          // it out (weight 0 lands within a second at the emulator's 200 ms tasks); 3 s instead of
          // 10 keeps tests short.
          .args("--clb-direct.webhook.drain.seconds=3")
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-3", 3))
          .build();

  static V1Service service(String ns, String name) {
    try {
      return stack.core().readNamespacedService(name, ns).execute();
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void fourReplicasAreBoundHealthyGatedTrueAndServeThroughTheVip() throws Exception {
    String ns = "gated-web";
    Namespaces.create(stack.core(), ns);
    V1Service web = Fixtures.directAccessService("web", "web");
    web.getSpec()
        .getPorts()
        .get(0)
        .port(SERVICE_PORT)
        .targetPort(new IntOrString(Fixtures.CONTAINER_PORT));
    stack.core().createNamespacedService(ns, web).execute();
    long started = System.nanoTime();
    stack.apps().createNamespacedDeployment(ns, Fixtures.deployment("web", "web", 4)).execute();

    stack.deployments().awaitAvailable(ns, "web", 4, TIMEOUT);
    System.out.printf(
        "GATE 4 replicas created -> all gates True, Deployment Available in %d ms%n",
        Duration.ofNanos(System.nanoTime() - started).toMillis());

    List<V1Pod> running = stack.pods().withApp(ns, "web");
    assertThat(running)
        .hasSize(4)
        .allSatisfy(
            pod -> {
              V1PodCondition gate = Pods.condition(pod, GATE).orElseThrow();
              assertThat(gate.getStatus()).isEqualTo("True");
              assertThat(gate.getReason()).isEqualTo("LoadBalancerNetworkGroupReady");
              assertThat(Pods.isReady(pod)).isTrue();
            });

    V1Service recorded =
        Await.until(
            TIMEOUT,
            "the Service's load balancer recorded",
            () -> service(ns, "web"),
            s ->
                s.getStatus().getLoadBalancer() != null
                    && s.getStatus().getLoadBalancer().getIngress() != null
                    && !s.getStatus().getLoadBalancer().getIngress().isEmpty());
    String lbId =
        recorded.getMetadata().getAnnotations().get("service.kubernetes.io/loadbalance-id");
    String vip = recorded.getStatus().getLoadBalancer().getIngress().get(0).getIp();
    assertThat(lbId).startsWith("lb-");
    assertThat(vip).startsWith("127.95.");

    Set<String> bound = new HashSet<>();
    for (JsonElement lb : stack.clb().stateView().getAsJsonArray("loadBalancers")) {
      JsonObject l = lb.getAsJsonObject();
      if (l.get("loadBalancerId").getAsString().equals(lbId)) {
        JsonArray targets =
            l.getAsJsonArray("listeners").get(0).getAsJsonObject().getAsJsonArray("targets");
        targets.forEach(
            t -> {
              assertThat(t.getAsJsonObject().get("health").getAsString()).isEqualTo("Alive");
              bound.add(t.getAsJsonObject().get("target").getAsString());
            });
      }
    }
    Set<String> podTargets = new HashSet<>();
    running.forEach(
        pod -> podTargets.add("eni:" + pod.getStatus().getPodIP() + ":" + Fixtures.CONTAINER_PORT));
    assertThat(bound).isEqualTo(podTargets);

    Set<String> answeredBy = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      // A new client per request: a new connection, so the load balancer picks a target each time.
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + vip + ":" + SERVICE_PORT + "/"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      answeredBy.add(answer.headers().firstValue("X-Pod-Name").orElseThrow());
    }
    assertThat(answeredBy).as("weighted round robin over the 4 Pods").hasSize(4);

    String metrics = stack.clbDirect().management("/actuator/prometheus");
    assertThat(
            BootstrapperEndToEndTest.metricValue(
                metrics, "clb_direct_gate_creation_to_ready_seconds_count"))
        .isGreaterThanOrEqualTo(4);
    assertThat(
            BootstrapperEndToEndTest.metricValue(
                metrics, "clb_direct_gate_bound_to_ready_seconds_count"))
        .isGreaterThanOrEqualTo(4);
    assertThat(metrics).contains("clb_direct_clb_calls_total{action=\"BatchRegisterTargets\"");
    List<String> reasons =
        Await.until(
            TIMEOUT,
            "gate Events on the Pods",
            () -> {
              try {
                return stack.core().listNamespacedEvent(ns).execute().getItems().stream()
                    .map(e -> e.getReason())
                    .toList();
              } catch (ApiException e) {
                throw new IllegalStateException(e);
              }
            },
            list -> list.stream().filter("LoadBalancerNetworkGroupReady"::equals).count() >= 4);
    assertThat(reasons).contains("LoadBalancerNetworkGroupReady");
  }

  /**
   * A direct-access Service and Deployment, waited on until every gate is True; returns the LB id.
   */
  static String readyWorkload(String ns, int replicas) throws Exception {
    Namespaces.create(stack.core(), ns);
    V1Service web = Fixtures.directAccessService("web", "web");
    web.getSpec()
        .getPorts()
        .get(0)
        .port(SERVICE_PORT)
        .targetPort(new IntOrString(Fixtures.CONTAINER_PORT));
    stack.core().createNamespacedService(ns, web).execute();
    stack
        .apps()
        .createNamespacedDeployment(ns, Fixtures.deployment("web", "web", replicas))
        .execute();
    stack.deployments().awaitAvailable(ns, "web", replicas, TIMEOUT);
    V1Service recorded =
        Await.until(
            TIMEOUT,
            "load balancer recorded",
            () -> service(ns, "web"),
            s ->
                s.getMetadata()
                    .getAnnotations()
                    .containsKey("service.kubernetes.io/loadbalance-id"));
    assertThat(recorded.getMetadata().getFinalizers()).contains("clb-direct.io/load-balancer");
    return recorded.getMetadata().getAnnotations().get("service.kubernetes.io/loadbalance-id");
  }

  static boolean loadBalancerExists(String lbId) {
    return loadBalancerExists(stack.clb(), lbId);
  }

  static boolean loadBalancerExists(ClbEmulator emulator, String lbId) {
    for (JsonElement lb : emulator.stateView().getAsJsonArray("loadBalancers")) {
      if (lb.getAsJsonObject().get("loadBalancerId").getAsString().equals(lbId)) {
        return true;
      }
    }
    return false;
  }

  static boolean allReleased(String ns) {
    List<V1Pod> all = stack.pods().withApp(ns, "web");
    return !all.isEmpty()
        && all.stream()
            .allMatch(
                pod ->
                    Pods.condition(pod, GATE)
                        .map(
                            c ->
                                "True".equals(c.getStatus())
                                    && "DirectAccessReleased".equals(c.getReason()))
                        .orElse(false));
  }

  @Test
  void switchingDirectAccessOffReleasesTheGatesAndDeletesTheLoadBalancerItMade() throws Exception {
    String ns = "release-web";
    String lbId = readyWorkload(ns, 2);

    String patch =
        "{\"metadata\":{\"annotations\":{\"service.cloud.tencent.com/direct-access\":\"false\"}}}";
    io.kubernetes.client.util.PatchUtils.patch(
        V1Service.class,
        () ->
            stack
                .core()
                .patchNamespacedService("web", ns, new io.kubernetes.client.custom.V1Patch(patch))
                .buildCall(null),
        io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
        stack.admin());

    V1Service released =
        Await.until(
            TIMEOUT,
            "finalizer and recorded load balancer removed",
            () -> service(ns, "web"),
            s ->
                (s.getMetadata().getFinalizers() == null
                        || !s.getMetadata().getFinalizers().contains("clb-direct.io/load-balancer"))
                    && !s.getMetadata()
                        .getAnnotations()
                        .containsKey("service.kubernetes.io/loadbalance-id"));
    assertThat(released.getStatus().getLoadBalancer().getIngress()).isNullOrEmpty();
    Await.until(
        TIMEOUT,
        "load balancer " + lbId + " deleted",
        () -> loadBalancerExists(lbId),
        exists -> !exists);
    Await.until(TIMEOUT, "gates released", () -> allReleased(ns), done -> done);
  }

  @Test
  void deletingTheServiceDeletesItsLoadBalancerAndReleasesTheGates() throws Exception {
    String ns = "delete-web";
    String lbId = readyWorkload(ns, 2);

    stack.core().deleteNamespacedService("web", ns).execute();

    Await.until(
        TIMEOUT,
        "Service gone",
        () -> {
          try {
            stack.core().readNamespacedService("web", ns).execute();
            return false;
          } catch (ApiException e) {
            return e.getCode() == 404;
          }
        },
        gone -> gone);
    assertThat(loadBalancerExists(lbId)).isFalse();
    Await.until(TIMEOUT, "gates released", () -> allReleased(ns), done -> done);
  }

  /** Every CLB call clb-direct made so far, from its own counters. */
  static double clbCalls() {
    return stack
        .clbDirect()
        .management("/actuator/prometheus")
        .lines()
        .filter(l -> l.startsWith("clb_direct_clb_calls_total{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /**
   * Is every gated-True, non-terminating Pod's target Alive in the emulator right now? Names
   * offenders.
   */
  static List<String> gateTrueBeforeAlive(String ns) {
    return GateControllerFailoverEndToEndTest.gateTrueBeforeAlive(
        stack.aliveHistory(), stack.pods(), ns);
  }

  /**
   * Issue 6, test 2 in part: a rolling update while a client opens a new connection to the VIP
   * every 20 ms. The fake kubelet keeps a deleted Pod serving for 2 s (a preStop sleep), in which
   * clb-direct must have taken it out of rotation.
   */
  @Test
  void rollingUpdateLosesNoConnectionAndNoPodIsReadyBeforeItIsHealthy() throws Exception {
    String ns = "rollout-web";
    readyWorkload(ns, 3);
    String vip = service(ns, "web").getStatus().getLoadBalancer().getIngress().get(0).getIp();
    Thread.sleep(2000); // let the previous tests' work settle
    double idleStart = clbCalls();
    Thread.sleep(10_000);
    double idlePerMinute = (clbCalls() - idleStart) * 6;
    double rolloutStart = clbCalls();

    java.util.concurrent.atomic.AtomicBoolean running =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ConcurrentLinkedQueue<String> failures =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.ConcurrentLinkedQueue<String> violations =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.ExecutorService loops =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    loops.submit(
        () -> {
          while (running.get()) {
            try (java.net.Socket socket = new java.net.Socket()) {
              socket.connect(new java.net.InetSocketAddress(vip, SERVICE_PORT), 2000);
              socket.setSoTimeout(3000);
              socket
                  .getOutputStream()
                  .write("GET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n".getBytes());
              String answer = new String(socket.getInputStream().readAllBytes());
              if (answer.startsWith("HTTP/1.1 200")) {
                ok.incrementAndGet();
              } else {
                failures.add(
                    answer.isEmpty()
                        ? "closed without an answer"
                        : answer.lines().findFirst().orElse(""));
              }
            } catch (java.io.IOException e) {
              failures.add(e.toString());
            }
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              return null;
            }
          }
          return null;
        });
    loops.submit(
        () -> {
          while (running.get()) {
            violations.addAll(gateTrueBeforeAlive(ns));
            Thread.sleep(100);
          }
          return null;
        });
    long started = System.nanoTime();
    try {
      String patch =
          "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"rollout\":\"2\"}}}}}";
      io.kubernetes.client.util.PatchUtils.patch(
          V1Deployment.class,
          () ->
              stack
                  .apps()
                  .patchNamespacedDeployment(
                      "web", ns, new io.kubernetes.client.custom.V1Patch(patch))
                  .buildCall(null),
          io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          stack.admin());
      Await.until(
          TIMEOUT,
          "rollout complete",
          () -> stack.deployments().read(ns, "web"),
          d ->
              d.getStatus() != null
                  && Integer.valueOf(3).equals(d.getStatus().getUpdatedReplicas())
                  && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas())
                  && Integer.valueOf(3).equals(d.getStatus().getReplicas())
                  && d.getStatus().getObservedGeneration() >= 2);
      Await.until(
          TIMEOUT, "old Pods gone", () -> stack.pods().withApp(ns, "web").size(), n -> n == 3);
      Thread.sleep(1000);
    } finally {
      running.set(false);
      loops.shutdown();
      loops.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    long rolloutMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    double rolloutCalls = clbCalls() - rolloutStart;
    System.out.printf(
        "ROLLOUT 3 replicas replaced in %d ms: %d connections served, %d failed; %d gate-before-healthy sightings%n",
        rolloutMs, ok.get(), failures.size(), violations.size());
    System.out.printf(
        "BUDGET CLB calls: %.0f per minute while settled (all services of this class), %.0f during the rollout (%.0f per minute)%n",
        idlePerMinute, rolloutCalls, rolloutCalls * 60_000 / rolloutMs);
    assertThat(failures).as("failed connections during the rollout").isEmpty();
    assertThat(violations)
        .as("Pods with the gate True before the CLB ever saw them Alive")
        .isEmpty();
    assertThat(ok.get()).isGreaterThan(20);
  }

  /**
   * Issue 6, test 6: 20% errors of each retryable kind on every action clb-direct uses, 500 ms
   * added to every call, and a locked load balancer while the Deployment scales: every gate still
   * converges, and an invariant checker never sees a gate True for a target the emulator does not
   * report Alive.
   */
  @Test
  void underInjectedFaultsEveryGateConvergesAndNoneIsTrueTooEarly() throws Exception {
    String ns = "faults-web";
    String[] codes = {
      "InternalError", "RequestLimitExceeded", "FailedOperation.ResourceInOperating"
    };
    String[] actions = {
      "CreateLoadBalancer",
      "DescribeLoadBalancers",
      "CreateListener",
      "DescribeListeners",
      "DescribeTargets",
      "BatchRegisterTargets",
      "BatchDeregisterTargets",
      "BatchModifyTargetWeight",
      "DescribeTargetHealth",
      "DescribeTaskStatus"
    };
    stack.clb().faults().reseed(6);
    for (int i = 0; i < actions.length; i++) {
      stack.clb().faults().failAction(actions[i], 0.2, codes[i % codes.length]);
    }
    stack.clb().faults().setLatencyMillis(500);
    java.util.concurrent.atomic.AtomicBoolean running =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.ConcurrentLinkedQueue<String> violations =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.ExecutorService checker =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    checker.submit(
        () -> {
          while (running.get()) {
            try {
              violations.addAll(gateTrueBeforeAlive(ns));
            } catch (RuntimeException e) {
              // the namespace may not exist yet
            }
            Thread.sleep(100);
          }
          return null;
        });
    long started = System.nanoTime();
    try {
      String lbId = readyWorkload(ns, 3);
      long firstConverged = Duration.ofNanos(System.nanoTime() - started).toMillis();
      stack.clb().faults().lockLoadBalancer(lbId, java.time.Instant.now().plusSeconds(3));
      String scale = "{\"spec\":{\"replicas\":4}}";
      io.kubernetes.client.util.PatchUtils.patch(
          V1Deployment.class,
          () ->
              stack
                  .apps()
                  .patchNamespacedDeployment(
                      "web", ns, new io.kubernetes.client.custom.V1Patch(scale))
                  .buildCall(null),
          io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          stack.admin());
      Await.until(
          TIMEOUT,
          "4 replicas Available under faults",
          () -> stack.deployments().read(ns, "web"),
          d -> Integer.valueOf(4).equals(d.getStatus().getAvailableReplicas()));
      System.out.printf(
          "FAULTS 3 replicas converged in %d ms, scaled to 4 through a locked LB in %d ms; %d gate-before-healthy sightings%n",
          firstConverged,
          Duration.ofNanos(System.nanoTime() - started).toMillis() - firstConverged,
          violations.size());
    } finally {
      running.set(false);
      checker.shutdown();
      checker.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      stack.clb().faults().reset();
    }
    assertThat(violations)
        .as("gates True before the CLB ever reported their target Alive")
        .isEmpty();
    assertThat(stack.pods().withApp(ns, "web"))
        .allSatisfy(
            pod ->
                assertThat(Pods.condition(pod, GATE).orElseThrow().getStatus()).isEqualTo("True"));
  }

  /**
   * Issue 6, test 3: scaling down a Service with graceful shutdown. Each leaving Pod's target goes
   * to weight 0 first, then is deregistered; no connection started after a target's deregistration
   * reaches its Pod, and no connection fails.
   */
  @Test
  void scaleDownDrainsWithWeightZeroThenDeregisters() throws Exception {
    String ns = "scaledown-web";
    Namespaces.create(stack.core(), ns);
    V1Service web = Fixtures.directAccessService("web", "web");
    web.getMetadata()
        .setAnnotations(
            Map.of(
                "service.cloud.tencent.com/direct-access",
                "true",
                "service.cloud.tencent.com/enable-grace-shutdown",
                "true"));
    web.getSpec()
        .getPorts()
        .get(0)
        .port(SERVICE_PORT + 1)
        .targetPort(new IntOrString(Fixtures.CONTAINER_PORT));
    stack.core().createNamespacedService(ns, web).execute();
    stack.apps().createNamespacedDeployment(ns, Fixtures.deployment("web", "web", 3)).execute();
    Await.until(
        TIMEOUT,
        "3 replicas Available",
        () -> stack.deployments().read(ns, "web"),
        d -> Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas()));
    V1Service recorded =
        Await.until(
            TIMEOUT,
            "VIP recorded",
            () -> service(ns, "web"),
            s ->
                s.getStatus().getLoadBalancer() != null
                    && s.getStatus().getLoadBalancer().getIngress() != null
                    && !s.getStatus().getLoadBalancer().getIngress().isEmpty());
    String lbId =
        recorded.getMetadata().getAnnotations().get("service.kubernetes.io/loadbalance-id");
    String vip = recorded.getStatus().getLoadBalancer().getIngress().get(0).getIp();
    Map<String, String> podByTarget = new java.util.HashMap<>();
    stack
        .pods()
        .withApp(ns, "web")
        .forEach(
            p ->
                podByTarget.put(
                    "eni:" + p.getStatus().getPodIP() + ":" + Fixtures.CONTAINER_PORT,
                    p.getMetadata().getName()));

    java.util.concurrent.atomic.AtomicBoolean running =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    Map<String, List<Integer>> weights = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Long> deregisteredAt = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.ConcurrentLinkedQueue<long[]> answers =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.ConcurrentLinkedQueue<String> answeredBy =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.ConcurrentLinkedQueue<String> failures =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.ExecutorService loops =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    loops.submit(
        () -> {
          while (running.get()) {
            Map<String, Integer> now = new java.util.HashMap<>();
            for (JsonElement lb : stack.clb().stateView().getAsJsonArray("loadBalancers")) {
              if (lb.getAsJsonObject().get("loadBalancerId").getAsString().equals(lbId)) {
                for (JsonElement t :
                    lb.getAsJsonObject()
                        .getAsJsonArray("listeners")
                        .get(0)
                        .getAsJsonObject()
                        .getAsJsonArray("targets")) {
                  now.put(
                      t.getAsJsonObject().get("target").getAsString(),
                      t.getAsJsonObject().get("weight").getAsInt());
                }
              }
            }
            long at = System.nanoTime();
            now.forEach(
                (target, weight) ->
                    weights
                        .computeIfAbsent(
                            target, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(weight));
            podByTarget
                .keySet()
                .forEach(
                    target -> {
                      if (!now.containsKey(target)) {
                        deregisteredAt.putIfAbsent(target, at);
                      }
                    });
            Thread.sleep(50);
          }
          return null;
        });
    loops.submit(
        () -> {
          while (running.get()) {
            long startedAt = System.nanoTime();
            try (java.net.Socket socket = new java.net.Socket()) {
              socket.connect(new java.net.InetSocketAddress(vip, SERVICE_PORT + 1), 2000);
              socket.setSoTimeout(3000);
              socket
                  .getOutputStream()
                  .write("GET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n".getBytes());
              String answer = new String(socket.getInputStream().readAllBytes());
              String pod =
                  answer
                      .lines()
                      .filter(l -> l.startsWith("X-pod-name:") || l.startsWith("X-Pod-Name:"))
                      .findFirst()
                      .map(l -> l.substring(l.indexOf(':') + 1).trim())
                      .orElse(null);
              if (answer.startsWith("HTTP/1.1 200") && pod != null) {
                answers.add(new long[] {startedAt});
                answeredBy.add(startedAt + " " + pod);
              } else {
                failures.add(
                    answer.isEmpty()
                        ? "closed without an answer"
                        : answer.lines().findFirst().orElse(""));
              }
            } catch (java.io.IOException e) {
              failures.add(e.toString());
            }
            Thread.sleep(20);
          }
          return null;
        });
    try {
      String scale = "{\"spec\":{\"replicas\":1}}";
      io.kubernetes.client.util.PatchUtils.patch(
          V1Deployment.class,
          () ->
              stack
                  .apps()
                  .patchNamespacedDeployment(
                      "web", ns, new io.kubernetes.client.custom.V1Patch(scale))
                  .buildCall(null),
          io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          stack.admin());
      Await.until(
          TIMEOUT,
          "one Pod and two targets deregistered",
          () -> stack.pods().withApp(ns, "web").size() == 1 && deregisteredAt.size() == 2,
          done -> done);
      Thread.sleep(1000);
    } finally {
      running.set(false);
      loops.shutdown();
      loops.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(failures).as("failed connections while scaling down").isEmpty();
    for (Map.Entry<String, Long> removed : deregisteredAt.entrySet()) {
      assertThat(weights.get(removed.getKey()))
          .as("weights seen for %s before it left", removed.getKey())
          .contains(10, 0);
      String pod = podByTarget.get(removed.getKey());
      long lateConnections =
          answeredBy.stream()
              .map(a -> a.split(" "))
              .filter(
                  a -> a[1].equals(pod) && Long.parseLong(a[0]) > removed.getValue() + 100_000_000L)
              .count();
      assertThat(lateConnections)
          .as("connections to %s started after it was deregistered", pod)
          .isZero();
    }
    System.out.printf(
        "SCALEDOWN 3 -> 1 with graceful shutdown: %d connections served, %d failed; leaving targets went 10 -> 0 -> gone%n",
        answers.size(), failures.size());
  }

  /**
   * Issue 6, test 2 (second half): the new Pods of a rollout fail their health check, so the
   * rollout stalls with the old Pods still serving; it resumes and completes once they recover.
   */
  @Test
  void aRolloutWhoseNewPodsFailStallsAndResumesWhenTheyRecover() throws Exception {
    String ns = "stall-web";
    readyWorkload(ns, 2);
    java.util.Set<String> oldPods = new java.util.HashSet<>();
    stack.pods().withApp(ns, "web").forEach(p -> oldPods.add(p.getMetadata().getName()));
    stack.kubelet().setDefaultServing(io.clbdirect.e2e.kubelet.Serving.CLOSED);
    try {
      String patch =
          "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"rollout\":\"2\"}}}}}";
      io.kubernetes.client.util.PatchUtils.patch(
          V1Deployment.class,
          () ->
              stack
                  .apps()
                  .patchNamespacedDeployment(
                      "web", ns, new io.kubernetes.client.custom.V1Patch(patch))
                  .buildCall(null),
          io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          stack.admin());
      V1Pod unhealthy =
          Await.until(
              TIMEOUT,
              "a new Pod whose gate reports the failing health check",
              () ->
                  stack.pods().withApp(ns, "web").stream()
                      .filter(p -> !oldPods.contains(p.getMetadata().getName()))
                      .filter(
                          p ->
                              Pods.condition(p, GATE)
                                  .map(c -> "HealthCheckFailing".equals(c.getReason()))
                                  .orElse(false))
                      .findFirst()
                      .orElse(null),
              p -> p != null);
      Thread.sleep(3000);
      V1Deployment stalled = stack.deployments().read(ns, "web");
      assertThat(stalled.getStatus().getAvailableReplicas())
          .as("old Pods keep serving")
          .isEqualTo(2);
      assertThat(
              stack.pods().withApp(ns, "web").stream()
                  .filter(
                      p ->
                          oldPods.contains(p.getMetadata().getName())
                              && p.getMetadata().getDeletionTimestamp() == null))
          .as("no old Pod was let go")
          .hasSize(2);
      assertThat(Pods.isReady(stack.pods().read(ns, unhealthy.getMetadata().getName()))).isFalse();

      stack.kubelet().setDefaultServing(io.clbdirect.e2e.kubelet.Serving.OK);
      for (V1Pod pod : stack.pods().withApp(ns, "web")) {
        if (!oldPods.contains(pod.getMetadata().getName())
            && stack.kubelet().podIp(ns, pod.getMetadata().getName()) != null) {
          stack
              .kubelet()
              .serve(ns, pod.getMetadata().getName(), io.clbdirect.e2e.kubelet.Serving.OK);
        }
      }
      Await.until(
          TIMEOUT,
          "the rollout completes after recovery",
          () -> stack.deployments().read(ns, "web"),
          d ->
              d.getStatus() != null
                  && Integer.valueOf(2).equals(d.getStatus().getUpdatedReplicas())
                  && Integer.valueOf(2).equals(d.getStatus().getAvailableReplicas())
                  && Integer.valueOf(2).equals(d.getStatus().getReplicas()));
    } finally {
      stack.kubelet().setDefaultServing(io.clbdirect.e2e.kubelet.Serving.OK);
    }
    // The old Pods drain (the injected preStop sleep) before they are gone.
    Await.until(
        TIMEOUT,
        "the old Pods gone after their drain",
        () -> stack.pods().withApp(ns, "web"),
        list -> list.stream().noneMatch(p -> oldPods.contains(p.getMetadata().getName())));
  }
}
