package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.e2e.crd.TkeServiceConfigCrd;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.apis.NetworkingV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Deployment;
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
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.util.PatchUtils;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Direct-access Ingress end to end (issue 7): rules per host + path on the emulator's HTTP
 * listener, gates per rule health, a lossless rolling update through the VIP by Host, and a
 * TkeServiceConfig whose HTTP health-check path holds new Pods back until it is fixed.
 */
class IngressEndToEndTest {

  static final String SYSTEM = "clb-direct-ingress-e2e";
  static final String GATE = "cloud.tencent.com/load-balancer-backendgroup-ready";
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .gateController(94)
          // No preStop in the test workloads: the webhook's drain keeps a deleted Pod serving while
          // the CLB takes
          // it out (weight 0 lands within a second at the emulator's 200 ms tasks); 3 s instead of
          // 10 keeps tests short.
          .args("--clb-direct.webhook.drain.seconds=3")
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-4", 4))
          // The CRD exactly as manifests/ ships it, established before clb-direct starts.
          .beforeStart(
              plane ->
                  TkeServiceConfigCrd.install(
                      plane.adminClient(), Path.of(System.getProperty("clbdirect.repo")), TIMEOUT))
          .build();

  static NetworkingV1Api networking;
  static CustomObjectsApi custom;

  @BeforeAll
  static void clients() {
    networking = new NetworkingV1Api(stack.admin());
    custom = new CustomObjectsApi(stack.admin());
  }

  static V1Service clusterService(String name) {
    return new V1Service()
        .metadata(new V1ObjectMeta().name(name))
        .spec(
            new V1ServiceSpec()
                .selector(Map.of("app", name))
                .addPortsItem(
                    new V1ServicePort()
                        .name("http")
                        .port(80)
                        .targetPort(new IntOrString(Fixtures.CONTAINER_PORT))));
  }

  static V1HTTPIngressPath path(String path, String service) {
    return new V1HTTPIngressPath()
        .path(path)
        .pathType("Prefix")
        .backend(
            new V1IngressBackend()
                .service(
                    new V1IngressServiceBackend()
                        .name(service)
                        .port(new V1ServiceBackendPort().number(80))));
  }

  /** A direct-access Ingress of class qcloud: each entry is host -> (path, Service). */
  static V1Ingress ingress(
      String name, Map<String, String> annotations, Map<String, List<String>> hosts) {
    Map<String, String> all = new LinkedHashMap<>(annotations);
    all.put("ingress.cloud.tencent.com/direct-access", "true");
    all.put("kubernetes.io/ingress.class", "qcloud");
    V1IngressSpec spec = new V1IngressSpec();
    hosts.forEach(
        (host, route) ->
            spec.addRulesItem(
                new V1IngressRule()
                    .host(host)
                    .http(
                        new V1HTTPIngressRuleValue()
                            .addPathsItem(path(route.get(0), route.get(1))))));
    return new V1Ingress().metadata(new V1ObjectMeta().name(name).annotations(all)).spec(spec);
  }

