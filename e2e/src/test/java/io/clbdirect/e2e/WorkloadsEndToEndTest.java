package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.core.WellKnown;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.e2e.kubelet.PodExit;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1StatefulSetSpec;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Workloads beyond Deployments, now that kube-controller-manager runs its default controllers: a
 * StatefulSet and a Job behind direct-access Services, gated, bound and Ready; a namespace deletion
 * that has to get past clb-direct's finalizer; and the fake kubelet's Node kept Ready by its
 * heartbeats through it all.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkloadsEndToEndTest {

  static final String SYSTEM = "clb-direct-workloads-e2e";
  static final String NODE = "fake-node-workloads";
  static final String GATE = WellKnown.READINESS_GATE;
  static final String LB_ANNOTATION = "service.kubernetes.io/loadbalance-id";
  static final int SERVICE_PORT = 18080;
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** What a namespace deletion may take here (measured: see the WORKLOADS line it prints). */
  static final Duration NAMESPACE_DELETION_BOUND = Duration.ofSeconds(60);

  /**
   * Long enough for a Job Pod to be bound and gated before it ends (gates go True in seconds here).
   */
  static final String JOB_RUNS_FOR = "20s";

  static final Duration PAST_NODE_GRACE = Duration.ofSeconds(60);

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .gateController(97)
          .kubelet(admin -> new FakeKubelet(admin, NODE, 23))
          .build();

  @Test
  @Order(1)
  void statefulSetPodsAreGatedBoundAndTheStatefulSetReady() throws Exception {
    String ns = "workloads-sts";
    Namespaces.create(stack.core(), ns);
    // The StatefulSet's governing Service (headless, not ours) and a direct-access one in front of
    // the same Pods.
    stack
        .core()
        .createNamespacedService(
            ns,
            new V1Service()
                .metadata(new V1ObjectMeta().name("db"))
                .spec(
                    new V1ServiceSpec()
                        .clusterIP("None")
                        .selector(Map.of("app", "db"))
                        .addPortsItem(
                            new V1ServicePort().name("http").port(Fixtures.CONTAINER_PORT))))
        .execute();
    stack.core().createNamespacedService(ns, directAccess("db-public", "db")).execute();
    stack.pods().awaitGatedDryRun(ns, "db", TIMEOUT);

    long created = System.nanoTime();
    // OrderedReady (the default): db-1 is created only once db-0 is Ready, so every gate is on the
    // path.
    stack
        .apps()
        .createNamespacedStatefulSet(
            ns,
            new V1StatefulSet()
                .metadata(new V1ObjectMeta().name("db"))
                .spec(
                    new V1StatefulSetSpec()
                        .serviceName("db")
                        .replicas(3)
                        .selector(new V1LabelSelector().matchLabels(Map.of("app", "db")))
                        .template(
                            new V1PodTemplateSpec()
                                .metadata(new V1ObjectMeta().labels(Map.of("app", "db")))
                                .spec(Fixtures.podSpec()))))
        .execute();
    Await.until(
        TIMEOUT,
        "StatefulSet db with 3 ready replicas",
        () -> Unchecked.get(() -> stack.apps().readNamespacedStatefulSet("db", ns).execute()),
        s ->
            s.getStatus() != null
                && Integer.valueOf(3).equals(s.getStatus().getReadyReplicas())
                && Integer.valueOf(3).equals(s.getStatus().getAvailableReplicas()));
    System.out.printf(
        "WORKLOADS StatefulSet of 3 (OrderedReady) created -> every gate True, 3/3 ready in %d ms%n",
        Elapsed.millisSince(created));

    List<V1Pod> running = stack.pods().withApp(ns, "db");
    assertThat(running)
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("db-0", "db-1", "db-2");
    assertThat(running)
        .allSatisfy(
            pod -> {
              assertThat(pod.getSpec().getReadinessGates())
                  .extracting(V1PodReadinessGate::getConditionType)
                  .contains(GATE);
              assertThat(pod.getSpec().getSubdomain()).isEqualTo("db");
              assertThat(Pods.condition(pod, GATE).orElseThrow().getStatus()).isEqualTo("True");
              assertThat(Pods.condition(pod, GATE).orElseThrow().getReason())
                  .isEqualTo("LoadBalancerNetworkGroupReady");
              assertThat(Pods.isReady(pod)).isTrue();
            });
    String lbId = service(ns, "db-public").getMetadata().getAnnotations().get(LB_ANNOTATION);
    assertThat(targets(lbId))
        .as("every StatefulSet Pod bound and Alive")
        .isEqualTo(aliveTargetsOf(running));
  }

  @Test
  @Order(2)
  void jobPodsAreGatedBoundAndTheJobCompletes() throws Exception {
    String ns = "workloads-job";
    Namespaces.create(stack.core(), ns);
    stack.core().createNamespacedService(ns, directAccess("batch", "batch")).execute();
    stack.pods().awaitGatedDryRun(ns, "batch", TIMEOUT);

    BatchV1Api batch = new BatchV1Api(stack.admin());
    long created = System.nanoTime();
    V1PodTemplateSpec template =
        new V1PodTemplateSpec()
            .metadata(
                new V1ObjectMeta()
                    .labels(Map.of("app", "batch"))
                    .annotations(Map.of(PodExit.EXIT_AFTER_ANNOTATION, JOB_RUNS_FOR)))
            .spec(Fixtures.podSpec().restartPolicy("Never"));
    batch
        .createNamespacedJob(
            ns,
            new V1Job()
                .metadata(new V1ObjectMeta().name("work"))
                .spec(
                    new V1JobSpec()
                        .completions(2)
                        .parallelism(2)
                        .backoffLimit(0)
                        .template(template)))
        .execute();

    // Each Pod gated, bound and Ready while it runs (its containers end 20 s after it starts, Ready
    // or not).
    List<V1Pod> gated =
        Await.until(
            TIMEOUT,
            "both Job Pods with their gate True",
            () -> stack.pods().withApp(ns, "batch"),
            list ->
                list.size() == 2
                    && list.stream()
                        .allMatch(
                            p ->
                                Pods.condition(p, GATE)
                                        .map(c -> "True".equals(c.getStatus()))
                                        .orElse(false)
                                    && Pods.isReady(p)));
    long gatesTrue = Elapsed.millisSince(created);
    assertThat(gated)
        .allSatisfy(
            pod -> {
              assertThat(pod.getSpec().getReadinessGates())
                  .extracting(V1PodReadinessGate::getConditionType)
                  .contains(GATE);
              assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            });
    String lbId = service(ns, "batch").getMetadata().getAnnotations().get(LB_ANNOTATION);
    assertThat(targets(lbId)).as("both Job Pods bound and Alive").isEqualTo(aliveTargetsOf(gated));

    V1Job done =
        Await.until(
            TIMEOUT,
            "Job work Complete",
            () -> Unchecked.get(() -> batch.readNamespacedJob("work", ns).execute()),
            j -> condition(j, "Complete"));
    long complete = Elapsed.millisSince(created);
    assertThat(done.getStatus().getSucceeded()).isEqualTo(2);
    assertThat(stack.pods().withApp(ns, "batch"))
        .hasSize(2)
        .allSatisfy(pod -> assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded"));
    Await.until(TIMEOUT, "the Succeeded Pods deregistered", () -> targets(lbId), Map::isEmpty);
    System.out.printf(
        "WORKLOADS Job of 2 (containers exit after %s): gates True in %d ms, Complete in %d ms, targets deregistered %d ms later%n",
        JOB_RUNS_FOR, gatesTrue, complete, Elapsed.millisSince(created) - complete);
  }

  @Test
  @Order(3)
  void deletingTheNamespaceGetsPastTheFinalizerAndDeletesTheLoadBalancer() throws Exception {
    String ns = "workloads-delete";
    Namespaces.create(stack.core(), ns);
    stack.core().createNamespacedService(ns, directAccess("web", "web")).execute();
    stack.pods().awaitGatedDryRun(ns, "web", TIMEOUT);
    stack.apps().createNamespacedDeployment(ns, Fixtures.deployment("web", "web", 2)).execute();
    V1Pod solo = Fixtures.pod("solo", "solo");
    stack.core().createNamespacedPod(ns, solo).execute();
    stack.deployments().awaitAvailable(ns, "web", 2, TIMEOUT);
    Await.until(TIMEOUT, "Pod solo Ready", () -> stack.pods().read(ns, "solo"), Pods::isReady);
    V1Service web = service(ns, "web");
    assertThat(web.getMetadata().getFinalizers()).contains("clb-direct.io/load-balancer");
    String lbId = web.getMetadata().getAnnotations().get(LB_ANNOTATION);
    assertThat(GateControllerEndToEndTest.loadBalancerExists(stack.clb(), lbId)).isTrue();

    long deleting = System.nanoTime();
    stack.core().deleteNamespace(ns).execute(); // what kubectl delete namespace sends
    Await.until(
        NAMESPACE_DELETION_BOUND,
        "namespace " + ns + " gone",
        () -> Namespaces.read(stack.core(), ns),
        n -> n == null);
    long gone = Elapsed.millisSince(deleting);
    assertThat(GateControllerEndToEndTest.loadBalancerExists(stack.clb(), lbId))
        .as("the load balancer clb-direct created for it")
        .isFalse();
    System.out.printf(
        "WORKLOADS namespace with a direct-access Service (finalizer), a Deployment of 2 and a Pod deleted in %d ms "
            + "(bound %d s); its load balancer deleted%n",
        gone, NAMESPACE_DELETION_BOUND.toSeconds());
  }

  /**
   * The node-lifecycle controller runs: without its heartbeats the Node would be NotReady 50 s in.
   */
  @Test
  @Order(4)
  void theNodeStayedReadyOnItsHeartbeats() throws Exception {
    // Past the controller's grace period (50 s) and one of its 5 s monitoring rounds, whatever ran
    // before.
    long wait = PAST_NODE_GRACE.toMillis() - Elapsed.millisSince(stack.kubeletStartedNanos());
    if (wait > 0) {
      Thread.sleep(wait);
    }
    V1Node node = stack.core().readNode(NODE).execute();
    V1NodeCondition ready =
        node.getStatus().getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .findFirst()
            .orElseThrow();
    long up = Elapsed.millisSince(stack.kubeletStartedNanos());
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getLastTransitionTime())
        .as("never left Ready since the kubelet started")
        .isBefore(OffsetDateTime.now().minus(Duration.ofMillis(up)).plusSeconds(5));
    assertThat(node.getSpec().getTaints()).isNullOrEmpty();
    System.out.printf(
        "WORKLOADS Node %s Ready without a break for %d s on its Lease (node-monitor-grace-period 50 s)%n",
        NODE, up / 1000);
  }

  static V1Service directAccess(String name, String app) {
    V1Service service = Fixtures.directAccessService(name, app);
    service
        .getSpec()
        .getPorts()
        .get(0)
        .port(SERVICE_PORT)
        .targetPort(new IntOrString(Fixtures.CONTAINER_PORT));
    return service;
  }

  static V1Service service(String ns, String name) {
    return Await.until(
        TIMEOUT,
        "the load balancer of Service " + ns + "/" + name + " recorded",
        () -> Unchecked.get(() -> stack.core().readNamespacedService(name, ns).execute()),
        s ->
            s.getMetadata().getAnnotations() != null
                && s.getMetadata().getAnnotations().containsKey(LB_ANNOTATION));
  }

  /** Target ("eni:ip:port") to health, over every listener of the load balancer. */
  static Map<String, String> targets(String lbId) {
    Map<String, String> targets = new HashMap<>();
    for (JsonElement lb : stack.clb().stateView().getAsJsonArray("loadBalancers")) {
      JsonObject l = lb.getAsJsonObject();
      if (l.get("loadBalancerId").getAsString().equals(lbId)) {
        for (JsonElement listener : l.getAsJsonArray("listeners")) {
          listener
              .getAsJsonObject()
              .getAsJsonArray("targets")
              .forEach(
                  t ->
                      targets.put(
                          t.getAsJsonObject().get("target").getAsString(),
                          t.getAsJsonObject().get("health").getAsString()));
        }
      }
    }
    return targets;
  }

  static Map<String, String> aliveTargetsOf(List<V1Pod> list) {
    Set<String> ips = list.stream().map(p -> p.getStatus().getPodIP()).collect(Collectors.toSet());
    return ips.stream()
        .collect(
            Collectors.toMap(ip -> "eni:" + ip + ":" + Fixtures.CONTAINER_PORT, ip -> "Alive"));
  }

  static boolean condition(V1Job job, String type) {
    List<V1JobCondition> conditions =
        job.getStatus() == null ? null : job.getStatus().getConditions();
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
