package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.core.WellKnown;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredBackendsTest {

  static V1Pod pod(String name, String ip, boolean ready) {
    return new V1Pod()
        .metadata(new V1ObjectMeta().name(name).namespace("shop"))
        .spec(
            new V1PodSpec()
                .addReadinessGatesItem(
                    new V1PodReadinessGate().conditionType(WellKnown.READINESS_GATE))
                .addContainersItem(
                    new V1Container()
                        .name("app")
                        .addPortsItem(new V1ContainerPort().name("http").containerPort(8080))))
        .status(
            new V1PodStatus()
                .phase("Running")
                .podIP(ip)
                .addConditionsItem(new V1PodCondition().type("ContainersReady").status("True"))
                .addConditionsItem(
                    new V1PodCondition().type("Ready").status(ready ? "True" : "False")));
  }

  static V1Service service(Map<String, String> annotations) {
    return new V1Service()
        .metadata(new V1ObjectMeta().name("web").namespace("shop").annotations(annotations))
        .spec(
            new V1ServiceSpec()
                .type("LoadBalancer")
                .addPortsItem(
                    new V1ServicePort()
                        .name("http")
                        .port(80)
                        .protocol("TCP")
                        .targetPort(new IntOrString("http")))
                .addPortsItem(
                    new V1ServicePort()
                        .name("admin")
                        .port(9000)
                        .protocol("TCP")
                        .targetPort(new IntOrString(9001))));
  }

  @Test
  void everyServingPodOnEveryListenerWithResolvedTargetPorts() {
    DesiredBackends desired =
        DesiredBackends.of(
            service(Map.of()),
            List.of(pod("a", "10.0.0.1", true), pod("b", "10.0.0.2", false)),
            "lb-1",
            Map.of(80, "lbl-80", 9000, "lbl-9000"));

    assertThat(desired.targets().get(new BackendGroup("lb-1", "lbl-80", null)))
        .containsOnly(
            Map.entry(new TargetAddress("10.0.0.1", 8080), 10),
            Map.entry(new TargetAddress("10.0.0.2", 8080), 10));
    assertThat(desired.targets().get(new BackendGroup("lb-1", "lbl-9000", null)))
        .containsKeys(new TargetAddress("10.0.0.1", 9001), new TargetAddress("10.0.0.2", 9001));
    assertThat(desired.bindings().get("shop/b"))
        .extracting(Binding::listenerId)
        .containsExactly("lbl-80", "lbl-9000");
  }

  @Test
  void terminatingPodsDrainOrLeaveAndNeedNoGate() {
    V1Pod leaving = pod("c", "10.0.0.3", true);
    leaving.getMetadata().setDeletionTimestamp(OffsetDateTime.now());

    DesiredBackends graceful =
        DesiredBackends.of(
            service(Map.of(GracefulTermination.GRACE_SHUTDOWN_ANNOTATION, "true")),
            List.of(leaving),
            "lb-1",
            Map.of(80, "lbl-80", 9000, "lbl-9000"));
    assertThat(graceful.targets().get(new BackendGroup("lb-1", "lbl-80", null)))
        .containsOnly(Map.entry(new TargetAddress("10.0.0.3", 8080), 0));
    assertThat(graceful.bindings()).isEmpty();

    DesiredBackends plain =
        DesiredBackends.of(
            service(Map.of()), List.of(leaving), "lb-1", Map.of(80, "lbl-80", 9000, "lbl-9000"));
    assertThat(plain.targets().get(new BackendGroup("lb-1", "lbl-80", null))).isEmpty();
  }

  @Test
  void terminatingPodsAreNotedByTargetForTheDeletionLatencyEitherWay() {
    V1Pod leaving = pod("c", "10.0.0.3", true);
    OffsetDateTime deleted = OffsetDateTime.parse("2026-12-02T10:00:00Z");
    // As the API server writes a graceful delete: the timestamp is the kill deadline, the call plus
    // the grace period.
    leaving
        .getMetadata()
        .deletionTimestamp(deleted.plusSeconds(30))
        .deletionGracePeriodSeconds(30L);
    TerminatingPod expected = new TerminatingPod("shop/c", deleted.toInstant());
    for (Map<String, String> annotations :
        List.of(
            Map.<String, String>of(),
            Map.of(GracefulTermination.GRACE_SHUTDOWN_ANNOTATION, "true"))) {
      DesiredBackends desired =
          DesiredBackends.of(
              service(annotations),
              List.of(leaving, pod("a", "10.0.0.1", true)),
              "lb-1",
              Map.of(80, "lbl-80", 9000, "lbl-9000"));
      assertThat(desired.terminating())
          .as("annotations %s", annotations)
          .containsOnly(
              Map.entry(new TargetAddress("10.0.0.3", 8080), expected),
              Map.entry(new TargetAddress("10.0.0.3", 9001), expected));
    }
  }

  @Test
  void missingLoadBalancerOrListenerShowsInTheBindings() {
    DesiredBackends noLb =
        DesiredBackends.of(service(Map.of()), List.of(pod("a", "10.0.0.1", false)), null, Map.of());
    assertThat(noLb.targets()).isEmpty();
    assertThat(noLb.bindings().get("shop/a")).allSatisfy(b -> assertThat(b.group()).isNull());

    BackendObservation observed =
        HealthState.observe(noLb.bindings().get("shop/a").get(0), Map.of(), null);
    assertThat(observed.state()).isEqualTo(BackendObservation.State.LISTENER_MISSING);
    BackendObservation failed =
        HealthState.observe(noLb.bindings().get("shop/a").get(0), Map.of(), "LimitExceeded");
    assertThat(failed.state())
        .as("the code says why it is missing")
        .isEqualTo(BackendObservation.State.API_ERROR);
    assertThat(failed.detail()).isEqualTo("LimitExceeded");
  }

  @Test
  void healthMapsToObservations() {
    Binding binding =
        new Binding(
            "Service web",
            "lb-1",
            "lbl-80",
            new BackendGroup("lb-1", "lbl-80", null),
            new TargetAddress("10.0.0.1", 8080));
    Map<BackendGroup, Map<TargetAddress, HealthState>> health =
        Map.of(binding.group(), Map.of(binding.target(), HealthState.ALIVE));

    assertThat(HealthState.observe(binding, health, null).state())
        .isEqualTo(BackendObservation.State.HEALTH_ALIVE);
    assertThat(HealthState.observe(binding, Map.of(), null).state())
        .isEqualTo(BackendObservation.State.NOT_BOUND);
    assertThat(HealthState.observe(binding, health, "InternalError").state())
        .isEqualTo(BackendObservation.State.API_ERROR);
    assertThat(HealthState.of("Alive", false))
        .as("the Boolean is authoritative")
        .isEqualTo(HealthState.DEAD);
    assertThat(HealthState.of(null, true)).isEqualTo(HealthState.ALIVE);
    assertThat(HealthState.of("Unknown", true)).isEqualTo(HealthState.UNKNOWN);
  }

  @Test
  void namedTargetPortThePodDoesNotDeclareIsSkipped() {
    V1Pod other = pod("x", "10.0.0.9", true);
    other.getSpec().getContainers().get(0).getPorts().get(0).setName("metrics");
    assertThat(TargetPorts.resolve(service(Map.of()).getSpec().getPorts().get(0), other)).isNull();
    assertThat(TargetPorts.resolve(new V1ServicePort().port(80), other)).isEqualTo(80);
  }

  @Test
  void ingressRulesHoldTheirBackendServicesPodsOnTheNamedPort() {
    io.kubernetes.client.openapi.models.V1Ingress ingress =
        IngressRoutesTest.ingress(
            IngressRoutesTest.rule(
                "shop.example.com",
                IngressRoutesTest.path(
                    "/", "Prefix", IngressRoutesTest.backend("web", null, "http"))),
            IngressRoutesTest.rule(
                "admin.example.com",
                IngressRoutesTest.path(
                    "/", "Prefix", IngressRoutesTest.backend("web", 9000, null))));
    IngressRoutes routes = IngressRoutes.of(ingress, "10.0.0.9");
    IngressRoutes.RuleKey shop = new IngressRoutes.RuleKey("shop.example.com", "/");
    IngressRoutes.RuleKey admin = new IngressRoutes.RuleKey("admin.example.com", "/");
    V1Service web = service(Map.of());
    List<V1Pod> pods = List.of(pod("a", "10.0.0.1", true), pod("b", "10.0.0.2", false));

    DesiredBackends desired =
        DesiredBackends.ofIngress(
            ingress,
            routes,
            name -> name.equals("web") ? web : null,
            s -> pods,
            "lb-1",
            Map.of(IngressRoutes.Scheme.HTTP, "lbl-80"),
            Map.of(shop, "loc-shop"));

    assertThat(desired.targets()).containsOnlyKeys(new BackendGroup("lb-1", "lbl-80", "loc-shop"));
    assertThat(desired.targets().get(new BackendGroup("lb-1", "lbl-80", "loc-shop")))
        .containsOnlyKeys(new TargetAddress("10.0.0.1", 8080), new TargetAddress("10.0.0.2", 8080));
    assertThat(desired.bindings().get("shop/b"))
        .extracting(Binding::frontend)
        .containsExactly("Ingress shop (shop.example.com/)", "Ingress shop (admin.example.com/)");
    assertThat(desired.bindings().get("shop/b").get(1).group())
        .as("the admin rule does not exist yet")
        .isNull();
    assertThat(HealthState.observe(desired.bindings().get("shop/b").get(1), Map.of(), null).state())
        .isEqualTo(BackendObservation.State.LISTENER_MISSING);
    assertThat(admin.toString()).isEqualTo("admin.example.com/");
  }

  @Test
  void aDeletionWithoutGracePeriodCountsFromItsTimestamp() {
    V1Pod leaving = pod("c", "10.0.0.3", true);
    OffsetDateTime deleted = OffsetDateTime.parse("2026-12-02T10:00:00Z");
    leaving.getMetadata().setDeletionTimestamp(deleted);
    DesiredBackends desired =
        DesiredBackends.of(service(Map.of()), List.of(leaving), "lb-1", Map.of(80, "lbl-80"));
    assertThat(desired.terminating().get(new TargetAddress("10.0.0.3", 8080)))
        .isEqualTo(new TerminatingPod("shop/c", deleted.toInstant()));
  }

  @Test
  void graceDeletionFromTheClusterDefaultDrainsUnlessTheServiceSaysFalse() {
    V1Pod leaving = pod("c", "10.0.0.3", true);
    leaving.getMetadata().setDeletionTimestamp(OffsetDateTime.now());
    BackendGroup l80 = new BackendGroup("lb-1", "lbl-80", null);
    Map<Integer, String> listeners = Map.of(80, "lbl-80", 9000, "lbl-9000");

    V1Service plain = service(Map.of());
    DesiredBackends byDefault =
        DesiredBackends.of(
            plain,
            List.of(leaving),
            "lb-1",
            listeners,
            GracefulTermination.of(
                FrontendAnnotations.SERVICE, plain.getMetadata().getAnnotations(), true));
    assertThat(byDefault.targets().get(l80))
        .containsOnly(Map.entry(new TargetAddress("10.0.0.3", 8080), 0));

    V1Service off = service(Map.of(GracefulTermination.GRACE_DELETION_ANNOTATION, "false"));
    DesiredBackends overridden =
        DesiredBackends.of(
            off,
            List.of(leaving),
            "lb-1",
            listeners,
            GracefulTermination.of(
                FrontendAnnotations.SERVICE, off.getMetadata().getAnnotations(), true));
    assertThat(overridden.targets().get(l80)).isEmpty();

    assertThat(DesiredBackends.of(plain, List.of(leaving), "lb-1", listeners).targets().get(l80))
        .as("the short form takes the cluster default as off")
        .isEmpty();
  }

  @Test
  void ingressGraceDeletionAnnotationDrains() {
    io.kubernetes.client.openapi.models.V1Ingress ingress =
        IngressRoutesTest.ingress(
            IngressRoutesTest.rule(
                "shop.example.com",
                IngressRoutesTest.path("/", "Prefix", IngressRoutesTest.backend("web", 80, null))));
    ingress
        .getMetadata()
        .setAnnotations(Map.of(GracefulTermination.INGRESS_GRACE_DELETION_ANNOTATION, "true"));
    V1Pod leaving = pod("c", "10.0.0.3", true);
    leaving.getMetadata().setDeletionTimestamp(OffsetDateTime.now());
    IngressRoutes.RuleKey shop = new IngressRoutes.RuleKey("shop.example.com", "/");

    DesiredBackends desired =
        DesiredBackends.ofIngress(
            ingress,
            IngressRoutes.of(ingress, "10.0.0.9"),
            name -> service(Map.of()),
            s -> List.of(leaving),
            "lb-1",
            Map.of(IngressRoutes.Scheme.HTTP, "lbl-80"),
            Map.of(shop, "loc-shop"),
            GracefulTermination.of(
                FrontendAnnotations.INGRESS, ingress.getMetadata().getAnnotations(), false));

    assertThat(desired.targets().get(new BackendGroup("lb-1", "lbl-80", "loc-shop")))
        .containsOnly(Map.entry(new TargetAddress("10.0.0.3", 8080), 0));
  }

  @Test
  void ingressGraceShutdownAnnotationDrains() {
    io.kubernetes.client.openapi.models.V1Ingress ingress =
        IngressRoutesTest.ingress(
            IngressRoutesTest.rule(
                "shop.example.com",
                IngressRoutesTest.path("/", "Prefix", IngressRoutesTest.backend("web", 80, null))));
    ingress
        .getMetadata()
        .setAnnotations(Map.of(GracefulTermination.INGRESS_GRACE_SHUTDOWN_ANNOTATION, "true"));
    V1Pod leaving = pod("c", "10.0.0.3", true);
    leaving.getMetadata().setDeletionTimestamp(OffsetDateTime.now());
    IngressRoutes.RuleKey shop = new IngressRoutes.RuleKey("shop.example.com", "/");

    DesiredBackends desired =
        DesiredBackends.ofIngress(
            ingress,
            IngressRoutes.of(ingress, "10.0.0.9"),
            name -> service(Map.of()),
            s -> List.of(leaving),
            "lb-1",
            Map.of(IngressRoutes.Scheme.HTTP, "lbl-80"),
            Map.of(shop, "loc-shop"));

    assertThat(desired.targets().get(new BackendGroup("lb-1", "lbl-80", "loc-shop")))
        .containsOnly(Map.entry(new TargetAddress("10.0.0.3", 8080), 0));
  }
}