  static V1Ingress readIngress(String ns, String name) {
    try {
      return networking.readNamespacedIngress(name, ns).execute();
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The Ingress's load balancer once recorded: id annotation and VIP in its status. */
  static V1Ingress recorded(String ns, String name) {
    return Await.until(
        TIMEOUT,
        "Ingress " + name + " load balancer recorded",
        () -> readIngress(ns, name),
        i ->
            i.getMetadata()
                    .getAnnotations()
                    .containsKey("kubernetes.io/ingress.qcloud-loadbalance-id")
                && i.getStatus() != null
                && i.getStatus().getLoadBalancer() != null
                && i.getStatus().getLoadBalancer().getIngress() != null
                && !i.getStatus().getLoadBalancer().getIngress().isEmpty());
  }

  /** The emulator's rules of a load balancer's HTTP:80 listener, by domain + url. */
  static Map<String, JsonObject> rules(String lbId) {
    Map<String, JsonObject> rules = new HashMap<>();
    for (JsonElement lb : stack.clb().stateView().getAsJsonArray("loadBalancers")) {
      if (!lb.getAsJsonObject().get("loadBalancerId").getAsString().equals(lbId)) {
        continue;
      }
      for (JsonElement listener : lb.getAsJsonObject().getAsJsonArray("listeners")) {
        JsonObject l = listener.getAsJsonObject();
        if ("HTTP".equals(l.get("protocol").getAsString()) && l.get("port").getAsInt() == 80) {
          l.getAsJsonArray("rules")
              .forEach(
                  r ->
                      rules.put(
                          r.getAsJsonObject().get("domain").getAsString()
                              + r.getAsJsonObject().get("url").getAsString(),
                          r.getAsJsonObject()));
        }
      }
    }
    return rules;
  }

  static Map<String, String> targetHealth(JsonObject rule) {
    Map<String, String> health = new HashMap<>();
    rule.getAsJsonArray("targets")
        .forEach(
            t ->
                health.put(
                    t.getAsJsonObject().get("target").getAsString(),
                    t.getAsJsonObject().get("health").getAsString()));
    return health;
  }

  static String target(V1Pod pod) {
    return "eni:" + pod.getStatus().getPodIP() + ":" + Fixtures.CONTAINER_PORT;
  }

  /**
   * One request on a new connection: the status line, and the Pod that answered (null when none).
   */
  record Answer(String statusLine, String pod) {}

  static Answer get(String vip, String host, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(vip, 80), 2000);
      socket.setSoTimeout(3000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      String pod =
          answer
              .lines()
              .filter(l -> l.regionMatches(true, 0, "X-Pod-Name:", 0, 11))
              .map(l -> l.substring(11).trim())
              .findFirst()
              .orElse(null);
      return new Answer(answer.lines().findFirst().orElse("closed without an answer"), pod);
    }
  }

  /** Gated-True, non-terminating Pods of an app whose target is not Alive on the rule. */
  static List<String> gateTrueButNotAlive(String ns, String app, String lbId, String rule) {
    JsonObject found = rules(lbId).get(rule);
    Map<String, String> health = found == null ? Map.of() : targetHealth(found);
    List<String> offenders = new ArrayList<>();
    for (V1Pod pod : stack.pods().withApp(ns, app)) {
      boolean gateTrue =
          Pods.condition(pod, GATE)
              .map(
                  c ->
                      "True".equals(c.getStatus())
                          && "LoadBalancerNetworkGroupReady".equals(c.getReason()))
              .orElse(false);
      if (gateTrue
          && pod.getMetadata().getDeletionTimestamp() == null
          && !"Alive".equals(health.get(target(pod)))) {
        offenders.add(pod.getMetadata().getName() + " (" + health.get(target(pod)) + ")");
      }
    }
    return offenders;
  }

  /**
   * Two hosts, two backend Services: one rule each, holding exactly its Service's Pods, each Pod
   * gated on its own rule; traffic by Host reaches the right Pods; a rolling update of one backend
   * with a request every 20 ms through the VIP loses none and no gate opens before its target is
   * Alive.
   */
  @Test
  void twoHostsAreRoutedToTheirPodsAndARollingUpdateLosesNoRequest() throws Exception {
    String ns = "ingress-shop";
    Namespaces.create(stack.core(), ns);
    stack.core().createNamespacedService(ns, clusterService("web")).execute();
    stack.core().createNamespacedService(ns, clusterService("api")).execute();
    Map<String, List<String>> hosts = new LinkedHashMap<>();
    hosts.put("web.example.com", List.of("/", "web"));
    hosts.put("api.example.com", List.of("/api", "api"));
    networking
        .createNamespacedIngress(
            ns,
            ingress(
                "shop", Map.of("ingress.cloud.tencent.com/enable-grace-shutdown", "true"), hosts))
        .execute();
    long started = System.nanoTime();
    stack.apps().createNamespacedDeployment(ns, Fixtures.deployment("web", "web", 3)).execute();
    stack.apps().createNamespacedDeployment(ns, Fixtures.deployment("api", "api", 2)).execute();
    stack.deployments().awaitAvailable(ns, "web", 3, TIMEOUT);
    stack.deployments().awaitAvailable(ns, "api", 2, TIMEOUT);
    System.out.printf(
        "INGRESS 3 + 2 replicas behind two rules created -> all gates True in %d ms%n",
        Duration.ofNanos(System.nanoTime() - started).toMillis());

    V1Ingress shop = recorded(ns, "shop");
    String lbId =
        shop.getMetadata().getAnnotations().get("kubernetes.io/ingress.qcloud-loadbalance-id");
    String vip = shop.getStatus().getLoadBalancer().getIngress().get(0).getIp();
    assertThat(vip).startsWith("127.94.");
    assertThat(shop.getMetadata().getFinalizers()).contains("clb-direct.io/load-balancer");
    Map<String, JsonObject> rules = rules(lbId);
    assertThat(rules).containsOnlyKeys("web.example.com/", "api.example.com/api");
    for (String app : List.of("web", "api")) {
      JsonObject rule = rules.get(app.equals("web") ? "web.example.com/" : "api.example.com/api");
      Set<String> expected = new HashSet<>();
      for (V1Pod pod : stack.pods().withApp(ns, app)) {
        expected.add(target(pod));
        V1PodCondition gate = Pods.condition(pod, GATE).orElseThrow();
        assertThat(gate.getStatus()).isEqualTo("True");
        assertThat(gate.getMessage()).contains("bound and healthy on 1 load balancer listener");
      }
      assertThat(targetHealth(rule))
          .as("rule of " + app + " holds exactly its Pods, all Alive")
          .isEqualTo(
              expected.stream().collect(java.util.stream.Collectors.toMap(t -> t, t -> "Alive")));
    }

    Set<String> webPods = new HashSet<>();
    stack.pods().withApp(ns, "web").forEach(p -> webPods.add(p.getMetadata().getName()));
    Set<String> apiPods = new HashSet<>();
    stack.pods().withApp(ns, "api").forEach(p -> apiPods.add(p.getMetadata().getName()));
    for (int i = 0; i < 6; i++) {
      Answer web = get(vip, "web.example.com", "/");
      assertThat(web.statusLine()).startsWith("HTTP/1.1 200");
      assertThat(webPods).contains(web.pod());
      Answer api = get(vip, "api.example.com", "/api/orders");
      assertThat(api.statusLine()).startsWith("HTTP/1.1 200");
      assertThat(apiPods).contains(api.pod());
    }
    assertThat(get(vip, "api.example.com", "/").statusLine())
        .as("no rule for api.example.com/")
        .startsWith("HTTP/1.1 404");

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    ExecutorService loops = Executors.newFixedThreadPool(2);
    loops.submit(
        () -> {
          while (running.get()) {
            try {
              Answer answer = get(vip, "web.example.com", "/");
              if (answer.statusLine().startsWith("HTTP/1.1 200")) {
                ok.incrementAndGet();
              } else {
                failures.add(answer.statusLine());
              }
            } catch (IOException e) {
              failures.add(e.toString());
            }
            Thread.sleep(20);
          }
          return null;
        });
    loops.submit(
        () -> {
          while (running.get()) {
            violations.addAll(gateTrueButNotAlive(ns, "web", lbId, "web.example.com/"));
            Thread.sleep(100);
          }
          return null;
        });
    long rolloutStarted = System.nanoTime();
    try {
      String patch =
          "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"rollout\":\"2\"}}}}}";
      PatchUtils.patch(
          V1Deployment.class,
          () ->
              stack.apps().patchNamespacedDeployment("web", ns, new V1Patch(patch)).buildCall(null),
          V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          stack.admin());
      Await.until(
          TIMEOUT,
          "rollout of web complete",
          () -> stack.deployments().read(ns, "web"),
          d ->
              d.getStatus() != null
                  && Integer.valueOf(3).equals(d.getStatus().getUpdatedReplicas())
                  && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas())
                  && Integer.valueOf(3).equals(d.getStatus().getReplicas())
                  && d.getStatus().getObservedGeneration() >= 2);
      Await.until(
          TIMEOUT, "old web Pods gone", () -> stack.pods().withApp(ns, "web").size(), n -> n == 3);
      Thread.sleep(1000);
    } finally {
      running.set(false);
      loops.shutdown();
      loops.awaitTermination(10, TimeUnit.SECONDS);
    }
    System.out.printf(
        "INGRESS ROLLOUT 3 web replicas replaced in %d ms: %d requests by Host served, %d failed; %d gate-before-healthy sightings%n",
        Duration.ofNanos(System.nanoTime() - rolloutStarted).toMillis(),
        ok.get(),
        failures.size(),
        violations.size());
    assertThat(failures).as("failed requests through the VIP during the rollout").isEmpty();
    assertThat(violations)
        .as("web Pods with the gate True while their rule target was not Alive")
        .isEmpty();
    assertThat(ok.get()).isGreaterThan(20);
    Set<String> newTargets = new HashSet<>();
    stack.pods().withApp(ns, "web").forEach(p -> newTargets.add(target(p)));
    Await.until(
        TIMEOUT,
        "the web rule holds only the new Pods",
        () -> targetHealth(rules(lbId).get("web.example.com/")).keySet(),
        newTargets::equals);

    // Dropping a path removes the rule clb-direct created for it; deleting the Ingress deletes the
    // load balancer it made.
    V1Ingress current = readIngress(ns, "shop");
    current.getSpec().setRules(List.of(current.getSpec().getRules().get(0)));
    networking.replaceNamespacedIngress("shop", ns, current).execute();
    Await.until(
        TIMEOUT,
        "rule api.example.com/api removed",
        () -> rules(lbId).keySet(),
        keys -> keys.equals(Set.of("web.example.com/")));
    networking.deleteNamespacedIngress("shop", ns).execute();
    Await.until(
        TIMEOUT,
        "Ingress gone",
        () -> {
          try {
            return networking.listNamespacedIngress(ns).execute().getItems().size();
          } catch (ApiException e) {
            throw new IllegalStateException(e);
          }
        },
        n -> n == 0);
    assertThat(GateControllerEndToEndTest.loadBalancerExists(stack.clb(), lbId))
        .as("the load balancer made for the Ingress is deleted")
        .isFalse();
  }

