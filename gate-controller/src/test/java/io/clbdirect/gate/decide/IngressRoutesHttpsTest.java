package io.clbdirect.gate.decide;

import static io.clbdirect.gate.decide.IngressRoutesTest.backend;
import static io.clbdirect.gate.decide.IngressRoutesTest.ingress;
import static io.clbdirect.gate.decide.IngressRoutesTest.path;
import static io.clbdirect.gate.decide.IngressRoutesTest.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import io.clbdirect.gate.decide.IngressRoutes.Scheme;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressTLS;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class IngressRoutesHttpsTest {

  private static final String VIP = "127.100.0.1";
  private static final Function<String, String> ALL_USABLE = secret -> null;

  private static V1Ingress twoHosts() {
    return ingress(
        rule("a.example.com", path("/", "Prefix", backend("a", 80, null))),
        rule("b.example.com", path("/", "Prefix", backend("b", 80, null))));
  }

  @Test
  void withoutTlsEveryRuleIsHttpAndWithTlsEveryRuleIsHttpsWithItsHostsSecret() {
    assertThat(IngressRoutes.of(twoHosts(), VIP, ALL_USABLE).routes())
        .extracting(r -> r.rule().scheme())
        .containsOnly(Scheme.HTTP);

    V1Ingress tls = twoHosts();
    tls.getSpec()
        .addTlsItem(new V1IngressTLS().secretName("a-cert").addHostsItem("a.example.com"))
        .addTlsItem(new V1IngressTLS().secretName("any-cert"));
    IngressRoutes routes = IngressRoutes.of(tls, VIP, ALL_USABLE);

    assertThat(routes.routes())
        .extracting(IngressRoutes.Route::rule, IngressRoutes.Route::tlsSecret)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                new RuleKey(Scheme.HTTPS, "a.example.com", "/"), "a-cert"),
            org.assertj.core.groups.Tuple.tuple(
                new RuleKey(Scheme.HTTPS, "b.example.com", "/"), "any-cert"));
    assertThat(routes.certificateProblems()).isEmpty();
  }

  @Test
  void aHostWithoutAUsableCertificateIsNotServedAndNamedWhileTheOthersAre() {
    V1Ingress ingress = twoHosts();
    ingress
        .getSpec()
        .addTlsItem(new V1IngressTLS().secretName("a-cert").addHostsItem("a.example.com"))
        .addTlsItem(new V1IngressTLS().secretName("b-cert").addHostsItem("b.example.com"));

    IngressRoutes routes =
        IngressRoutes.of(
            ingress,
            VIP,
            secret -> secret.equals("b-cert") ? "Secret shop/b-cert is missing" : null);

    assertThat(routes.routes())
        .extracting(IngressRoutes.Route::rule)
        .containsExactly(new RuleKey(Scheme.HTTPS, "a.example.com", "/"));
    assertThat(routes.certificateProblems())
        .containsExactly(
            "host b.example.com has no certificate: Secret shop/b-cert is missing; it is not served over HTTPS");

    V1Ingress uncovered = twoHosts();
    uncovered
        .getSpec()
        .addTlsItem(new V1IngressTLS().secretName("a-cert").addHostsItem("a.example.com"));
    assertThat(IngressRoutes.of(uncovered, VIP, ALL_USABLE).certificateProblems())
        .containsExactly(
            "host b.example.com has no certificate: no spec.tls entry covers it; it is not served over HTTPS");
  }

  @Test
  void ruleMixTakesTheRulesFromTheAnnotationsAndNamesSpecPathsTheyLeaveOut() {
    V1Ingress ingress = twoHosts();
    ingress.getSpec().addTlsItem(new V1IngressTLS().secretName("cert"));
    ingress
        .getMetadata()
        .annotations(
            Map.of(
                RuleMixAnnotations.RULE_MIX,
                "true",
                RuleMixAnnotations.HTTP_RULES,
                "[{\"host\":\"a.example.com\",\"path\":\"/\",\"backend\":{\"serviceName\":\"a\",\"servicePort\":\"80\"}}]",
                RuleMixAnnotations.HTTPS_RULES,
                "[{\"host\":\"a.example.com\",\"path\":\"/\",\"backend\":{\"serviceName\":\"a\",\"servicePort\":\"80\"}}]"));

    IngressRoutes routes = IngressRoutes.of(ingress, VIP, ALL_USABLE);

    assertThat(routes.routes())
        .extracting(IngressRoutes.Route::rule)
        .containsExactly(
            new RuleKey(Scheme.HTTP, "a.example.com", "/"),
            new RuleKey(Scheme.HTTPS, "a.example.com", "/"));
    assertThat(routes.problems())
        .singleElement()
        .asString()
        .startsWith("path b.example.com/ of spec.rules is in neither");
  }

  @Test
  void autoRewriteRedirectsHttpsDomainsThatHaveNoHttpRulesOfTheirOwn() {
    V1Ingress ingress = twoHosts();
    ingress.getSpec().addTlsItem(new V1IngressTLS().secretName("cert"));
    ingress.getMetadata().annotations(Map.of(IngressRoutes.AUTO_REWRITE, "true"));

    assertThat(IngressRoutes.of(ingress, VIP, ALL_USABLE).redirects())
        .containsExactlyInAnyOrder("a.example.com", "b.example.com");

    V1Ingress plain = twoHosts();
    plain.getMetadata().annotations(Map.of(IngressRoutes.AUTO_REWRITE, "true"));
    IngressRoutes nothing = IngressRoutes.of(plain, VIP, ALL_USABLE);
    assertThat(nothing.redirects()).isEmpty();
    assertThat(nothing.problems()).singleElement().asString().contains("nothing to redirect to");
  }

  @Test
  void ruleKeysRoundTripThroughTheirRecordedForm() {
    for (RuleKey key :
        new RuleKey[] {
          new RuleKey("a.example.com", "/api"), new RuleKey(Scheme.HTTPS, "a.example.com", "/")
        }) {
      assertThat(RuleKey.parse(key.toString())).isEqualTo(key);
    }
    assertThat(new RuleKey(Scheme.HTTPS, "a.example.com", "/").toString())
        .isEqualTo("https://a.example.com/");
    assertThat(RuleKey.parse("no-slash")).isNull();
  }
}
