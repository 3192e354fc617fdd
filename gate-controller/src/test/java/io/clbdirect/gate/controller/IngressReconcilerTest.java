package io.clbdirect.gate.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import io.clbdirect.core.ControllerScope;
import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.gate.clb.ClbGateway;
import io.clbdirect.gate.clb.ClbTargets;
import io.clbdirect.gate.clb.EmulatedGateways;
import io.clbdirect.gate.clb.IngressLoadBalancers;
import io.clbdirect.gate.clb.LoadBalancers;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1HTTPIngressRuleValue;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressBackend;
import io.kubernetes.client.openapi.models.V1IngressRule;
import io.kubernetes.client.openapi.models.V1IngressServiceBackend;
import io.kubernetes.client.openapi.models.V1IngressSpec;
import io.kubernetes.client.openapi.models.V1IngressTLS;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Ingress reconcile with in-memory caches, recorded writes and Events, against the CLB emulator
 * (no control plane).
 */
class IngressReconcilerTest {

  static final FrontendKey KEY = FrontendKey.ingress("shop", "front");

  ClbEmulator clb;
  LoadBalancers loadBalancers;
  Cache<V1Ingress> ingresses = new Cache<>();
  Cache<V1Service> services = new Cache<>();
  Placements placements = new Placements();
  ControllerFakes.Events events = new ControllerFakes.Events();
  ControllerFakes.Writes writes = new ControllerFakes.Writes();
  List<String> loadBalancersAsked = new ArrayList<>();
  IngressReconciler reconciler;

  @BeforeEach
  void start() {
    clb =
        ClbEmulator.start(
            EmulatorConfig.defaults("AKIDingrec", "secret")
                .withTaskDelay(Duration.ofMillis(20))
                .withVipOctet(96));
    ClbGateway gateway = EmulatedGateways.to(clb, "AKIDingrec", new SimpleMeterRegistry());
    loadBalancers = new LoadBalancers(gateway, "test", "vpc-cluster1");
    FrontendSupport support =
        new FrontendSupport(
            new Cache<>(),
            new ClbTargets(gateway),
            writes,
            events,
            DeletionToClbChange.register(new SimpleMeterRegistry(), Clock.systemUTC()),
            () -> false);
    reconciler =
        new IngressReconciler(
            ingresses,
            services,
            new DirectAccessRules(ControllerScope.defaults()),
            new IngressLoadBalancers(loadBalancers),
            placements,
            loadBalancersAsked::add,
            support,
            () -> true,
            () -> false);
    services.add(
        new V1Service()
            .metadata(new V1ObjectMeta().namespace("shop").name("web").uid("uid-web"))
            .spec(
                new V1ServiceSpec()
                    .putSelectorItem("app", "web")
                    .addPortsItem(new V1ServicePort().port(80).targetPort(new IntOrString(8080)))));
  }

  @AfterEach
  void stop() {
    clb.close();
  }

  static V1Ingress ingress(Map<String, String> annotations) {
    V1ObjectMeta meta =
        new V1ObjectMeta()
            .namespace("shop")
            .name("front")
            .uid("uid-front")
            .generation(1L)
            .putAnnotationsItem("ingress.cloud.tencent.com/direct-access", "true");
    annotations.forEach(meta::putAnnotationsItem);
    return new V1Ingress()
        .metadata(meta)
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
  }

  @Test
  void aDirectAccessIngressGetsALoadBalancerAndAPlaceOnItAndAnUnreadableCertificateIsReported()
      throws Exception {
    V1Ingress withTls = ingress(Map.of());
    withTls.getSpec().addTlsItem(new V1IngressTLS().secretName("shop-tls"));
    ingresses.add(withTls);

    assertThat(reconciler.reconcile(KEY)).isEqualTo(FrontendReconciler.Outcome.PLACED);

    String lbId =
        writes.annotations.get("shop/front").get(IngressLoadBalancers.RECORDED_LB_ANNOTATION);
    assertThat(placements.of(KEY).loadBalancerId()).isEqualTo(lbId);
    assertThat(loadBalancersAsked).containsExactly(lbId);
    assertThat(writes.finalizers).containsEntry("shop/front", true);
    assertThat(events.reasons())
        .as("the Secret cannot be read here, so its host is not served over HTTPS, and said so")
        .contains(IngressReconciler.CERTIFICATE_MISSING);
  }

  @Test
  void aDeletedIngressOnAUsersLoadBalancerWaitsForItsRulesAndTargetsThenLetsGo() throws Exception {
    LoadBalancer users =
        loadBalancers.create(
            "users",
            LoadBalancers.TAG_INGRESS_UID,
            "uid-someone-else",
            LoadBalancerSpecs.decide(FrontendAnnotations.INGRESS, Map.of(), false).spec());
    V1Ingress deleting =
        ingress(
            Map.of(
                IngressLoadBalancers.RECORDED_LB_ANNOTATION,
                users.getLoadBalancerId(),
                IngressReconciler.MANAGED_RULES_ANNOTATION,
                "[\"shop.example.com/\"]"));
    deleting
        .getMetadata()
        .deletionTimestamp(OffsetDateTime.now())
        .addFinalizersItem(FrontendReconciler.FINALIZER);
    ingresses.add(deleting);

    assertThat(reconciler.reconcile(KEY)).isEqualTo(FrontendReconciler.Outcome.RELEASING);
    assertThat(placements.of(KEY).releasing()).isTrue();
    assertThat(writes.finalizers).isEmpty();

    placements.markReleased(KEY);
    assertThat(reconciler.reconcile(KEY)).isEqualTo(FrontendReconciler.Outcome.GONE);
    assertThat(writes.finalizers).containsEntry("shop/front", false);
    assertThat(clb.stateView().getAsJsonArray("loadBalancers")).hasSize(1);
  }

  @Test
  void anIngressOfAnotherClassIsReportedAndNotServed() throws Exception {
    ingresses.add(ingress(Map.of("kubernetes.io/ingress.class", "nginx")));

    assertThat(reconciler.reconcile(KEY)).isEqualTo(FrontendReconciler.Outcome.GONE);

    assertThat(events.reasons()).containsExactly("IngressClassNotServed");
    assertThat(writes.finalizers).isEmpty();
    assertThat(clb.stateView().getAsJsonArray("loadBalancers")).isEmpty();
  }
}
