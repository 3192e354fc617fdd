package io.clbdirect.gate.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import io.clbdirect.core.ControllerScope;
import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.gate.clb.ClbGateway;
import io.clbdirect.gate.clb.ClbTargets;
import io.clbdirect.gate.clb.EmulatedGateways;
import io.clbdirect.gate.clb.FencedWrite;
import io.clbdirect.gate.clb.LoadBalancers;
import io.clbdirect.gate.clb.ServiceLoadBalancers;
import io.clbdirect.gate.decide.BackendObservation;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Service reconcile with an in-memory cache, recorded writes and Events, against the CLB
 * emulator (no control plane): what it writes, where it places the Service, and how it releases it.
 */
class ServiceReconcilerTest {

  static final FrontendKey KEY = FrontendKey.service("shop", "web");

  ClbEmulator clb;
  LoadBalancers loadBalancers;
  Cache<V1Service> services = new Cache<>();
  Placements placements = new Placements();
  ControllerFakes.Events events = new ControllerFakes.Events();
  ControllerFakes.Writes writes = new ControllerFakes.Writes();
  List<String> loadBalancersAsked = new ArrayList<>();
  ServiceReconciler reconciler;
  FrontendSupport support;
  SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** Whether the gateway's write fence refuses, as it does once the Lease may have passed on. */
  final java.util.concurrent.atomic.AtomicBoolean fenced =
      new java.util.concurrent.atomic.AtomicBoolean();

  @BeforeEach
  void start() {
    clb =
        ClbEmulator.start(
            EmulatorConfig.defaults("AKIDsvcrec", "secret")
                .withTaskDelay(Duration.ofMillis(20))
                .withVipOctet(95));
    ClbGateway gateway =
        EmulatedGateways.to(
            clb,
            "AKIDsvcrec",
            meters,
            (api, action) -> {
              if (fenced.get()) {
                throw new FencedWrite(action, "test: this replica may no longer hold the Lease");
              }
            });
    loadBalancers = new LoadBalancers(gateway, "test", "vpc-cluster1");
    support =
        new FrontendSupport(
            new Cache<>(),
            new ClbTargets(gateway),
            writes,
            events,
            DeletionToClbChange.register(new SimpleMeterRegistry(), Clock.systemUTC()),
            () -> false);
    reconciler =
        new ServiceReconciler(
            services,
            new DirectAccessRules(ControllerScope.defaults()),
            new ServiceLoadBalancers(loadBalancers),
            placements,
            loadBalancersAsked::add,
            support,
            () -> true,
            () -> false);
  }

  @AfterEach
  void stop() {
    clb.close();
  }

  static V1Service service(Map<String, String> annotations) {
    V1ObjectMeta meta = new V1ObjectMeta().namespace("shop").name("web").uid("uid-web");
    annotations.forEach(meta::putAnnotationsItem);
    return new V1Service()
        .metadata(meta)
        .spec(
            new V1ServiceSpec()
                .type("LoadBalancer")
                .putSelectorItem("app", "web")
                .addPortsItem(
                    new V1ServicePort()
                        .port(80)
                        .protocol("TCP")
                        .targetPort(new IntOrString(8080))));
  }

  static Map<String, String> directAccess() {
    return Map.of("service.cloud.tencent.com/direct-access", "true");
  }

  @Test
  void aDirectAccessServiceGetsItsFinalizerALoadBalancerAndAPlaceOnIt() throws Exception {
    services.add(service(directAccess()));

    FrontendReconciler.Outcome outcome = reconciler.reconcile(KEY);

    assertThat(outcome).isEqualTo(FrontendReconciler.Outcome.PLACED);
    assertThat(writes.finalizers).containsEntry("shop/web", true);
    String lbId =
        writes.annotations.get("shop/web").get(ServiceLoadBalancers.RECORDED_LB_ANNOTATION);
    assertThat(lbId).startsWith("lb-");
    assertThat(writes.vips.get("shop/web")).isNotNull();
    assertThat(placements.of(KEY).loadBalancerId()).isEqualTo(lbId);
    assertThat(loadBalancersAsked).containsExactly(lbId);
    assertThat(loadBalancers.listeners(lbId))
        .as("listeners are the load balancer's reconcile's job")
        .isEmpty();
  }

