package io.clbdirect.webhook.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.core.ControllerScope;
import io.clbdirect.core.DirectAccessFrontend;
import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.core.NetworkMode;
import io.clbdirect.core.WellKnown;
import io.clbdirect.webhook.mutation.TopologySnapshot;
import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.openapi.models.V1ConfigMap;
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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Uses client-java's own informer cache type, filled by hand, so no API server is involved. */
class InformerDirectAccessTopologyTest {

  private final DirectAccessRules rules = new DirectAccessRules(ControllerScope.defaults());
  private final Cache<V1Service> services = new Cache<>();
  private final Cache<V1Ingress> ingresses = new Cache<>();
  private final Cache<V1ConfigMap> configMaps = new Cache<>();

  InformerDirectAccessTopologyTest() {
    services.addIndexers(InformerDirectAccessTopology.serviceIndexers(rules));
    ingresses.addIndexers(InformerDirectAccessTopology.ingressIndexers(rules));
  }

  private InformerDirectAccessTopology topology(NetworkMode mode) {
    return new InformerDirectAccessTopology(
        () -> true, services, ingresses, configMaps, rules, mode);
  }

  static V1Service service(String ns, String name, boolean directAccess, String app) {
    Map<String, String> annotations = new HashMap<>();
    if (directAccess) {
      annotations.put(WellKnown.SERVICE_DIRECT_ACCESS, "true");
    }
    return new V1Service()
        .metadata(new V1ObjectMeta().namespace(ns).name(name).annotations(annotations))
        .spec(
            new V1ServiceSpec()
                .type(directAccess ? "LoadBalancer" : "ClusterIP")
                .selector(Map.of("app", app)));
  }

  static V1Ingress ingress(String ns, String name, String backend) {
    return new V1Ingress()
        .metadata(
            new V1ObjectMeta()
                .namespace(ns)
                .name(name)
                .annotations(Map.of(WellKnown.INGRESS_DIRECT_ACCESS, "true")))
        .spec(
            new V1IngressSpec()
                .addRulesItem(
                    new V1IngressRule()
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
                                                        .name(backend)))))));
  }

  @Test
  void snapshotHoldsOnlyTheNamespacesDirectAccessFrontends() {
    services.add(service("shop", "web", true, "web"));
    services.add(service("shop", "api", false, "api"));
    services.add(service("shop", "db", false, "db"));
    services.add(service("other", "web", true, "other-web"));
    ingresses.add(ingress("shop", "gateway", "api"));
    ingresses.add(ingress("other", "gateway", "missing"));

    TopologySnapshot snapshot = topology(NetworkMode.VPC_CNI).snapshot("shop");

    assertThat(snapshot.frontends())
        .extracting(DirectAccessFrontend::describe)
        .containsExactly("Service web", "Ingress gateway (Service api)");
    // The other namespace's Ingress points at a Service that does not exist: nothing to select
    // with.
    assertThat(topology(NetworkMode.VPC_CNI).snapshot("other").frontends())
        .singleElement()
        .extracting(DirectAccessFrontend::selector)
        .isEqualTo(Map.of("app", "other-web"));
    assertThat(topology(NetworkMode.VPC_CNI).snapshot("empty").frontends()).isEmpty();
  }

  @Test
  void indexFollowsUpdatesAndDeletes() {
    V1Service web = service("shop", "web", true, "web");
    services.add(web);
    V1Service nowPlain = service("shop", "web", false, "web");
    services.update(nowPlain);
    assertThat(topology(NetworkMode.VPC_CNI).snapshot("shop").frontends()).isEmpty();

    services.update(web);
    assertThat(topology(NetworkMode.VPC_CNI).snapshot("shop").frontends()).hasSize(1);
    services.delete(web);
    assertThat(topology(NetworkMode.VPC_CNI).snapshot("shop").frontends()).isEmpty();
  }

  @Test
  void globalRouteSwitchIsReadLiveFromTkesConfigMap() {
    assertThat(topology(NetworkMode.MIXED).snapshot("shop").globalRouteDirectAccess()).isFalse();

    V1ConfigMap config =
        new V1ConfigMap()
            .metadata(
                new V1ObjectMeta().namespace("kube-system").name("tke-service-controller-config"))
            .data(Map.of("GlobalRouteDirectAccess", "true"));
    configMaps.add(config);
    assertThat(topology(NetworkMode.MIXED).snapshot("shop").globalRouteDirectAccess()).isTrue();

    configMaps.update(
        new V1ConfigMap()
            .metadata(config.getMetadata())
            .data(Map.of("GlobalRouteDirectAccess", "false")));
    assertThat(topology(NetworkMode.MIXED).snapshot("shop").globalRouteDirectAccess()).isFalse();

    configMaps.update(new V1ConfigMap().metadata(config.getMetadata()));
    assertThat(topology(NetworkMode.MIXED).snapshot("shop").globalRouteDirectAccess()).isFalse();
  }
}
