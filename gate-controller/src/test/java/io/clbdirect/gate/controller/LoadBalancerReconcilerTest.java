package io.clbdirect.gate.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.clb.v20180317.models.DeleteLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.gate.clb.ClbGateway;
import io.clbdirect.gate.clb.ClbTargets;
import io.clbdirect.gate.clb.EmulatedGateways;
import io.clbdirect.gate.clb.FencedWrite;
import io.clbdirect.gate.clb.ListenerSettings;
import io.clbdirect.gate.clb.LoadBalancers;
import io.clbdirect.gate.decide.BackendGroup;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.clbdirect.gate.decide.TargetAddress;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.extended.workqueue.ratelimiter.ItemExponentialFailureRateLimiter;
import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.openapi.models.V1Container;
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
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceBackendPort;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load-balancer reconcile with in-memory caches and recorded writes, against the CLB emulator
 * (no control plane): every frontend on one load balancer served by one read and one batch of
 * calls, nothing read or written while nothing changed, a release that takes off only the released
 * frontend's targets, and a failure reported on every frontend.
 */
class LoadBalancerReconcilerTest {

  ClbEmulator clb;
  ClbGateway gateway;
  SimpleMeterRegistry meters = new SimpleMeterRegistry();
  LoadBalancers loadBalancers;
  ClbTargets targets;
  Cache<V1Service> services = new Cache<>();
  Cache<V1Ingress> ingresses = new Cache<>();
  Cache<V1Pod> pods = new Cache<>();
  Placements placements = new Placements();
  ControllerFakes.Events events = new ControllerFakes.Events();
  ControllerFakes.Writes writes = new ControllerFakes.Writes();
  Map<FrontendKey, FrontendState> states = new ConcurrentHashMap<>();
  List<FrontendKey> frontendsAsked = new ArrayList<>();
  List<String> gone = new ArrayList<>();
  LoadBalancerReconciler reconciler;

  /** Whether the gateway's write fence refuses, as it does once the Lease may have passed on. */
  final java.util.concurrent.atomic.AtomicBoolean fenced =
      new java.util.concurrent.atomic.AtomicBoolean();

  String lbId;
  String vip;

  @BeforeEach
  void start() throws Exception {
    pods.addIndexers(
        Map.of(
            FrontendSupport.LABEL_INDEX,
            FrontendSupport::labelIndex)); // as GateController's Pod cache has
    clb =
        ClbEmulator.start(
            EmulatorConfig.defaults("AKIDlbrec", "secret")
                .withTaskDelay(Duration.ofMillis(20))
                .withVipOctet(94));
    gateway =
        EmulatedGateways.to(
            clb,
            "AKIDlbrec",
            meters,
            (api, action) -> {
              if (fenced.get()) {
                throw new FencedWrite(action, "test: this replica may no longer hold the Lease");
              }
            });
    loadBalancers = new LoadBalancers(gateway, "test", "vpc-cluster1");
    targets = new ClbTargets(gateway);
    FrontendSupport support =
        new FrontendSupport(
            pods,
            targets,
            writes,
            events,
            DeletionToClbChange.register(meters, Clock.systemUTC()),
            () -> false);
    reconciler =
        new LoadBalancerReconciler(
            services,
            ingresses,
            placements,
            loadBalancers,
            frontend -> new TkeServiceConfigInformer.Lookup(ListenerSettings.NONE, ""),
            support,
            (key, state) -> {
              if (state == null) {
                states.remove(key);
              } else {
                states.put(key, state);
              }
            },
            frontendsAsked::add,
            gone::add,
            Clock.systemUTC());
    LoadBalancer lb =
        loadBalancers.create(
            "shared",
            LoadBalancers.TAG_SERVICE_UID,
            "uid-shared",
            LoadBalancerSpecs.decide(FrontendAnnotations.SERVICE, Map.of(), false).spec());
    lbId = lb.getLoadBalancerId();
    vip = lb.getLoadBalancerVips()[0];
  }

  @AfterEach
  void stop() {
    clb.close();
  }

