package io.clbdirect.gate.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.ssl.v20191205.SslClient;
import com.tencentcloudapi.ssl.v20191205.models.UploadCertificateRequest;
import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.gate.clb.ClbTargets;
import io.clbdirect.gate.clb.EmulatedGateways;
import io.clbdirect.gate.clb.ListenerCertificate;
import io.clbdirect.gate.clb.ListenerSettings;
import io.clbdirect.gate.clb.LoadBalancers;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.kubernetes.client.extended.controller.reconciler.Request;
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
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceBackendPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load-balancer reconcile of an HTTPS Ingress against the emulator, its certificates from a
 * fake certificate source: an SNI listener with a certificate per domain, redirects recorded and
 * made, a renewed certificate swapped in place, a host without a certificate left out.
 */
class IngressHttpsReconcileTest {

  static final Clock CLOCK = Clock.systemUTC();

  ClbEmulator clb;
  SimpleMeterRegistry meters = new SimpleMeterRegistry();
  LoadBalancers loadBalancers;
  Cache<V1Service> services = new Cache<>();
  Cache<V1Ingress> ingresses = new Cache<>();
  Cache<V1Pod> pods = new Cache<>();
  Placements placements = new Placements();
  ControllerFakes.Writes writes = new ControllerFakes.Writes();
  ControllerFakes.Events events = new ControllerFakes.Events();
  FakeCertificates certificates = new FakeCertificates();
  LoadBalancerReconciler reconciler;
  SslClient ssl;
  CertificateAuthority ca = CertificateAuthority.generate("test CA", Duration.ofDays(1), CLOCK);
  String lbId;
  String vip;

  /** Secrets by name: a certificate, or a problem; what was swapped. */
  static final class FakeCertificates implements CertificateSecrets {
    final Map<String, ListenerCertificate> served = new HashMap<>();
    final Map<String, Integer> versions = new HashMap<>();
    final List<String> swaps = new ArrayList<>();

    void put(String secret, ListenerCertificate certificate) {
      served.put(secret, certificate);
      versions.merge(secret, 1, Integer::sum);
    }

    @Override
    public String problem(String namespace, String secretName) {
      return served.containsKey(secretName)
          ? null
          : "Secret " + namespace + "/" + secretName + " does not exist";
    }

    @Override
    public String version(String namespace, String secretName) {
      return String.valueOf(versions.getOrDefault(secretName, 0));
    }

    @Override
    public ListenerCertificate certificate(String namespace, String secretName) {
      return served.get(secretName);
    }

    @Override
    public void swapped(String namespace, String secretName, ListenerCertificate current) {
      swaps.add(secretName + "=" + current.certId());
    }
  }

  @BeforeEach
  void start() throws Exception {
    pods.addIndexers(Map.of(FrontendSupport.LABEL_INDEX, FrontendSupport::labelIndex));
    clb =
        ClbEmulator.start(
            EmulatorConfig.defaults("AKIDhttps", "secret")
                .withTaskDelay(Duration.ofMillis(20))
                .withVipOctet(93));
    var gateway = EmulatedGateways.to(clb, "AKIDhttps", meters);
    loadBalancers = new LoadBalancers(gateway, "test", "vpc-cluster1");
    FrontendSupport support =
        new FrontendSupport(
            pods,
            new ClbTargets(gateway),
            writes,
            events,
            DeletionToClbChange.register(meters, CLOCK),
            () -> false,
            certificates);
    reconciler =
        new LoadBalancerReconciler(
            services,
            ingresses,
            placements,
            loadBalancers,
            frontend -> new TkeServiceConfigInformer.Lookup(ListenerSettings.NONE, ""),
            support,
            (key, state) -> {},
            key -> {},
            key -> {},
            CLOCK);
    LoadBalancer lb =
        loadBalancers.create(
            "front",
            LoadBalancers.TAG_INGRESS_UID,
            "uid-front",
            LoadBalancerSpecs.decide(FrontendAnnotations.INGRESS, Map.of(), false).spec());
    lbId = lb.getLoadBalancerId();
    vip = lb.getLoadBalancerVips()[0];
    HttpProfile http = new HttpProfile();
    http.setEndpoint(clb.endpoint());
    http.setProtocol(HttpProfile.REQ_HTTP);
    ssl =
        new SslClient(
            new Credential("AKIDhttps", "secret"),
            "ap-guangzhou",
            new ClientProfile(ClientProfile.SIGN_TC3_256, http));
  }

  @AfterEach
  void stop() {
    clb.close();
  }

  String upload(String host) throws Exception {
    ServingCertificate certificate =
        ca.issueServing(List.of(host), List.of(), Duration.ofHours(1), CLOCK);
    UploadCertificateRequest request = new UploadCertificateRequest();
    request.setCertificatePublicKey(certificate.certificatePem());
    request.setCertificatePrivateKey(certificate.privateKeyPem());
    return ssl.UploadCertificate(request).getCertificateId();
  }

