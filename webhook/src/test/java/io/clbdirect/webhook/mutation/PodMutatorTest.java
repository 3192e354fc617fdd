package io.clbdirect.webhook.mutation;

import static io.clbdirect.core.DirectAccessFrontend.Kind.INGRESS;
import static io.clbdirect.core.DirectAccessFrontend.Kind.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonParser;
import io.clbdirect.core.DirectAccessFrontend;
import io.clbdirect.core.NetworkMode;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case: mutate the Pod, apply the produced JSON patch to the original Pod JSON with an
 * independent RFC 6902 implementation (Parsson), compare with the expected Pod, then mutate the
 * result again and expect no patch (idempotence).
 */
class PodMutatorTest {

  private static final DirectAccessFrontend WEB =
      new DirectAccessFrontend(SERVICE, "web", "web", Map.of("app", "web"));
  private static final DirectAccessFrontend SHOP_API =
      new DirectAccessFrontend(INGRESS, "shop", "api", Map.of("app", "api"));
  private static final List<DirectAccessFrontend> FRONTENDS = List.of(WEB, SHOP_API);

  private static final String GATE =
      "{\"conditionType\":\"cloud.tencent.com/load-balancer-backendgroup-ready\"}";

  /** The drain has its own table (PodMutatorDrainTest); here the gate and ENI rules alone. */
  private final PodMutator mutator = new PodMutator(DrainSettings.OFF);

  record Case(
      String name,
      NetworkMode mode,
      boolean globalRoute,
      String pod,
      String expectedPod,
      String expectedWarning) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case changed(String name, NetworkMode mode, boolean gr, String pod, String expected) {
    return new Case(name, mode, gr, pod, expected, null);
  }

  static Case unchanged(String name, NetworkMode mode, boolean gr, String pod, String warning) {
    return new Case(name, mode, gr, pod, pod, warning);
  }