  @Test
  void aSkewedClockIsAWarningSayingSoOnTheServiceAndOneCallPerReconcile() {
    services.add(service(directAccess()));
    FrontendController controller =
        new FrontendController(
            FrontendKey.Kind.SERVICE,
            reconciler,
            key -> services.getByKey(key.namespace() + "/" + key.name()),
            (key, state) -> {},
            support,
            Timer.builder("reconcile").register(meters));
    clb.setClockOffset(Duration.ofMinutes(-10)); // as if clb-direct's clock were 10 minutes ahead

    for (int i = 0; i < 3; i++) {
      Result result = controller.reconcile(new Request("shop", "web"));
      assertThat(result.isRequeue()).isTrue();
      assertThat(result.getRequeueAfter()).as("the workqueue's backoff").isNull();
    }

    assertThat(meters.get("clb_direct_clb_calls_total").counters())
        .as("one call per reconcile, none retried")
        .allSatisfy(c -> assertThat(c.getId().getTag("action")).startsWith("Describe"))
        .extracting(c -> c.count())
        .containsExactly(3.0);
    assertThat(events.reasons()).containsOnly("CloudClockSkew").hasSize(3);
    assertThat(events.recorded.get(0).object()).isEqualTo("shop/web");
    assertThat(events.recorded.get(0).message())
        .isEqualTo(
            "Tencent Cloud API calls fail with AuthFailure.SignatureExpire: this host's clock"
                + " differs from Tencent Cloud's by more than 5 minutes, so Tencent Cloud refuses"
                + " every signed call; fix time synchronisation (NTP, chrony) on the node running"
                + " clb-direct. Retried with backoff up to 30 s.");
    assertThat(meters.get("clb_direct_clb_clock_skew").gauge().value()).isEqualTo(1);
    assertThat(placements.of(KEY)).isNull();

    clb.setClockOffset(Duration.ZERO);
    assertThat(controller.reconcile(new Request("shop", "web")).isRequeue()).isFalse();
    assertThat(placements.of(KEY)).isNotNull();
    assertThat(meters.get("clb_direct_clb_clock_skew").gauge().value()).isZero();
  }

  /**
   * A CreateLoadBalancer the fence refuses ends the reconcile quietly: no Warning, no state for the
   * Pods, no retry, nothing created; once the fence opens again the Service gets its load balancer.
   */
  @Test
  void aFencedCreationIsNeitherAWarningNorAStateNorRetried() {
    services.add(service(directAccess()));
    java.util.List<FrontendState> states = new java.util.ArrayList<>();
    FrontendController controller =
        new FrontendController(
            FrontendKey.Kind.SERVICE,
            reconciler,
            key -> services.getByKey(key.namespace() + "/" + key.name()),
            (key, state) -> states.add(state),
            support,
            Timer.builder("reconcile").register(meters));
    fenced.set(true);

    Result result = controller.reconcile(new Request("shop", "web"));

    assertThat(result.isRequeue()).isFalse();
    assertThat(events.reasons()).isEmpty();
    assertThat(states).isEmpty();
    assertThat(clb.state().loadBalancers()).isEmpty();
    assertThat(placements.of(KEY)).isNull();

    fenced.set(false);
    assertThat(controller.reconcile(new Request("shop", "web")).isRequeue()).isFalse();
    assertThat(clb.state().loadBalancers()).hasSize(1);
  }