  static V1IngressRule rule(String host) {
    return new V1IngressRule()
        .host(host)
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
                                        .port(new V1ServiceBackendPort().number(80))))));
  }

  /** Reconciles, then records what was written on the Ingress, as the informer would show it. */
  void reconcile() {
    reconciler.reconcile(new Request(lbId));
    V1Ingress ingress = ingresses.getByKey("shop/front");
    Map<String, String> written = writes.annotations.get("shop/front");
    if (written != null) {
      Map<String, String> annotations = new HashMap<>(ingress.getMetadata().getAnnotations());
      annotations.putAll(written);
      ingress.getMetadata().setAnnotations(annotations);
    }
  }

  Map<String, RuleOutput> rules(String protocol) throws Exception {
    Map<String, RuleOutput> rules = new HashMap<>();
    for (Listener listener : loadBalancers.listeners(lbId)) {
      if (listener.getProtocol().equals(protocol) && listener.getRules() != null) {
        for (RuleOutput rule : listener.getRules()) {
          rules.put(rule.getDomain() + rule.getUrl(), rule);
        }
      }
    }
    return rules;
  }

  @Test
  void hostsGetTheirCertificatesRedirectsAreMadeARenewalIsSwappedAndAHostWithoutOneIsLeftOut()
      throws Exception {
    String aId = upload("a.example.com");
    String bId = upload("b.example.com");
    certificates.put("a-cert", new ListenerCertificate(aId, null));
    certificates.put("b-cert", new ListenerCertificate(bId, null));
    services.add(LoadBalancerReconcilerTest.service("web", 80, 8080));
    V1Ingress ingress =
        new V1Ingress()
            .metadata(
                new V1ObjectMeta()
                    .namespace("shop")
                    .name("front")
                    .uid("uid-front")
                    .generation(1L)
                    .annotations(
                        Map.of(
                            "ingress.cloud.tencent.com/direct-access", "true",
                            "ingress.cloud.tencent.com/auto-rewrite", "true")))
            .spec(
                new V1IngressSpec()
                    .addRulesItem(rule("a.example.com"))
                    .addRulesItem(rule("b.example.com"))
                    .addRulesItem(rule("c.example.com"))
                    .addTlsItem(
                        new V1IngressTLS().secretName("a-cert").addHostsItem("a.example.com"))
                    .addTlsItem(
                        new V1IngressTLS().secretName("b-cert").addHostsItem("b.example.com"))
                    .addTlsItem(
                        new V1IngressTLS().secretName("c-cert").addHostsItem("c.example.com")));
    ingresses.add(ingress);
    placements.place(FrontendKey.ingress("shop", "front"), lbId, vip);

    reconcile();

    Listener https =
        java.util.Arrays.stream(loadBalancers.listeners(lbId))
            .filter(l -> l.getProtocol().equals("HTTPS"))
            .findFirst()
            .orElseThrow();
    assertThat(https.getPort()).isEqualTo(443L);
    assertThat(https.getSniSwitch()).as("a certificate per domain").isEqualTo(1L);
    Map<String, RuleOutput> httpsRules = rules("HTTPS");
    assertThat(httpsRules)
        .as("c.example.com has no certificate, so no HTTPS rule")
        .containsOnlyKeys("a.example.com/", "b.example.com/");
    assertThat(httpsRules.get("a.example.com/").getCertificate().getCertId()).isEqualTo(aId);
    assertThat(httpsRules.get("b.example.com/").getCertificate().getCertId()).isEqualTo(bId);
    Map<String, RuleOutput> httpRules = rules("HTTP");
    assertThat(httpRules).containsOnlyKeys("a.example.com/", "b.example.com/");
    assertThat(httpRules.values())
        .allSatisfy(
            r ->
                assertThat(r.getRewriteTarget().getTargetListenerId())
                    .isEqualTo(https.getListenerId()));
    assertThat(
            ingress.getMetadata().getAnnotations().get(IngressReconciler.MANAGED_RULES_ANNOTATION))
        .isEqualTo(
            "[\"a.example.com/\",\"b.example.com/\",\"https://a.example.com/\",\"https://b.example.com/\"]");

    String renewed = upload("b.example.com");
    certificates.put("b-cert", new ListenerCertificate(renewed, null));
    reconcile();

    assertThat(rules("HTTPS").get("b.example.com/").getCertificate().getCertId())
        .as("swapped in place")
        .isEqualTo(renewed);
    assertThat(rules("HTTPS").get("b.example.com/").getLocationId())
        .isEqualTo(httpsRules.get("b.example.com/").getLocationId());
    assertThat(certificates.swaps).contains("b-cert=" + renewed);

    ingress.getSpec().setTls(null);
    ingress.getMetadata().setGeneration(2L);
    reconcile();
    assertThat(rules("HTTPS")).as("no spec.tls: HTTPS rules and redirects go").isEmpty();
    assertThat(rules("HTTP"))
        .containsOnlyKeys("a.example.com/", "b.example.com/", "c.example.com/")
        .allSatisfy((key, rule) -> assertThat(rule.getRewriteTarget()).isNull());
  }
}