  double calls(String action) {
    return meters.find("clb_direct_clb_calls_total").tag("action", action).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  double writeCalls() {
    return meters.find("clb_direct_clb_calls_total").counters().stream()
        .filter(c -> !c.getId().getTag("action").startsWith("Describe"))
        .mapToDouble(c -> c.count())
        .sum();
  }

  static V1Service service(String name, int port, int targetPort) {
    return new V1Service()
        .metadata(
            new V1ObjectMeta()
                .namespace("shop")
                .name(name)
                .uid("uid-" + name)
                .putAnnotationsItem("service.cloud.tencent.com/direct-access", "true"))
        .spec(
            new V1ServiceSpec()
                .type("LoadBalancer")
                .putSelectorItem("app", name)
                .addPortsItem(
                    new V1ServicePort()
                        .port(port)
                        .protocol("TCP")
                        .targetPort(new IntOrString(targetPort))));
  }

  static V1Pod pod(String app, String name, String ip) {
    return new V1Pod()
        .metadata(
            new V1ObjectMeta()
                .namespace("shop")
                .name(name)
                .uid("uid-" + name)
                .putLabelsItem("app", app))
        .spec(new V1PodSpec().addContainersItem(new V1Container().name("c")))
        .status(
            new V1PodStatus()
                .phase("Running")
                .podIP(ip)
                .addConditionsItem(new V1PodCondition().type("Ready").status("True"))
                .addConditionsItem(new V1PodCondition().type("ContainersReady").status("True")));
  }

  void place(V1Service service) {
    services.add(service);
    placements.place(FrontendKey.service("shop", service.getMetadata().getName()), lbId, vip);
  }

  Result reconcile() {
    return reconciler.reconcile(new Request(lbId));
  }

  Map<BackendGroup, Map<TargetAddress, Integer>> bound() throws Exception {
    List<String> listenerIds = new ArrayList<>();
    for (var listener : loadBalancers.listeners(lbId)) {
      listenerIds.add(listener.getListenerId());
    }
    return targets.bound(lbId, listenerIds);
  }

  static Map<TargetAddress, Integer> all(Map<BackendGroup, Map<TargetAddress, Integer>> bound) {
    Map<TargetAddress, Integer> all = new java.util.TreeMap<>();
    bound.values().forEach(all::putAll);
    return all;
  }

  @Test
  void everyServiceOnALoadBalancerIsServedByOneReadAndOneBatchOfCalls() throws Exception {
    place(service("a", 80, 8080));
    place(service("b", 81, 8081));
    pods.add(pod("a", "a-1", "127.0.1.1"));
    pods.add(pod("a", "a-2", "127.0.1.2"));
    pods.add(pod("b", "b-1", "127.0.1.3"));

    Result result = reconcile();

    assertThat(result.isRequeue()).isTrue();
    assertThat(result.getRequeueAfter())
        .as("a periodic re-read, not a retry")
        .isEqualTo(LoadBalancerReconciler.RESYNC);
    assertThat(calls("CreateListener")).as("both listeners in one call").isEqualTo(1);
    assertThat(calls("DescribeListeners"))
        .as("once: CreateListener's answer names the listeners it made")
        .isEqualTo(1);
    assertThat(calls("DescribeTargets")).isEqualTo(1);
    assertThat(calls("BatchRegisterTargets"))
        .as("all three targets of both Services in one call")
        .isEqualTo(1);
    assertThat(all(bound()))
        .containsOnlyKeys(
            new TargetAddress("127.0.1.1", 8080),
            new TargetAddress("127.0.1.2", 8080),
            new TargetAddress("127.0.1.3", 8081));
    assertThat(states.get(FrontendKey.service("shop", "a")).bindings())
        .containsOnlyKeys("shop/a-1", "shop/a-2");
    assertThat(states.get(FrontendKey.service("shop", "b")).loadBalancerId()).isEqualTo(lbId);
    assertThat(events.reasons()).isEmpty();
  }

  @Test
  void nothingIsReadOrWrittenAgainWhileNothingChanged() throws Exception {
    place(service("a", 80, 8080));
    pods.add(pod("a", "a-1", "127.0.1.1"));
    reconcile();
    double before =
        meters.find("clb_direct_clb_calls_total").counters().stream()
            .mapToDouble(c -> c.count())
            .sum();

    reconcile();
    reconcile();

    assertThat(
            meters.find("clb_direct_clb_calls_total").counters().stream()
                .mapToDouble(c -> c.count())
                .sum())
        .isEqualTo(before);

    reconciler.invalidate(lbId); // e.g. the health pass found a bound target missing
    reconcile();
    assertThat(calls("DescribeTargets")).as("read again once invalidated").isEqualTo(2);
  }

  @Test
  void aDeletedPodIsDeregisteredAndAGracefulFrontendDrainsItFirst() throws Exception {
    V1Service graceful = service("a", 80, 8080);
    graceful
        .getMetadata()
        .putAnnotationsItem("service.cloud.tencent.com/enable-grace-shutdown", "true");
    place(graceful);
    place(service("b", 81, 8081));
    pods.add(pod("a", "a-1", "127.0.1.1"));
    pods.add(pod("b", "b-1", "127.0.1.3"));
    reconcile();

    V1Pod leavingA = pod("a", "a-1", "127.0.1.1");
    leavingA.getMetadata().deletionTimestamp(OffsetDateTime.now());
    V1Pod leavingB = pod("b", "b-1", "127.0.1.3");
    leavingB.getMetadata().deletionTimestamp(OffsetDateTime.now());
    pods.update(leavingA);
    pods.update(leavingB);
    reconcile();

    assertThat(all(bound())).containsExactly(Map.entry(new TargetAddress("127.0.1.1", 8080), 0));
    assertThat(calls("BatchModifyTargetWeight")).isEqualTo(1);
    assertThat(calls("BatchDeregisterTargets")).isEqualTo(1);
    assertThat(
            meters.find(DeletionToClbChange.NAME).timers().stream().mapToLong(t -> t.count()).sum())
        .as("each deletion's CLB change timed")
        .isEqualTo(2);
  }

  @Test
  void aReleasingFrontendLosesItsTargetsAndNoOneElses() throws Exception {
    place(service("a", 80, 8080));
    place(service("b", 81, 8081));
    pods.add(pod("a", "a-1", "127.0.1.1"));
    pods.add(pod("b", "b-1", "127.0.1.3"));
    reconcile();

    placements.release(FrontendKey.service("shop", "a"), lbId, vip);
    reconcile();

    assertThat(all(bound())).containsOnlyKeys(new TargetAddress("127.0.1.3", 8081));
    assertThat(placements.released(FrontendKey.service("shop", "a"))).isTrue();
    assertThat(frontendsAsked)
        .as("its reconcile is asked to finish the release")
        .containsExactly(FrontendKey.service("shop", "a"));
    assertThat(loadBalancers.listeners(lbId)).as("listeners are left as found").hasSize(2);
  }

  @Test
  void aLoadBalancerDeletedOutOfBandIsReportedOnEveryFrontendAndRetried() throws Exception {
    place(service("a", 80, 8080));
    place(service("b", 81, 8081));
    pods.add(pod("a", "a-1", "127.0.1.1"));
    reconcile();
    DeleteLoadBalancerRequest delete = new DeleteLoadBalancerRequest();
    delete.setLoadBalancerIds(new String[] {lbId});
    gateway.write("DeleteLoadBalancer", lbId, c -> c.DeleteLoadBalancer(delete).getRequestId());
    pods.add(pod("a", "a-2", "127.0.1.2")); // a change, so the reconcile reads the CLB again

    Result result = reconcile();

    assertThat(result.isRequeue()).isTrue();
    assertThat(result.getRequeueAfter()).as("retried with the queue's backoff").isNull();
    assertThat(states.get(FrontendKey.service("shop", "a")).error())
        .startsWith("InvalidParameter.LBIdNotFound");
    assertThat(states.get(FrontendKey.service("shop", "a")).bindings())
        .containsKeys("shop/a-1", "shop/a-2");
    assertThat(events.reasons()).containsExactly("CloudApiError", "CloudApiError");
    assertThat(gone)
        .as("its frontends find or make their load balancer again")
        .containsExactly(lbId);
  }

  /**
   * A write the fence refuses ends the reconcile quietly: no Event on the frontends, no state for
   * their Pods (their gates stay as they are), no retry; the next holder reconciles afresh.
   */
  @Test
  void aFencedWriteEndsTheReconcileWithoutEventStateOrRetry() throws Exception {
    place(service("a", 80, 8080));
    pods.add(pod("a", "a-1", "127.0.1.1"));
    fenced.set(true);
    double writesBefore = writeCalls();

    Result result = reconcile();

    assertThat(result.isRequeue()).as("not retried by this replica").isFalse();
    assertThat(events.reasons()).as("nothing said on the Service").isEmpty();
    assertThat(states).as("nothing said to its Pods").isEmpty();
    assertThat(writeCalls()).as("no write sent").isEqualTo(writesBefore);
    assertThat(loadBalancers.listeners(lbId)).as("nothing made on the CLB").isEmpty();

    fenced.set(false); // a new term on this replica: the reconcile starts from what the CLB says
    reconcile();
    assertThat(all(bound())).containsOnlyKeys(new TargetAddress("127.0.1.1", 8080));
  }

  double allCalls(String name) {
    return meters.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void aSkewedClockIsReportedAsSuchAndRetriedOnlyAtTheWorkqueuesPace() throws Exception {
    place(service("a", 80, 8080));
    pods.add(pod("a", "a-1", "127.0.1.1"));
    reconcile();
    clb.setClockOffset(Duration.ofMinutes(10)); // as if clb-direct's clock were 10 minutes behind
    pods.add(pod("a", "a-2", "127.0.1.2"));
    events.recorded.clear();
    double before = allCalls("clb_direct_clb_calls_total");

    Result result = reconcile();

    assertThat(result.isRequeue()).isTrue();
    assertThat(result.getRequeueAfter()).as("retried with the queue's backoff").isNull();
    assertThat(allCalls("clb_direct_clb_calls_total") - before)
        .as("the first refused call ends the reconcile; it is not retried")
        .isEqualTo(1);
    assertThat(allCalls("clb_direct_clb_retries_total")).isZero();
    assertThat(events.reasons()).containsExactly("CloudClockSkew");
    assertThat(events.recorded.get(0).message())
        .contains("AuthFailure.SignatureExpire")
        .contains("clock differs from Tencent Cloud's by more than 5 minutes")
        .contains("NTP");
    assertThat(meters.get("clb_direct_clb_clock_skew").gauge().value()).isEqualTo(1);
    assertThat(states.get(FrontendKey.service("shop", "a")).error())
        .isEqualTo("AuthFailure.SignatureExpire");

    // The reconcile requeued at the pace of GateController's workqueue (TermQueue: 200 ms doubling
    // to 30 s) for ~3 s: a handful of calls, not a tight loop.
    ItemExponentialFailureRateLimiter<Request> queue =
        new ItemExponentialFailureRateLimiter<>(Duration.ofMillis(200), Duration.ofSeconds(30));
    Request request = new Request(lbId);
    queue.when(request); // the failure above
    double from = allCalls("clb_direct_clb_calls_total");
    long start = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      Thread.sleep(queue.when(request).toMillis());
      assertThat(reconcile().isRequeue()).isTrue();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double calls = allCalls("clb_direct_clb_calls_total") - from;
    assertThat(calls).isEqualTo(4);
    assertThat(calls / seconds).as("CLB calls per second while the clock is off").isLessThan(2);
    assertThat(events.recorded.stream().map(ControllerFakes.Event::message).distinct())
        .as("one Event, its count raised, not one per attempt")
        .hasSize(1);

    clb.setClockOffset(Duration.ZERO);
    reconcile();
    assertThat(meters.get("clb_direct_clb_clock_skew").gauge().value()).isZero();
    assertThat(all(bound()))
        .containsOnlyKeys(
            new TargetAddress("127.0.1.1", 8080), new TargetAddress("127.0.1.2", 8080));
  }

  @Test
  void anIngressGetsItsListenerRulesAndTargetsAndItsRulesAreRecorded() throws Exception {
    V1Service web = service("web", 80, 8080);
    services.add(web);
    pods.add(pod("web", "web-1", "127.0.1.5"));
    V1Ingress ingress =
        new V1Ingress()
            .metadata(
                new V1ObjectMeta()
                    .namespace("shop")
                    .name("front")
                    .uid("uid-front")
                    .generation(1L)
                    .putAnnotationsItem("ingress.cloud.tencent.com/direct-access", "true"))
            .spec(
                new V1IngressSpec()
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
    ingresses.add(ingress);
    placements.place(FrontendKey.ingress("shop", "front"), lbId, vip);

    reconcile();

    assertThat(loadBalancers.listeners(lbId))
        .extracting(l -> l.getProtocol() + ":" + l.getPort())
        .containsExactly("HTTP:80");
    assertThat(writes.annotations.get("shop/front"))
        .containsEntry(IngressReconciler.MANAGED_RULES_ANNOTATION, "[\"shop.example.com/\"]");
    assertThat(all(bound())).containsOnlyKeys(new TargetAddress("127.0.1.5", 8080));
    assertThat(states.get(FrontendKey.ingress("shop", "front")).bindings())
        .containsOnlyKeys("shop/web-1");
  }
}
