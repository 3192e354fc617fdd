package io.clbdirect.core;

import static io.clbdirect.core.DirectAccessRulesTest.ingress;
import static io.clbdirect.core.DirectAccessRulesTest.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Direct access asked for, not asked for, or asked for in a way clb-direct cannot serve: never
 * silently ignored.
 */
class DirectAccessRequestTest {

  private final DirectAccessRules rules = new DirectAccessRules(ControllerScope.defaults());

  @ParameterizedTest(name = "type {0}, value [{1}], class [{2}] -> {3} {4}")
  @CsvSource(
      nullValues = "null",
      value = {
        "LoadBalancer, true,    null,              DIRECT_ACCESS, null",
        "LoadBalancer, ' TRUE ', null,             DIRECT_ACCESS, null",
        "LoadBalancer, true,    clb-direct.io/clb, DIRECT_ACCESS, null",
        "null,         true,    null,              UNSERVABLE,    UNSUPPORTED_SERVICE_TYPE",
        "LoadBalancer, null,    null,              NOT_REQUESTED, null",
        "LoadBalancer, false,   null,              NOT_REQUESTED, null",
        "LoadBalancer, False,   null,              NOT_REQUESTED, null",
        "LoadBalancer, maybe,   null,              UNSERVABLE,    INVALID_VALUE",
        "LoadBalancer, yes,     null,              UNSERVABLE,    INVALID_VALUE",
        "LoadBalancer, '',      null,              UNSERVABLE,    INVALID_VALUE",
        "LoadBalancer, 1,       null,              UNSERVABLE,    INVALID_VALUE",
        "ClusterIP,    true,    null,              UNSERVABLE,    UNSUPPORTED_SERVICE_TYPE",
        "NodePort,     true,    null,              UNSERVABLE,    UNSUPPORTED_SERVICE_TYPE",
        "ExternalName, true,    null,              UNSERVABLE,    UNSUPPORTED_SERVICE_TYPE",
        "ClusterIP,    false,   null,              NOT_REQUESTED, null",
        "ClusterIP,    null,    null,              NOT_REQUESTED, null",
        "ClusterIP,    maybe,   null,              UNSERVABLE,    INVALID_VALUE",
        "LoadBalancer, true,    service.k8s.aws/nlb, NOT_REQUESTED, null",
        "LoadBalancer, maybe,   service.k8s.aws/nlb, NOT_REQUESTED, null",
      })
  void services(
      String type,
      String value,
      String loadBalancerClass,
      DirectAccessRequest.Verdict verdict,
      DirectAccessRequest.Problem problem) {
    V1Service service = service("web", type, value, Map.of("app", "web"));
    service.getSpec().setLoadBalancerClass(loadBalancerClass);

    DirectAccessRequest request = rules.classify(service);

    assertThat(request.verdict()).isEqualTo(verdict);
    assertThat(request.problem()).isEqualTo(problem);
    assertThat(rules.isDirectAccessService(service))
        .isEqualTo(verdict == DirectAccessRequest.Verdict.DIRECT_ACCESS);
  }

  @ParameterizedTest(name = "value [{0}], class [{1}], classless claimed {2} -> {3} {4}")
  @CsvSource(
      nullValues = "null",
      value = {
        "true,  qcloud, true,  DIRECT_ACCESS, null",
        "TRUE,  null,   true,  DIRECT_ACCESS, null",
        "true,  nginx,  true,  UNSERVABLE,    INGRESS_CLASS_NOT_SERVED",
        "true,  null,   false, UNSERVABLE,    INGRESS_CLASS_NOT_SERVED",
        "false, nginx,  true,  NOT_REQUESTED, null",
        "null,  nginx,  true,  NOT_REQUESTED, null",
        "null,  qcloud, true,  NOT_REQUESTED, null",
        "maybe, qcloud, true,  UNSERVABLE,    INVALID_VALUE",
        "maybe, nginx,  true,  UNSERVABLE,    INVALID_VALUE",
      })
  void ingresses(
      String value,
      String ingressClass,
      boolean claimClassless,
      DirectAccessRequest.Verdict verdict,
      DirectAccessRequest.Problem problem) {
    DirectAccessRules scoped =
        new DirectAccessRules(
            new ControllerScope(
                ControllerScope.DEFAULT_LOAD_BALANCER_CLASS, Set.of("qcloud"), claimClassless));
    V1Ingress ingress = ingress("shop", value, ingressClass, "web");

    DirectAccessRequest request = scoped.classify(ingress);

    assertThat(request.verdict()).isEqualTo(verdict);
    assertThat(request.problem()).isEqualTo(problem);
    assertThat(scoped.isDirectAccessIngress(ingress))
        .isEqualTo(verdict == DirectAccessRequest.Verdict.DIRECT_ACCESS);
  }

  @Test
  void messagesSayWhatWasExpected() {
    assertThat(rules.classify(service("web", "LoadBalancer", "maybe", Map.of())).message())
        .isEqualTo(
            "service.cloud.tencent.com/direct-access is \"maybe\", expected \"true\" or \"false\"; the Service is not "
                + "direct-access until it is \"true\". Nothing is bound");
    assertThat(rules.classify(service("web", "NodePort", "true", Map.of())).message())
        .isEqualTo(
            "service.cloud.tencent.com/direct-access is \"true\" on a Service of type NodePort, but only a Service of type "
                + "LoadBalancer gets a load balancer; change the type to LoadBalancer or remove the annotation. Nothing is bound");
    assertThat(rules.classify(ingress("shop", "maybe", "qcloud", "web")).message())
        .startsWith(
            "ingress.cloud.tencent.com/direct-access is \"maybe\", expected \"true\" or \"false\"; the Ingress");
    assertThat(rules.classify(ingress("shop", "true", "nginx", "web")).message())
        .contains(
            "this Ingress is of class nginx and clb-direct serves [qcloud] (clb-direct.ingress-classes)");
    V1Ingress legacy = ingress("shop", "true", null, "web");
    legacy.getMetadata().getAnnotations().put(WellKnown.INGRESS_CLASS_ANNOTATION, "nginx");
    assertThat(rules.classify(legacy).problem())
        .isEqualTo(DirectAccessRequest.Problem.INGRESS_CLASS_NOT_SERVED);
  }

  @Test
  void eachProblemHasItsOwnEventReason() {
    assertThat(DirectAccessRequest.Problem.INVALID_VALUE.eventReason())
        .isEqualTo("InvalidDirectAccessValue");
    assertThat(DirectAccessRequest.Problem.UNSUPPORTED_SERVICE_TYPE.eventReason())
        .isEqualTo("DirectAccessUnsupportedType");
    assertThat(DirectAccessRequest.Problem.INGRESS_CLASS_NOT_SERVED.eventReason())
        .isEqualTo("IngressClassNotServed");
    assertThatThrownBy(
            () -> new DirectAccessRequest(DirectAccessRequest.Verdict.UNSERVABLE, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new DirectAccessRequest(
                    DirectAccessRequest.Verdict.DIRECT_ACCESS,
                    DirectAccessRequest.Problem.INVALID_VALUE,
                    "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedObjectsAreNotRequests() {
    assertThat(rules.classify((V1Service) null)).isEqualTo(DirectAccessRequest.NOT_REQUESTED);
    assertThat(rules.classify((V1Ingress) null)).isEqualTo(DirectAccessRequest.NOT_REQUESTED);
    assertThat(rules.classify(new V1Service())).isEqualTo(DirectAccessRequest.NOT_REQUESTED);
  }
}
