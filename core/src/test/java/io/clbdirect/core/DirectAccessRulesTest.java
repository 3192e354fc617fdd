package io.clbdirect.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1HTTPIngressRuleValue;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressBackend;
import io.kubernetes.client.openapi.models.V1IngressRule;
import io.kubernetes.client.openapi.models.V1IngressServiceBackend;
import io.kubernetes.client.openapi.models.V1IngressSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.openapi.models.V1TypedLocalObjectReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DirectAccessRulesTest {

  private final DirectAccessRules rules = new DirectAccessRules(ControllerScope.defaults());

  static V1Service service(
      String name, String type, String directAccess, Map<String, String> selector) {
    Map<String, String> annotations = new HashMap<>();
    if (directAccess != null) {
      annotations.put(WellKnown.SERVICE_DIRECT_ACCESS, directAccess);
    }
    return new V1Service()
        .metadata(new V1ObjectMeta().name(name).namespace("shop").annotations(annotations))
        .spec(new V1ServiceSpec().type(type).selector(selector));
  }

  static V1Ingress ingress(String name, String directAccess, String className, String... backends) {
    Map<String, String> annotations = new HashMap<>();
    if (directAccess != null) {
      annotations.put(WellKnown.INGRESS_DIRECT_ACCESS, directAccess);
    }
    V1HTTPIngressRuleValue http = new V1HTTPIngressRuleValue();
    for (String backend : backends) {
      http.addPathsItem(
          new V1HTTPIngressPath()
              .path("/" + backend)
              .pathType("Prefix")
              .backend(
                  new V1IngressBackend().service(new V1IngressServiceBackend().name(backend))));
    }
    return new V1Ingress()
        .metadata(new V1ObjectMeta().name(name).namespace("shop").annotations(annotations))
        .spec(
            new V1IngressSpec()
                .ingressClassName(className)
                .addRulesItem(new V1IngressRule().http(http)));
  }

  @Test
  void directAccessServiceNeedsLoadBalancerTypeAndTrueAnnotation() {
    assertThat(
            rules.isDirectAccessService(service("a", "LoadBalancer", "true", Map.of("app", "a"))))
        .isTrue();
    assertThat(
            rules.isDirectAccessService(service("a", "LoadBalancer", "TRUE", Map.of("app", "a"))))
        .isTrue();
    assertThat(
            rules.isDirectAccessService(service("a", "LoadBalancer", "false", Map.of("app", "a"))))
        .isFalse();
    assertThat(rules.isDirectAccessService(service("a", "LoadBalancer", null, Map.of("app", "a"))))
        .isFalse();
    assertThat(rules.isDirectAccessService(service("a", "ClusterIP", "true", Map.of("app", "a"))))
        .isFalse();
    assertThat(rules.isDirectAccessService(service("a", "NodePort", "true", Map.of("app", "a"))))
        .isFalse();
  }

  @Test
  void serviceOfAnotherLoadBalancerClassIsNotOurs() {
    V1Service foreign = service("a", "LoadBalancer", "true", Map.of("app", "a"));
    foreign.getSpec().setLoadBalancerClass("service.k8s.aws/nlb");
    V1Service ours = service("b", "LoadBalancer", "true", Map.of("app", "b"));
    ours.getSpec().setLoadBalancerClass(ControllerScope.DEFAULT_LOAD_BALANCER_CLASS);

    assertThat(rules.isDirectAccessService(foreign)).isFalse();
    assertThat(rules.isDirectAccessService(ours)).isTrue();
  }

  @Test
  void ingressClassComesFromSpecThenAnnotationAndClasslessIsClaimedByDefault() {
    assertThat(rules.isDirectAccessIngress(ingress("i", "true", "qcloud", "web"))).isTrue();
    assertThat(rules.isDirectAccessIngress(ingress("i", "true", "nginx", "web"))).isFalse();
    assertThat(rules.isDirectAccessIngress(ingress("i", "true", null, "web"))).isTrue();
    assertThat(rules.isDirectAccessIngress(ingress("i", "false", "qcloud", "web"))).isFalse();

    V1Ingress legacy = ingress("i", "true", null, "web");
    legacy.getMetadata().getAnnotations().put(WellKnown.INGRESS_CLASS_ANNOTATION, "nginx");
    assertThat(rules.isDirectAccessIngress(legacy)).isFalse();

    DirectAccessRules strict =
        new DirectAccessRules(new ControllerScope("x", Set.of("qcloud"), false));
    assertThat(strict.isDirectAccessIngress(ingress("i", "true", null, "web"))).isFalse();
  }

  @Test
  void backendServicesIncludeDefaultBackendAndEveryPathButNotResourceBackends() {
    V1Ingress ingress = ingress("i", "true", "qcloud", "web", "api", "web");
    ingress
        .getSpec()
        .defaultBackend(
            new V1IngressBackend().service(new V1IngressServiceBackend().name("fallback")));
    ingress
        .getSpec()
        .addRulesItem(
            new V1IngressRule()
                .host("static.example.com")
                .http(
                    new V1HTTPIngressRuleValue()
                        .addPathsItem(
                            new V1HTTPIngressPath()
                                .path("/")
                                .pathType("Prefix")
                                .backend(
                                    new V1IngressBackend()
                                        .resource(
                                            new V1TypedLocalObjectReference()
                                                .kind("Bucket")
                                                .name("b"))))));
    ingress.getSpec().addRulesItem(new V1IngressRule().host("nohttp.example.com"));

    assertThat(DirectAccessRules.backendServiceNames(ingress))
        .containsExactly("api", "fallback", "web");
  }

  @Test
  void underRuleMixTheBackendsOfTheRuleAnnotationsCountToo() {
    V1Ingress ingress = new V1Ingress().metadata(new V1ObjectMeta().name("mix").namespace("shop"));
    ingress
        .getMetadata()
        .putAnnotationsItem(
            DirectAccessRules.HTTP_RULES,
            "[{\"backend\":{\"serviceName\":\"plain\",\"servicePort\":\"80\"}}]")
        .putAnnotationsItem(
            DirectAccessRules.HTTPS_RULES,
            "[{\"host\":\"a\",\"backend\":{\"serviceName\":\"secure\",\"servicePort\":\"443\"}}, 7]");

    assertThat(DirectAccessRules.backendServiceNames(ingress)).as("rule-mix is off").isEmpty();

    ingress.getMetadata().putAnnotationsItem(DirectAccessRules.RULE_MIX, "true");
    assertThat(DirectAccessRules.backendServiceNames(ingress)).containsExactly("plain", "secure");

    ingress.getMetadata().putAnnotationsItem(DirectAccessRules.HTTP_RULES, "{broken");
    assertThat(DirectAccessRules.backendServiceNames(ingress))
        .as("what cannot be read names no backend")
        .containsExactly("secure");
  }

  @Test
  void frontendsListDirectAccessServicesAndIngressBackendsWithTheirSelectors() {
    V1Service web = service("web", "LoadBalancer", "true", Map.of("app", "web"));
    V1Service plain = service("plain", "LoadBalancer", null, Map.of("app", "plain"));
    V1Service api = service("api", "ClusterIP", null, Map.of("app", "api"));
    V1Ingress shop = ingress("shop", "true", "qcloud", "api", "missing");
    V1Ingress other = ingress("other", null, "qcloud", "plain");
    Map<String, V1Service> byName = Map.of("web", web, "plain", plain, "api", api);

    List<DirectAccessFrontend> frontends =
        rules.frontends(List.of(web, plain, api), List.of(shop, other), byName::get);

    assertThat(frontends)
        .containsExactly(
            new DirectAccessFrontend(
                DirectAccessFrontend.Kind.SERVICE, "web", "web", Map.of("app", "web")),
            new DirectAccessFrontend(
                DirectAccessFrontend.Kind.INGRESS, "shop", "api", Map.of("app", "api")));
    assertThat(frontends.get(1).describe()).isEqualTo("Ingress shop (Service api)");
    assertThat(frontends.get(0).selects(Map.of("app", "web", "pod-template-hash", "abc"))).isTrue();
  }
}