  static Stream<Case> cases() {
    return Stream.of(
        unchanged(
            "not selected by any direct-access frontend",
            NetworkMode.VPC_CNI,
            false,
            """
            {"metadata":{"labels":{"app":"other"}},"spec":{"containers":[{"name":"c","image":"i"}]}}
            """,
            null),
        unchanged(
            "pod without labels",
            NetworkMode.MIXED,
            false,
            """
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i"}]}}
            """,
            null),
        changed(
            "selected by a Service: gate added where there were none",
            NetworkMode.VPC_CNI,
            false,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}]}}
            """,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}],
             "readinessGates":[%s]}}
            """
                .formatted(GATE)),
        changed(
            "selected through an Ingress backend",
            NetworkMode.VPC_CNI,
            false,
            """
            {"metadata":{"labels":{"app":"api","v":"2"}},"spec":{"containers":[{"name":"c","image":"i"}]}}
            """,
            """
            {"metadata":{"labels":{"app":"api","v":"2"}},"spec":{"containers":[{"name":"c","image":"i"}],
             "readinessGates":[%s]}}
            """
                .formatted(GATE)),
        changed(
            "user's own gates are kept and ours appended",
            NetworkMode.VPC_CNI,
            false,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}],
             "readinessGates":[{"conditionType":"example.com/warm"}]}}
            """,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}],
             "readinessGates":[{"conditionType":"example.com/warm"},%s]}}
            """
                .formatted(GATE)),
        changed(
            "empty gate list gets ours",
            NetworkMode.VPC_CNI,
            false,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}],"readinessGates":[]}}
            """,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}],"readinessGates":[%s]}}
            """
                .formatted(GATE)),
        unchanged(
            "gate already present",
            NetworkMode.VPC_CNI,
            false,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}],"readinessGates":[%s]}}
            """
                .formatted(GATE),
            null),
        changed(
            "mixed: no annotations, no resources -> gate, ENI annotation and resource",
            NetworkMode.MIXED,
            false,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"},{"name":"d","image":"j"}]}}
            """,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":{"tke.cloud.tencent.com/networks":"tke-route-eni"}},
             "spec":{"containers":[{"name":"c","image":"i",
                       "resources":{"requests":{"tke.cloud.tencent.com/eni-ip":"1"},"limits":{"tke.cloud.tencent.com/eni-ip":"1"}}},
                      {"name":"d","image":"j"}],
                     "readinessGates":[%s]}}
            """
                .formatted(GATE)),
        changed(
            "mixed: keys with / and ~ are escaped; existing requests kept, limits created",
            NetworkMode.MIXED,
            false,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":{"example.com/a~b":"x"}},
             "spec":{"containers":[{"name":"c","image":"i","resources":{"requests":{"cpu":"100m"}}}]}}
            """,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":{"example.com/a~b":"x","tke.cloud.tencent.com/networks":"tke-route-eni"}},
             "spec":{"containers":[{"name":"c","image":"i","resources":{
                        "requests":{"cpu":"100m","tke.cloud.tencent.com/eni-ip":"1"},
                        "limits":{"tke.cloud.tencent.com/eni-ip":"1"}}}],
                     "readinessGates":[%s]}}
            """
                .formatted(GATE)),
        changed(
            "mixed: empty resources object gets both maps",
            NetworkMode.MIXED,
            false,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":{}},
             "spec":{"containers":[{"name":"c","image":"i","resources":{}}]}}
            """,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":{"tke.cloud.tencent.com/networks":"tke-route-eni"}},
             "spec":{"containers":[{"name":"c","image":"i","resources":{
                        "requests":{"tke.cloud.tencent.com/eni-ip":"1"},"limits":{"tke.cloud.tencent.com/eni-ip":"1"}}}],
                     "readinessGates":[%s]}}
            """
                .formatted(GATE)),
        changed(
            "mixed: a sidecar already asks for an ENI IP, so no resource is added",
            NetworkMode.MIXED,
            false,
            """
            {"metadata":{"labels":{"app":"web"}},
             "spec":{"initContainers":[{"name":"proxy","image":"p","restartPolicy":"Always",
                                        "resources":{"limits":{"tke.cloud.tencent.com/eni-ip":"1"}}}],
                     "containers":[{"name":"c","image":"i"}]}}
            """,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":{"tke.cloud.tencent.com/networks":"tke-route-eni"}},
             "spec":{"initContainers":[{"name":"proxy","image":"p","restartPolicy":"Always",
                                        "resources":{"limits":{"tke.cloud.tencent.com/eni-ip":"1"}}}],
                     "containers":[{"name":"c","image":"i"}],
                     "readinessGates":[%s]}}
            """
                .formatted(GATE)),
        changed(
            "mixed: second container asks for it in limits only; annotation already right",
            NetworkMode.MIXED,
            false,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":{"tke.cloud.tencent.com/networks":"tke-route-eni"}},
             "spec":{"containers":[{"name":"c","image":"i"},
                                   {"name":"d","image":"j","resources":{"limits":{"tke.cloud.tencent.com/eni-ip":"1"}}}]}}
            """,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":{"tke.cloud.tencent.com/networks":"tke-route-eni"}},
             "spec":{"containers":[{"name":"c","image":"i"},
                                   {"name":"d","image":"j","resources":{"limits":{"tke.cloud.tencent.com/eni-ip":"1"}}}],
                     "readinessGates":[%s]}}
            """
                .formatted(GATE)),
        new Case(
            "mixed: user chose another network: gate only, a warning, annotation untouched",
            NetworkMode.MIXED,
            false,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":{"tke.cloud.tencent.com/networks":"tke-bridge"}},
             "spec":{"containers":[{"name":"c","image":"i"}]}}
            """,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":{"tke.cloud.tencent.com/networks":"tke-bridge"}},
             "spec":{"containers":[{"name":"c","image":"i"}],"readinessGates":[%s]}}
            """
                .formatted(GATE),
            "asks for network \"tke-bridge\""),
        changed(
            "mixed with GlobalRouteDirectAccess on: gate only",
            NetworkMode.MIXED,
            true,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}]}}
            """,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}],"readinessGates":[%s]}}
            """
                .formatted(GATE)),
        unchanged(
            "global-router with the switch off: no gate, a warning",
            NetworkMode.GLOBAL_ROUTER,
            false,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}]}}
            """,
            "direct access is unavailable in global-router mode"),
        changed(
            "global-router with the switch on: gate, no ENI",
            NetworkMode.GLOBAL_ROUTER,
            true,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}]}}
            """,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}],"readinessGates":[%s]}}
            """
                .formatted(GATE)),
        unchanged(
            "hostNetwork Pod: never mutated, warned",
            NetworkMode.MIXED,
            false,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"hostNetwork":true,"containers":[{"name":"c","image":"i"}]}}
            """,
            "hostNetwork Pods cannot be direct-access backends; Service web"),
        unchanged(
            "opted out by annotation",
            NetworkMode.MIXED,
            false,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":{"clb-direct.io/inject":"false"}},
             "spec":{"containers":[{"name":"c","image":"i"}]}}
            """,
            null),
        changed(
            "explicit nulls are treated as absent (add replaces the null)",
            NetworkMode.MIXED,
            false,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":null},
             "spec":{"readinessGates":null,"containers":[{"name":"c","image":"i","resources":{"requests":null}}]}}
            """,
            """
            {"metadata":{"labels":{"app":"web"},"annotations":{"tke.cloud.tencent.com/networks":"tke-route-eni"}},
             "spec":{"readinessGates":[%s],"containers":[{"name":"c","image":"i","resources":{
                        "requests":{"tke.cloud.tencent.com/eni-ip":"1"},"limits":{"tke.cloud.tencent.com/eni-ip":"1"}}}]}}
            """
                .formatted(GATE)),
        unchanged(
            "Pod with no containers is left to the API server to reject",
            NetworkMode.MIXED,
            false,
            """
            {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[]}}
            """,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void producesTheExpectedPodAndIsIdempotent(Case c) {
    TopologySnapshot snapshot = new TopologySnapshot(FRONTENDS, c.mode(), c.globalRoute());

    PodMutation mutation = mutator.mutate(pod(c.pod()), snapshot);

    JsonObject patched = apply(c.pod(), mutation.patch());
    assertThat(patched).isEqualTo(jakarta(c.expectedPod()));
    if (c.expectedWarning() == null) {
      assertThat(mutation.warnings()).isEmpty();
    } else {
      assertThat(mutation.warnings())
          .singleElement()
          .asString()
          .startsWith("clb-direct: ")
          .contains(c.expectedWarning());
    }
    PodMutation second = mutator.mutate(pod(patched.toString()), snapshot);
    assertThat(second.patch()).as("second pass over the mutated Pod").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void onlyEverAdds(Case c) {
    PodMutation mutation =
        mutator.mutate(pod(c.pod()), new TopologySnapshot(FRONTENDS, c.mode(), c.globalRoute()));
    assertThat(mutation.patch()).allSatisfy(op -> assertThat(op.op()).isEqualTo("add"));
  }

  private static AdmittedPod pod(String json) {
    return AdmittedPod.read(JsonParser.parseString(json));
  }

  private static JsonObject apply(String podJson, List<PatchOperation> patch) {
    JsonArray operations =
        Json.createReader(new StringReader(new Gson().toJson(patch))).readArray();
    return Json.createPatch(operations).apply(jakarta(podJson));
  }

  private static JsonObject jakarta(String json) {
    JsonValue value = Json.createReader(new StringReader(json)).readValue();
    return value.asJsonObject();
  }
}