  @Test
  void aServiceThatDoesNotAskForDirectAccessIsLeftAlone() throws Exception {
    services.add(service(Map.of()));

    assertThat(reconciler.reconcile(KEY)).isEqualTo(FrontendReconciler.Outcome.GONE);

    assertThat(writes.finalizers).isEmpty();
    assertThat(writes.annotations).isEmpty();
    assertThat(clb.stateView().getAsJsonArray("loadBalancers")).isEmpty();
  }

  @Test
  void aMistypedLoadBalancerIdIsRefusedWithTheReasonThePodsWillShow() {
    services.add(
        service(
            Map.of(
                "service.cloud.tencent.com/direct-access",
                "true",
                ServiceLoadBalancers.EXISTING_LB_ANNOTATION,
                "lb-typo0000")));

    assertThatThrownBy(() -> reconciler.reconcile(KEY))
        .isInstanceOfSatisfying(
            FrontendFailure.class,
            e -> {
              assertThat(e.refusal().eventReason()).isEqualTo("LoadBalancerNotFound");
              assertThat(e.state().refusal().state())
                  .isEqualTo(BackendObservation.State.LOAD_BALANCER_NOT_FOUND);
            });
    assertThat(placements.of(KEY)).isNull();
    assertThat(clb.stateView().getAsJsonArray("loadBalancers"))
        .as("never another in its place")
        .isEmpty();
  }

  @Test
  void aDeletedServiceOnAUsersLoadBalancerWaitsForItsTargetsToComeOffThenLetsGo() throws Exception {
    LoadBalancer users =
        loadBalancers.create(
            "users",
            LoadBalancers.TAG_SERVICE_UID,
            "uid-someone-else",
            LoadBalancerSpecs.decide(FrontendAnnotations.SERVICE, Map.of(), false).spec());
    V1Service deleting =
        service(
            Map.of(
                "service.cloud.tencent.com/direct-access",
                "true",
                ServiceLoadBalancers.RECORDED_LB_ANNOTATION,
                users.getLoadBalancerId()));
    deleting
        .getMetadata()
        .deletionTimestamp(OffsetDateTime.now())
        .addFinalizersItem(FrontendReconciler.FINALIZER);
    services.add(deleting);

    assertThat(reconciler.reconcile(KEY)).isEqualTo(FrontendReconciler.Outcome.RELEASING);
    assertThat(placements.of(KEY).releasing()).isTrue();
    assertThat(writes.finalizers).as("kept until the targets are off").isEmpty();

    placements.markReleased(KEY); // what the load balancer's reconcile does once they are
    assertThat(reconciler.reconcile(KEY)).isEqualTo(FrontendReconciler.Outcome.GONE);

    assertThat(writes.finalizers).containsEntry("shop/web", false);
    assertThat(placements.of(KEY)).isNull();
    assertThat(clb.stateView().getAsJsonArray("loadBalancers"))
        .as("a load balancer clb-direct did not make for this Service stays")
        .hasSize(1);
  }

  @Test
  void aDeletedServiceLosesTheLoadBalancerMadeForIt() throws Exception {
    services.add(service(directAccess()));
    reconciler.reconcile(KEY);
    String lbId =
        writes.annotations.get("shop/web").get(ServiceLoadBalancers.RECORDED_LB_ANNOTATION);
    V1Service deleting =
        service(
            Map.of(
                "service.cloud.tencent.com/direct-access",
                "true",
                ServiceLoadBalancers.RECORDED_LB_ANNOTATION,
                lbId));
    deleting
        .getMetadata()
        .deletionTimestamp(OffsetDateTime.now())
        .addFinalizersItem(FrontendReconciler.FINALIZER);
    services.update(deleting);

    assertThat(reconciler.reconcile(KEY)).isEqualTo(FrontendReconciler.Outcome.GONE);

    assertThat(clb.stateView().getAsJsonArray("loadBalancers")).isEmpty();
    assertThat(writes.finalizers).containsEntry("shop/web", false);
  }
}