  /**
   * A TkeServiceConfig naming an HTTP check path the Pods do not serve keeps new Pods NotReady with
   * HealthCheckFailing; fixing the path releases them. A reference to a config that does not exist
   * yet is a Warning Event, and creating the config is picked up by watch.
   */
  @Test
  void aTkeServiceConfigHealthCheckPathHoldsPodsBackUntilItIsFixed() throws Exception {
    String ns = "ingress-config";
    Namespaces.create(stack.core(), ns);
    stack.core().createNamespacedService(ns, clusterService("api")).execute();
    Map<String, List<String>> hosts = new LinkedHashMap<>();
    hosts.put("api.example.com", List.of("/", "api"));
    networking
        .createNamespacedIngress(
            ns,
            ingress(
                "api", Map.of("ingress.cloud.tencent.com/tke-service-config", "api-config"), hosts))
        .execute();
    Await.until(
        TIMEOUT,
        "a Warning Event for the missing TkeServiceConfig",
        () -> events(ns),
        list ->
            list.stream()
                .anyMatch(
                    e ->
                        "TkeServiceConfigInvalid".equals(e.getReason())
                            && e.getMessage().contains("api-config does not exist")));
    String lbId =
        recorded(ns, "api")
            .getMetadata()
            .getAnnotations()
            .get("kubernetes.io/ingress.qcloud-loadbalance-id");

    custom
        .createNamespacedCustomObject(
            "cloud.tencent.com", "v1alpha1", ns, "tkeserviceconfigs", config("/missing/healthz"))
        .execute();
    Await.until(
        TIMEOUT,
        "the rule's health check path set from the TkeServiceConfig",
        () -> rules(lbId).get("api.example.com/"),
        rule ->
            rule != null
                && rule.has("healthCheck")
                && rule.get("healthCheck").getAsString().contains("/missing/healthz"));

    stack.apps().createNamespacedDeployment(ns, Fixtures.deployment("api", "api", 2)).execute();
    List<V1Pod> held =
        Await.until(
            TIMEOUT,
            "both Pods' gates False with HealthCheckFailing",
            () -> stack.pods().withApp(ns, "api"),
            list ->
                list.size() == 2
                    && list.stream()
                        .allMatch(
                            p ->
                                Pods.condition(p, GATE)
                                    .map(
                                        c ->
                                            "False".equals(c.getStatus())
                                                && "HealthCheckFailing".equals(c.getReason()))
                                    .orElse(false)));
    assertThat(held).noneMatch(Pods::isReady);
    Thread.sleep(2000); // several health-check rounds (0.5 s apart here): still held back
    assertThat(stack.pods().withApp(ns, "api")).noneMatch(Pods::isReady);
    assertThat(stack.deployments().read(ns, "api").getStatus().getAvailableReplicas()).isNull();

    long fixed = System.nanoTime();
    String patch =
        "{\"spec\":{\"loadBalancer\":{\"l7Listeners\":[" + l7Listener("/healthz") + "]}}}";
    PatchUtils.patch(
        Object.class,
        () ->
            custom
                .patchNamespacedCustomObject(
                    "cloud.tencent.com",
                    "v1alpha1",
                    ns,
                    "tkeserviceconfigs",
                    "api-config",
                    new V1Patch(patch))
                .buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
        stack.admin());
    stack.deployments().awaitAvailable(ns, "api", 2, TIMEOUT);
    System.out.printf(
        "TKESERVICECONFIG health check path fixed -> both Pods Ready in %d ms%n",
        Duration.ofNanos(System.nanoTime() - fixed).toMillis());
    assertThat(stack.pods().withApp(ns, "api"))
        .allSatisfy(
            p ->
                assertThat(Pods.condition(p, GATE).orElseThrow().getReason())
                    .isEqualTo("LoadBalancerNetworkGroupReady"));
  }

  static String l7Listener(String checkPath) {
    return "{\"protocol\":\"HTTP\",\"port\":80,\"domains\":[{\"domain\":\"api.example.com\",\"rules\":[{\"url\":\"/\","
        + "\"healthCheck\":{\"enable\":true,\"intervalTime\":5,\"healthNum\":2,\"unHealthNum\":2,\"httpCheckPath\":\""
        + checkPath
        + "\"}}]}]}";
  }

  static Map<String, Object> config(String checkPath) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("apiVersion", "cloud.tencent.com/v1alpha1");
    body.put("kind", "TkeServiceConfig");
    body.put("metadata", Map.of("name", "api-config"));
    body.put(
        "spec",
        new com.google.gson.Gson()
            .fromJson(
                "{\"loadBalancer\":{\"l7Listeners\":[" + l7Listener(checkPath) + "]}}", Map.class));
    return body;
  }

  static List<CoreV1Event> events(String ns) {
    try {
      return stack.core().listNamespacedEvent(ns).execute().getItems();
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }
}
