package io.clbdirect.gate.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.gate.clb.ClbGateway;
import io.clbdirect.gate.clb.ClbTargets;
import io.clbdirect.gate.clb.EmulatedGateways;
import io.clbdirect.gate.clb.IngressLoadBalancers;
import io.clbdirect.gate.clb.ListenerSettings;
import io.clbdirect.gate.clb.LoadBalancers;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.IngressRoutes;
import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TkeServiceConfig carried into real CLB calls, against the emulator: create-time attributes on
 * new listeners and rules, ModifyListener / ModifyRule for existing ones that drifted, and nothing
 * sent for attributes the config leaves out.
 */
class TkeListenerSettingsTest {

  ClbEmulator clb;
  ClbGateway gateway;
  SimpleMeterRegistry meters = new SimpleMeterRegistry();
  LoadBalancers loadBalancers;

  @BeforeEach
  void start() {
    clb =
        ClbEmulator.start(
            EmulatorConfig.defaults("AKIDsettings", "secret")
                .withTaskDelay(Duration.ofMillis(50))
                .withVipOctet(93));
    gateway = EmulatedGateways.to(clb, "AKIDsettings", meters);
    loadBalancers = new LoadBalancers(gateway, "test", "vpc-cluster1");
  }

  @AfterEach
  void stop() {
    clb.close();
  }

  static ListenerSettings settings(String spec, ClbGateway gateway) {
    JsonObject resource = new JsonObject();
    resource.add("spec", JsonParser.parseString(spec));
    TkeListenerSettings.Parsed parsed = TkeListenerSettings.parse(resource);
    assertThat(parsed.errors()).isEmpty();
    return parsed.settings();
  }

  static V1Service service() {
    return new V1Service()
        .metadata(new V1ObjectMeta().name("web").namespace("shop").uid("uid-web"))
        .spec(
            new V1ServiceSpec()
                .type("LoadBalancer")
                .addPortsItem(
                    new V1ServicePort().port(80).protocol("TCP").targetPort(new IntOrString(8080)))
                .addPortsItem(
                    new V1ServicePort()
                        .port(81)
                        .protocol("TCP")
                        .targetPort(new IntOrString(8081))));
  }

