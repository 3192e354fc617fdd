package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1HTTPIngressRuleValue;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressBackend;
import io.kubernetes.client.openapi.models.V1IngressRule;
import io.kubernetes.client.openapi.models.V1IngressServiceBackend;
import io.kubernetes.client.openapi.models.V1IngressSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ServiceBackendPort;
import io.kubernetes.client.openapi.models.V1TypedLocalObjectReference;
import org.junit.jupiter.api.Test;

class IngressRoutesTest {

  static V1IngressBackend backend(String service, Integer number, String name) {
    return new V1IngressBackend()
        .service(
            new V1IngressServiceBackend()
                .name(service)
                .port(new V1ServiceBackendPort().number(number).name(name)));
  }

  static V1HTTPIngressPath path(String path, String type, V1IngressBackend backend) {
    return new V1HTTPIngressPath().path(path).pathType(type).backend(backend);
  }

  static V1Ingress ingress(V1IngressRule... rules) {
    V1IngressSpec spec = new V1IngressSpec();
    for (V1IngressRule rule : rules) {
      spec.addRulesItem(rule);
    }
    return new V1Ingress().metadata(new V1ObjectMeta().name("shop").namespace("shop")).spec(spec);
  }

  static V1IngressRule rule(String host, V1HTTPIngressPath... paths) {
    V1HTTPIngressRuleValue http = new V1HTTPIngressRuleValue();
    for (V1HTTPIngressPath path : paths) {
      http.addPathsItem(path);
    }
    return new V1IngressRule().host(host).http(http);
  }

  @Test
  void oneRoutePerHostAndPathWithTheVipForHostlessRules() {
    V1Ingress ingress =
        ingress(
            rule(
                "shop.example.com",
                path("/", "Prefix", backend("web", 80, null)),
                path("/api", "ImplementationSpecific", backend("api", null, "http"))),
            rule(null, path("/static", "Prefix", backend("web", 80, null))));

    IngressRoutes routes = IngressRoutes.of(ingress, "127.100.0.1");

    assertThat(routes.problems()).isEmpty();
    assertThat(routes.routes())
        .extracting(IngressRoutes.Route::rule)
        .containsExactly(
            new RuleKey("shop.example.com", "/"),
            new RuleKey("shop.example.com", "/api"),
            new RuleKey("127.100.0.1", "/static"));
    assertThat(routes.routes().get(1))
        .isEqualTo(
            new IngressRoutes.Route(
                new RuleKey("shop.example.com", "/api"), "api", null, "http", null));
  }

  @Test
  void defaultBackendBecomesTheVipCatchAllUnlessShadowed() {
    V1Ingress ingress =
        ingress(rule("a.example.com", path("/", "Prefix", backend("web", 80, null))));
    ingress.getSpec().setDefaultBackend(backend("fallback", 8080, null));
    assertThat(IngressRoutes.of(ingress, "10.0.0.9").routes())
        .extracting(IngressRoutes.Route::rule)
        .containsExactly(new RuleKey("a.example.com", "/"), new RuleKey("10.0.0.9", "/"));

    V1Ingress shadowed = ingress(rule(null, path("/", "Prefix", backend("web", 80, null))));
    shadowed.getSpec().setDefaultBackend(backend("fallback", 8080, null));
    IngressRoutes routes = IngressRoutes.of(shadowed, "10.0.0.9");
    assertThat(routes.routes()).extracting(IngressRoutes.Route::serviceName).containsExactly("web");
    assertThat(routes.problems())
        .containsExactly(
            "the default backend is shadowed by the host-less path / and is not served");
  }

  @Test
  void exactPathsResourceBackendsAndRepeatsAreReportedNotServed() {
    V1Ingress ingress =
        ingress(
            rule(
                "a.example.com",
                path("/exact", "Exact", backend("web", 80, null)),
                path(
                    "/bucket",
                    "Prefix",
                    new V1IngressBackend()
                        .resource(new V1TypedLocalObjectReference().kind("Bucket").name("b"))),
                path("/x", "Prefix", backend("web", 80, null)),
                path("/x", "Prefix", backend("other", 80, null))));

    IngressRoutes routes = IngressRoutes.of(ingress, "10.0.0.9");

    assertThat(routes.routes())
        .extracting(IngressRoutes.Route::rule)
        .containsExactly(new RuleKey("a.example.com", "/x"));
    assertThat(routes.problems())
        .containsExactly(
            "path a.example.com/exact has pathType Exact, which a CLB URL rule (a prefix) cannot express; it is not served",
            "a.example.com/bucket has no Service backend with a port (resource backends are not supported); it is not served",
            "a.example.com/x repeats a host and path already routed to Service web; the first wins");
  }
}
