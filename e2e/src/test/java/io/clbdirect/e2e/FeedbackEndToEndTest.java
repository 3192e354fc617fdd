package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import io.clbdirect.core.WellKnown;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.e2e.kubelet.Serving;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.NetworkingV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1HTTPIngressRuleValue;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressBackend;
import io.kubernetes.client.openapi.models.V1IngressRule;
import io.kubernetes.client.openapi.models.V1IngressServiceBackend;
import io.kubernetes.client.openapi.models.V1IngressSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceBackendPort;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a user reads from kubectl (issue 16): input clb-direct cannot serve is warned about, a
 * target that turns Dead after it served is visible on its Pod and in a metric, a mistyped
 * load-balancer id says so on the held Pods, reasons follow release and re-enable within a
 * reconcile, and normal progress is not a Warning. clb-direct runs in the default {@code initial}
 * mode.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FeedbackEndToEndTest {

  static final String SYSTEM = "clb-direct-feedback-e2e";
  static final String GATE = WellKnown.READINESS_GATE;
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final int SERVICE_PORT = 18080;

  /** Progress reasons of the gate: never Warnings. */
  static final Set<String> PROGRESS =
      Set.of(
          "LoadBalancerNetworkGroupReady",
          "DirectAccessReleased",
          "DirectAccessResumed",
          "TargetNotBound",
          "HealthCheckPending",
          "ListenerMissing");

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .gateController(99)
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-feedback", 16))
          .build();

  @Test
  @Order(1)
  void directAccessThatCannotBeServedIsWarnedOncePerCauseAndAgainAfterAFixComesUndone()
      throws Exception {
    String ns = "fb-silent";
    Namespaces.create(stack.core(), ns);
    long started = System.nanoTime();
    V1Service maybe = Fixtures.directAccessService("maybe", "web");
    maybe.getMetadata().setAnnotations(Map.of(WellKnown.SERVICE_DIRECT_ACCESS, "maybe"));
    stack.core().createNamespacedService(ns, maybe).execute();
    V1Service internal = Fixtures.directAccessService("internal", "web");
    internal.getSpec().setType("ClusterIP");
    stack.core().createNamespacedService(ns, internal).execute();
    new NetworkingV1Api(stack.admin())
        .createNamespacedIngress(ns, ingress("elsewhere", "nginx"))
        .execute();

    CoreV1Event invalid = awaitEvent(ns, "maybe", "InvalidDirectAccessValue");
    CoreV1Event type = awaitEvent(ns, "internal", "DirectAccessUnsupportedType");
    CoreV1Event ingressClass = awaitEvent(ns, "elsewhere", "IngressClassNotServed");
    System.out.printf(
        "FEEDBACK silent input: three Warnings within %d ms of creating the objects%n",
        Elapsed.millisSince(started));
    assertThat(List.of(invalid, type, ingressClass))
        .allSatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getSource().getComponent()).isEqualTo("clb-direct-gate-controller");
            });
    assertThat(invalid.getMessage())
        .contains(
            "service.cloud.tencent.com/direct-access is \"maybe\", expected \"true\" or \"false\"");
    assertThat(type.getMessage())
        .contains("type ClusterIP")
        .contains("only a Service of type LoadBalancer gets a load balancer");
    assertThat(ingressClass.getMessage())
        .contains("class nginx")
        .contains("clb-direct serves [qcloud] (clb-direct.ingress-classes)");

    // Once per cause: more reconciles of the same object (each change enqueues it) add nothing.
    for (int i = 0; i < 3; i++) {
      patchService(ns, "maybe", "{\"metadata\":{\"labels\":{\"touch\":\"" + i + "\"}}}");
    }
    Thread.sleep(2000);
    assertThat(occurrences(ns, "maybe", "InvalidDirectAccessValue"))
        .as("said once while it lasts")
        .isEqualTo(1);

    // Fixed, then broken the same way again: said again, as the same Event with its count raised.
    patchService(
        ns,
        "maybe",
        "{\"metadata\":{\"annotations\":{\"service.cloud.tencent.com/direct-access\":\"false\"}}}");
    Thread.sleep(1000);
    patchService(
        ns,
        "maybe",
        "{\"metadata\":{\"annotations\":{\"service.cloud.tencent.com/direct-access\":\"maybe\"}}}");
    Await.until(
        TIMEOUT,
        "the warning given again after the fix came undone",
        () -> occurrences(ns, "maybe", "InvalidDirectAccessValue"),
        n -> n == 2);
    assertThat(events(ns, "maybe", "InvalidDirectAccessValue"))
        .as("one Event, count 2")
        .singleElement()
        .satisfies(e -> assertThat(e.getCount()).isEqualTo(2));
    assertThat(service(ns, "maybe").getMetadata().getFinalizers())
        .as("not taken on")
        .isNullOrEmpty();
    assertThat(loadBalancersNamed(ns + "-")).as("nothing created").isEmpty();
  }

  @Test
  @Order(2)
  void aTargetThatTurnsDeadAfterItServedIsAWarningOnItsPodAndInTheMetricWhileTheGateStaysTrue()
      throws Exception {
    String ns = "fb-unhealthy";
    String lbId = readyWorkload(ns, "web", Map.of(), 2);
    assertThat(loadBalancersNamed(ns + "-")).as("named namespace-name").containsExactly(lbId);
    String series =
        "clb_direct_gate_targets_unhealthy{frontend=\"service/web\",namespace=\"" + ns + "\"}";
    Await.until(TIMEOUT, "the gauge at 0", () -> metric(series), v -> v != null && v == 0.0);
    V1Pod broken = stack.pods().withApp(ns, "web").get(0);
    String name = broken.getMetadata().getName();

    long started = System.nanoTime();
    stack.kubelet().serve(ns, name, Serving.CLOSED);
    CoreV1Event unhealthy = awaitEvent(ns, name, "TargetUnhealthy");
    long eventMs = Elapsed.millisSince(started);
    Await.until(TIMEOUT, "the gauge at 1", () -> metric(series), v -> v != null && v == 1.0);
    System.out.printf(
        "FEEDBACK port closed -> Warning TargetUnhealthy on the Pod after %d ms, gauge 1 after %d ms "
            + "(emulator: Dead after ~1.5 s; health is read every 30 s once every gate in the cluster is settled, every second "
            + "otherwise)%n",
        eventMs, Elapsed.millisSince(started));
    assertThat(unhealthy.getType()).isEqualTo("Warning");
    assertThat(unhealthy.getMessage())
        .contains("Service web on load balancer " + lbId + " listener lbl-")
        .contains("since ")
        .contains("(it was Alive)");
    V1Pod still = stack.pods().read(ns, name);
    V1PodCondition gate = Pods.condition(still, GATE).orElseThrow();
    assertThat(gate.getStatus())
        .as("initial mode: the gate's meaning does not change")
        .isEqualTo("True");
    assertThat(gate.getReason()).isEqualTo("LoadBalancerNetworkGroupReady");
    assertThat(Pods.isReady(still)).isTrue();

    started = System.nanoTime();
    stack.kubelet().serve(ns, name, Serving.OK);
    CoreV1Event healthy = awaitEvent(ns, name, "TargetHealthy");
    Await.until(TIMEOUT, "the gauge back at 0", () -> metric(series), v -> v != null && v == 0.0);
    System.out.printf(
        "FEEDBACK port open again -> Normal TargetHealthy after %d ms%n",
        Elapsed.millisSince(started));
    assertThat(healthy.getType()).isEqualTo("Normal");
    assertThat(healthy.getMessage()).contains("passes again").contains(lbId);
  }

  @Test
  @Order(3)
  void aMistypedExistingLoadBalancerIdSaysLoadBalancerNotFoundOnEveryHeldPod() throws Exception {
    String ns = "fb-nolb";
    long started = System.nanoTime();
    apply(ns, "nolb", Map.of("service.kubernetes.io/tke-existed-lbid", "lb-nope1234"), 2);

    List<V1Pod> held =
        Await.until(
            TIMEOUT,
            "every Pod held with LoadBalancerNotFound",
            () -> stack.pods().withApp(ns, "nolb"),
            list ->
                list.size() == 2
                    && list.stream()
                        .allMatch(
                            p ->
                                Pods.condition(p, GATE)
                                    .filter(
                                        c ->
                                            "False".equals(c.getStatus())
                                                && "LoadBalancerNotFound".equals(c.getReason()))
                                    .isPresent()));
    System.out.printf(
        "FEEDBACK mistyped tke-existed-lbid -> Pods LoadBalancerNotFound within %d ms of creation%n",
        Elapsed.millisSince(started));
    assertThat(held)
        .allSatisfy(
            pod -> {
              assertThat(Pods.condition(pod, GATE).orElseThrow().getMessage())
                  .isEqualTo(
                      "Not bound: Service nolb: load balancer lb-nope1234 "
                          + "named by service.kubernetes.io/tke-existed-lbid does not exist (clb-direct never creates another in its place: check the id).");
              assertThat(Pods.isReady(pod)).isFalse();
            });
    CoreV1Event onService = awaitEvent(ns, "nolb", "LoadBalancerNotFound");
    assertThat(onService.getType()).isEqualTo("Warning");
    assertThat(onService.getMessage())
        .contains("lb-nope1234")
        .contains("service.kubernetes.io/tke-existed-lbid");
    CoreV1Event onPod = awaitEvent(ns, held.get(0).getMetadata().getName(), "LoadBalancerNotFound");
    assertThat(onPod.getType()).isEqualTo("Warning");
    Thread.sleep(2000);
    assertThat(occurrences(ns, "nolb", "LoadBalancerNotFound"))
        .as("said once, not on every retry")
        .isEqualTo(1);
    assertThat(events(ns, "nolb", "CloudApiError")).as("not an API error").isEmpty();
    assertThat(loadBalancersNamed(ns + "-")).as("no load balancer made in its place").isEmpty();

    // Held Pods would keep the next test classes' gate-controllers (same API server) at the fast
    // pace.
    stack.core().deleteNamespacedService("nolb", ns).execute();
    stack.apps().deleteNamespacedDeployment("nolb", ns).execute();
    Await.until(
        TIMEOUT,
        "the Service released and the Pods gone",
        () ->
            stack.pods().withApp(ns, "nolb").isEmpty()
                && Unchecked.get(() -> stack.core().listNamespacedService(ns).execute().getItems())
                    .isEmpty(),
        done -> done);
  }

  @Test
  @Order(4)
  void reasonsFollowReleaseReEnableAndDeletionWithinAReconcile() throws Exception {
    String ns = "fb-release";
    readyWorkload(ns, "web", Map.of(), 2);
    Thread.sleep(3000); // all gates settled: from here health is read every 30 s

    long released = System.nanoTime();
    patchService(
        ns,
        "web",
        "{\"metadata\":{\"annotations\":{\"service.cloud.tencent.com/direct-access\":\"false\"}}}");
    Await.until(
        TIMEOUT,
        "every Pod DirectAccessReleased",
        () -> reasons(ns),
        r -> r.stream().allMatch("DirectAccessReleased"::equals));
    long releaseMs = Elapsed.millisSince(released);

    long enabled = System.nanoTime();
    patchService(
        ns,
        "web",
        "{\"metadata\":{\"annotations\":{\"service.cloud.tencent.com/direct-access\":\"true\"}}}");
    List<Long> recordedAt = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    Await.until(
        TIMEOUT,
        "no Pod DirectAccessReleased any more",
        () -> {
          if (recordedAt.isEmpty()
              && service(ns, "web")
                  .getMetadata()
                  .getAnnotations()
                  .containsKey("service.kubernetes.io/loadbalance-id")) {
            recordedAt.add(System.nanoTime());
          }
          List<String> now = reasons(ns);
          seen.addAll(now);
          return now;
        },
        r -> r.stream().noneMatch("DirectAccessReleased"::equals));
    long leftMs = Elapsed.millisSince(enabled);
    long afterReconcileMs =
        recordedAt.isEmpty()
            ? 0
            : Duration.ofNanos(System.nanoTime() - recordedAt.get(0)).toMillis();
    Await.until(
        TIMEOUT,
        "every Pod LoadBalancerNetworkGroupReady",
        () -> reasons(ns),
        r -> r.stream().allMatch("LoadBalancerNetworkGroupReady"::equals));
    long readyMs = Elapsed.millisSince(enabled);
    assertThat(stack.pods().withApp(ns, "web"))
        .as("re-enabling never took a serving Pod out of its Service")
        .allSatisfy(
            p -> {
              assertThat(Pods.condition(p, GATE).orElseThrow().getStatus()).isEqualTo("True");
              assertThat(Pods.isReady(p)).isTrue();
            });

    Thread.sleep(3000);
    long deleted = System.nanoTime();
    stack.core().deleteNamespacedService("web", ns).execute();
    Await.until(
        TIMEOUT,
        "every Pod DirectAccessReleased after the deletion",
        () -> reasons(ns),
        r -> r.stream().allMatch("DirectAccessReleased"::equals));
    long deleteMs = Elapsed.millisSince(deleted);

    System.out.printf(
        "FEEDBACK direct-access removed -> Pods DirectAccessReleased in %d ms; re-enabled -> Pods left it in %d ms "
            + "(%d ms after the load balancer was recorded; reasons seen %s), LoadBalancerNetworkGroupReady in %d ms; "
            + "Service deleted -> DirectAccessReleased in %d ms%n",
        releaseMs, leftMs, afterReconcileMs, new java.util.TreeSet<>(seen), readyMs, deleteMs);
    assertThat(releaseMs).as("released within one reconcile").isLessThanOrEqualTo(2000);
    assertThat(afterReconcileMs)
        .as("DirectAccessReleased left within one reconcile of re-enabling")
        .isLessThanOrEqualTo(2000);
    assertThat(deleteMs)
        .as("released within one reconcile of the deletion")
        .isLessThanOrEqualTo(2000);
  }

  @Test
  @Order(5)
  void normalProgressIsNormalAndOnlyProblemsAreWarnings() throws Exception {
    List<CoreV1Event> gateEvents = new ArrayList<>();
    for (String ns : List.of("fb-unhealthy", "fb-release", "fb-nolb")) {
      gateEvents.addAll(
          stack.core().listNamespacedEvent(ns).execute().getItems().stream()
              .filter(e -> "Pod".equals(e.getInvolvedObject().getKind()))
              .toList());
    }
    List<String> pending =
        gateEvents.stream()
            .filter(e -> "HealthCheckPending".equals(e.getReason()))
            .map(CoreV1Event::getType)
            .toList();
    System.out.printf(
        "FEEDBACK Pod Events by reason and type: %s%n",
        gateEvents.stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    e -> e.getReason() + "/" + e.getType(),
                    java.util.TreeMap::new,
                    java.util.stream.Collectors.summingInt(
                        e -> e.getCount() == null ? 1 : e.getCount()))));
    assertThat(pending).as("HealthCheckPending Events").isNotEmpty().containsOnly("Normal");
    assertThat(gateEvents)
        .filteredOn(e -> PROGRESS.contains(e.getReason()))
        .allSatisfy(e -> assertThat(e.getType()).as(e.getReason()).isEqualTo("Normal"));
    assertThat(gateEvents)
        .filteredOn(e -> Set.of("LoadBalancerNotFound", "TargetUnhealthy").contains(e.getReason()))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getType()).isEqualTo("Warning"));
  }

  // ---- helpers

  static String readyWorkload(String ns, String name, Map<String, String> annotations, int replicas)
      throws Exception {
    apply(ns, name, annotations, replicas);
    stack.deployments().awaitAvailable(ns, name, replicas, TIMEOUT);
    Await.until(
        TIMEOUT,
        "every gate True in " + ns,
        () -> reasons(ns),
        r -> r.size() == replicas && r.stream().allMatch("LoadBalancerNetworkGroupReady"::equals));
    V1Service recorded =
        Await.until(
            TIMEOUT,
            "the load balancer of " + ns + "/" + name,
            () -> service(ns, name),
            s ->
                s.getMetadata()
                    .getAnnotations()
                    .containsKey("service.kubernetes.io/loadbalance-id"));
    return recorded.getMetadata().getAnnotations().get("service.kubernetes.io/loadbalance-id");
  }

  static void apply(String ns, String name, Map<String, String> annotations, int replicas)
      throws ApiException {
    Namespaces.create(stack.core(), ns);
    V1Service service = Fixtures.directAccessService(name, name);
    Map<String, String> all = new HashMap<>(service.getMetadata().getAnnotations());
    all.putAll(annotations);
    service.getMetadata().annotations(all);
    service
        .getSpec()
        .getPorts()
        .get(0)
        .port(SERVICE_PORT)
        .targetPort(new IntOrString(Fixtures.CONTAINER_PORT));
    stack.core().createNamespacedService(ns, service).execute();
    stack
        .apps()
        .createNamespacedDeployment(ns, Fixtures.deployment(name, name, replicas))
        .execute();
  }

  static V1Ingress ingress(String name, String ingressClass) {
    return new V1Ingress()
        .metadata(
            new V1ObjectMeta()
                .name(name)
                .annotations(Map.of(WellKnown.INGRESS_DIRECT_ACCESS, "true")))
        .spec(
            new V1IngressSpec()
                .ingressClassName(ingressClass)
                .addRulesItem(
                    new V1IngressRule()
                        .host("shop.example.com")
                        .http(
                            new V1HTTPIngressRuleValue()
                                .addPathsItem(
                                    new V1HTTPIngressPath()
                                        .path("/")
                                        .pathType("Prefix")
                                        .backend(
                                            new V1IngressBackend()
                                                .service(
                                                    new V1IngressServiceBackend()
                                                        .name("web")
                                                        .port(
                                                            new V1ServiceBackendPort()
                                                                .number(80))))))));
  }

  /** The gate reasons of the namespace's Pods (null for a Pod without the condition). */
  static List<String> reasons(String ns) {
    return stack.pods().list(ns).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> Pods.condition(p, GATE).map(V1PodCondition::getReason).orElse(null))
        .toList();
  }

  static List<CoreV1Event> events(String ns, String involvedName, String reason) {
    return Unchecked.get(
        () ->
            stack
                .core()
                .listNamespacedEvent(ns)
                .fieldSelector("involvedObject.name=" + involvedName + ",reason=" + reason)
                .execute()
                .getItems());
  }

  /** How often the Event was given: its count, summed over the Events of that reason. */
  static int occurrences(String ns, String involvedName, String reason) {
    return events(ns, involvedName, reason).stream()
        .mapToInt(e -> e.getCount() == null ? 1 : e.getCount())
        .sum();
  }

  static CoreV1Event awaitEvent(String ns, String involvedName, String reason) {
    return Await.until(
        TIMEOUT,
        "a " + reason + " Event on " + ns + "/" + involvedName,
        () -> events(ns, involvedName, reason).stream().findFirst().orElse(null),
        e -> e != null);
  }

  static void patchService(String ns, String name, String mergePatch) throws ApiException {
    PatchUtils.patch(
        V1Service.class,
        () ->
            stack.core().patchNamespacedService(name, ns, new V1Patch(mergePatch)).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
        stack.admin());
  }

  static V1Service service(String ns, String name) {
    return Unchecked.get(() -> stack.core().readNamespacedService(name, ns).execute());
  }

  /** The value of one series, or null while it is not exposed. */
  static Double metric(String series) {
    return stack
        .clbDirect()
        .management("/actuator/prometheus")
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
        .orElse(null);
  }

  /**
   * Load balancers whose name starts so: clb-direct names the ones it creates namespace-name. (Not
   * a count of all: this clb-direct also serves what earlier test classes left on the shared API
   * server.)
   */
  static List<String> loadBalancersNamed(String prefix) {
    List<String> named = new ArrayList<>();
    for (JsonElement lb : stack.clb().stateView().getAsJsonArray("loadBalancers")) {
      if (lb.getAsJsonObject().get("name").getAsString().startsWith(prefix)) {
        named.add(lb.getAsJsonObject().get("loadBalancerId").getAsString());
      }
    }
    return named;
  }
}