  double calls(String action) {
    return meters.find("clb_direct_clb_calls_total").tag("action", action).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  static final LoadBalancerSpecs.Decision PUBLIC =
      LoadBalancerSpecs.decide(FrontendAnnotations.SERVICE, Map.of(), false);

  /**
   * The load-balancer reconcile of one Service placed on a new load balancer, with the config a
   * lookup returns.
   */
  final class OneService {
    final Cache<V1Service> services = new Cache<>();
    final Placements placements = new Placements();
    ListenerSettings settings = ListenerSettings.NONE;
    String version = "";
    final LoadBalancerReconciler reconciler;
    final String lbId;

    OneService() throws Exception {
      FrontendSupport support =
          new FrontendSupport(
              new Cache<>(),
              new ClbTargets(gateway),
              new ControllerFakes.Writes(),
              new ControllerFakes.Events(),
              DeletionToClbChange.register(meters, Clock.systemUTC()),
              () -> false);
      reconciler =
          new LoadBalancerReconciler(
              services,
              new Cache<>(),
              placements,
              loadBalancers,
              frontend -> new TkeServiceConfigInformer.Lookup(settings, version),
              support,
              (key, state) -> {},
              key -> {},
              id -> {},
              Clock.systemUTC());
      LoadBalancer lb =
          loadBalancers.create("web", LoadBalancers.TAG_SERVICE_UID, "uid-web", PUBLIC.spec());
      lbId = lb.getLoadBalancerId();
      services.add(service());
      placements.place(FrontendKey.service("shop", "web"), lbId, lb.getLoadBalancerVips()[0]);
    }

    void reconcile(ListenerSettings with, String atVersion) {
      settings = with;
      version = atVersion;
      reconciler.reconcile(new Request(lbId));
    }
  }

  @Test
  void l4ListenersGetTheConfiguredAttributesAtCreationAndBackAfterDrift() throws Exception {
    String spec =
        "{\"loadBalancer\":{\"l4Listeners\":[{\"protocol\":\"TCP\",\"port\":80,"
            + "\"healthCheck\":{\"enable\":true,\"intervalTime\":10,\"timeout\":5},\"session\":{\"enable\":true,\"sessionExpireTime\":600},"
            + "\"scheduler\":\"LEAST_CONN\"}]}}";
    OneService web = new OneService();

    web.reconcile(settings(spec, gateway), "v1");

    Listener configured = listener(web.lbId, 80);
    assertThat(configured.getHealthCheck().getIntervalTime()).isEqualTo(10L);
    assertThat(configured.getHealthCheck().getTimeOut()).isEqualTo(5L);
    assertThat(configured.getHealthCheck().getHealthNum())
        .as("not configured: clb-direct's default")
        .isEqualTo(3L);
    assertThat(configured.getSessionExpireTime()).isEqualTo(600L);
    assertThat(configured.getScheduler()).isEqualTo("LEAST_CONN");
    Listener other = listener(web.lbId, 81);
    assertThat(other.getHealthCheck().getIntervalTime())
        .as("a port without an entry keeps the defaults")
        .isEqualTo(5L);
    assertThat(other.getScheduler()).isEqualTo("WRR");
    assertThat(calls("CreateListener")).as("different attributes: one call each").isEqualTo(2);

    assertThat(calls("ModifyListener")).isZero();
    web.reconcile(
        settings(spec.replace("\"intervalTime\":10", "\"intervalTime\":20"), gateway), "v2");
    Listener changed = listener(web.lbId, 80);
    assertThat(changed.getHealthCheck().getIntervalTime()).isEqualTo(20L);
    assertThat(changed.getHealthCheck().getTimeOut()).isEqualTo(5L);
    assertThat(changed.getSessionExpireTime()).isEqualTo(600L);
    assertThat(calls("ModifyListener")).isEqualTo(1);

    web.reconcile(
        settings(spec.replace("\"intervalTime\":10", "\"intervalTime\":20"), gateway), "v3");
    web.reconcile(ListenerSettings.NONE, "none");
    assertThat(calls("ModifyListener"))
        .as("nothing differs, or nothing is configured: no call")
        .isEqualTo(1);
    assertThat(listener(web.lbId, 80).getHealthCheck().getIntervalTime())
        .as("not set = left alone")
        .isEqualTo(20L);
  }

  @Test
  void l7RulesGetTheirHealthCheckPathAndTheVipDomainMatchesHostlessEntries() throws Exception {
    IngressLoadBalancers ingresses = new IngressLoadBalancers(loadBalancers);
    V1Ingress ingress =
        new V1Ingress().metadata(new V1ObjectMeta().name("shop").namespace("shop").uid("uid-shop"));
    LoadBalancer lb = ingresses.ensureLoadBalancer(ingress, PUBLIC, false);
    String vip = lb.getLoadBalancerVips()[0];
    CreateListenerRequest http = new CreateListenerRequest();
    http.setLoadBalancerId(lb.getLoadBalancerId());
    http.setProtocol("HTTP");
    http.setPorts(new Long[] {80L});
    gateway.write(
        "CreateListener", lb.getLoadBalancerId(), c -> c.CreateListener(http).getRequestId());
    Listener listener = ingresses.listener(lb.getLoadBalancerId());
    String spec =
        "{\"loadBalancer\":{\"l7Listeners\":[{\"protocol\":\"HTTP\",\"port\":80,\"domains\":["
            + "{\"domain\":\"api.example.com\",\"rules\":[{\"url\":\"/api\",\"healthCheck\":{\"enable\":true,\"httpCheckPath\":\"/healthz\"}}]},"
            + "{\"domain\":\"\",\"rules\":[{\"url\":\"/\",\"scheduler\":\"IP_HASH\"}]}]}]}}";

    ingresses.createRules(
        lb.getLoadBalancerId(),
        listener,
        vip,
        List.of(
            new RuleKey("api.example.com", "/api"),
            new RuleKey(vip, "/"),
            new RuleKey("web.example.com", "/")),
        settings(spec, gateway),
        domain -> {
          throw new AssertionError("no HTTPS rule here");
        });

    var rules =
        IngressLoadBalancers.rules(
            ingresses.listener(lb.getLoadBalancerId()), IngressRoutes.Scheme.HTTP);
    RuleOutput api = rules.get(new RuleKey("api.example.com", "/api"));
    assertThat(api.getHealthCheck().getHttpCheckPath()).isEqualTo("/healthz");
    assertThat(api.getHealthCheck().getHttpCode())
        .as("clb-direct's default: 2xx or 3xx")
        .isEqualTo(6L);
    assertThat(rules.get(new RuleKey(vip, "/")).getScheduler())
        .as("domain \"\" is the VIP")
        .isEqualTo("IP_HASH");
    assertThat(rules.get(new RuleKey(vip, "/")).getDefaultServer()).isTrue();
    assertThat(rules.get(new RuleKey("web.example.com", "/")).getHealthCheck().getHttpCheckPath())
        .isEqualTo("/");

    ListenerSettings fixed = settings(spec.replace("/healthz", "/ready"), gateway);
    Listener current = ingresses.listener(lb.getLoadBalancerId());
    for (RuleOutput rule : current.getRules()) {
      // The settings only build the request; the load-balancer reconcile sends it, as here.
      var modify = fixed.modification(lb.getLoadBalancerId(), vip, current, rule);
      if (modify.isPresent()) {
        gateway.write(
            "ModifyRule", lb.getLoadBalancerId(), c -> c.ModifyRule(modify.get()).getRequestId());
      }
    }
    var after =
        IngressLoadBalancers.rules(
            ingresses.listener(lb.getLoadBalancerId()), IngressRoutes.Scheme.HTTP);
    assertThat(
            after.get(new RuleKey("api.example.com", "/api")).getHealthCheck().getHttpCheckPath())
        .isEqualTo("/ready");
    assertThat(after.get(new RuleKey("api.example.com", "/api")).getHealthCheck().getHttpCode())
        .as("kept")
        .isEqualTo(6L);
    assertThat(calls("ModifyRule")).as("only the rule whose path changed").isEqualTo(1);
  }

  Listener listener(String lbId, int port) throws Exception {
    return LoadBalancers.find(loadBalancers.listeners(lbId), "TCP", port);
  }
}
