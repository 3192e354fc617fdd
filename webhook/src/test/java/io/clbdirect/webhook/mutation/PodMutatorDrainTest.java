package io.clbdirect.webhook.mutation;

import static io.clbdirect.core.DirectAccessFrontend.Kind.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonParser;
import io.clbdirect.core.DirectAccessFrontend;
import io.clbdirect.core.NetworkMode;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The preStop drain, case by case: mutate, apply the patch to the original Pod with an independent
 * RFC 6902 implementation (Parsson), compare with the expected Pod and warnings, then mutate the
 * result again and expect no patch.
 */
class PodMutatorDrainTest {

  private static final DirectAccessFrontend WEB =
      new DirectAccessFrontend(SERVICE, "web", "web", Map.of("app", "web"));
  private static final String GATE =
      "{\"conditionType\":\"cloud.tencent.com/load-balancer-backendgroup-ready\"}";
  private static final String SLEEP_10 = "{\"sleep\":{\"seconds\":10}}";
  private static final DrainSettings ON = DrainSettings.DEFAULTS;

  record Case(
      String name,
      DrainSettings drain,
      NetworkMode mode,
      String pod,
      String expectedPod,
      List<String> warnings) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case drained(String name, String pod, String expected, String... warnings) {
    return new Case(name, ON, NetworkMode.VPC_CNI, pod, expected, List.of(warnings));
  }

  /** A gated Pod of the given containers (and extra spec members), as the API server sends it. */
  static String web(String specMembers) {
    return "{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{" + specMembers + "}}";
  }

  static String webGated(String specMembers) {
    return "{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{"
        + specMembers
        + ",\"readinessGates\":["
        + GATE
        + "]}}";
  }

  static Stream<Case> cases() {
    return Stream.of(
        drained(
            "no hook: the whole lifecycle is added",
            web("\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            webGated(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":"
                    + SLEEP_10
                    + "}}]")),
        drained(
            "every regular container gets one; explicit null lifecycle replaced",
            web(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\"},{\"name\":\"d\",\"image\":\"j\",\"lifecycle\":null}]"),
            webGated(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":"
                    + SLEEP_10
                    + "}},"
                    + "{\"name\":\"d\",\"image\":\"j\",\"lifecycle\":{\"preStop\":"
                    + SLEEP_10
                    + "}}]")),
        drained(
            "user's preStop is kept as written; the other container is drained",
            web(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":{\"exec\":{\"command\":[\"/bin/drain\"]}}}},"
                    + "{\"name\":\"d\",\"image\":\"j\"}]"),
            webGated(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":{\"exec\":{\"command\":[\"/bin/drain\"]}}}},"
                    + "{\"name\":\"d\",\"image\":\"j\",\"lifecycle\":{\"preStop\":"
                    + SLEEP_10
                    + "}}]")),
        drained(
            "user's own sleep of another length is kept",
            web(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":{\"sleep\":{\"seconds\":3}}}}]"),
            webGated(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":{\"sleep\":{\"seconds\":3}}}}]")),
        drained(
            "existing lifecycle with postStart: preStop added beside it",
            web(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"postStart\":{\"httpGet\":{\"path\":\"/warm\",\"port\":8080}}}}]"),
            webGated(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{"
                    + "\"postStart\":{\"httpGet\":{\"path\":\"/warm\",\"port\":8080}},\"preStop\":"
                    + SLEEP_10
                    + "}}]")),
        drained(
            "empty lifecycle and explicit null preStop",
            web(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{}},{\"name\":\"d\",\"image\":\"j\",\"lifecycle\":{\"preStop\":null}}]"),
            webGated(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":"
                    + SLEEP_10
                    + "}},"
                    + "{\"name\":\"d\",\"image\":\"j\",\"lifecycle\":{\"preStop\":"
                    + SLEEP_10
                    + "}}]")),
        drained(
            "init containers and native sidecars are left alone",
            web(
                "\"initContainers\":[{\"name\":\"setup\",\"image\":\"s\"},{\"name\":\"proxy\",\"image\":\"p\",\"restartPolicy\":\"Always\"}],"
                    + "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            webGated(
                "\"initContainers\":[{\"name\":\"setup\",\"image\":\"s\"},{\"name\":\"proxy\",\"image\":\"p\",\"restartPolicy\":\"Always\"}],"
                    + "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":"
                    + SLEEP_10
                    + "}}]")),
        drained(
            "gate already present (Pod behind a direct-access Service): drained all the same",
            webGated("\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            webGated(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":"
                    + SLEEP_10
                    + "}}]")),
        drained(
            "opted out by annotation: the gate only",
            "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"annotations\":{\"clb-direct.io/drain\":\" False \"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
            "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"annotations\":{\"clb-direct.io/drain\":\" False \"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}],\"readinessGates\":["
                + GATE
                + "]}}"),
        drained(
            "annotation \"true\" is the default, no warning",
            "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"annotations\":{\"clb-direct.io/drain\":\"true\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
            "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"annotations\":{\"clb-direct.io/drain\":\"true\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":"
                + SLEEP_10
                + "}}],"
                + "\"readinessGates\":["
                + GATE
                + "]}}"),
        drained(
            "unparsable annotation: drained as by default, and a warning",
            "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"annotations\":{\"clb-direct.io/drain\":\"off\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
            "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"annotations\":{\"clb-direct.io/drain\":\"off\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":"
                + SLEEP_10
                + "}}],"
                + "\"readinessGates\":["
                + GATE
                + "]}}",
            "clb-direct.io/drain: \"off\" is neither \"true\" nor \"false\""),
        new Case(
            "setting off: the gate only",
            DrainSettings.OFF,
            NetworkMode.VPC_CNI,
            web("\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            webGated("\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            List.of()),
        new Case(
            "drain length comes from the setting",
            new DrainSettings(true, 17),
            NetworkMode.VPC_CNI,
            web("\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            webGated(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":{\"sleep\":{\"seconds\":17}}}}]"),
            List.of()),
        drained(
            "not selected by a direct-access frontend: nothing",
            "{\"metadata\":{\"labels\":{\"app\":\"other\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
            "{\"metadata\":{\"labels\":{\"app\":\"other\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}"),
        drained(
            "whole webhook opted out (clb-direct.io/inject: false): nothing",
            "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"annotations\":{\"clb-direct.io/inject\":\"false\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
            "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"annotations\":{\"clb-direct.io/inject\":\"false\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}"),
        new Case(
            "not gated (global-router, switch off): nothing but the existing warning",
            ON,
            NetworkMode.GLOBAL_ROUTER,
            web("\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            web("\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            List.of("direct access is unavailable")),
        drained(
            "hostNetwork: nothing but the existing warning",
            web("\"hostNetwork\":true,\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            web("\"hostNetwork\":true,\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            "hostNetwork Pods cannot"),
        drained(
            "grace period longer than the drain: no warning",
            web(
                "\"terminationGracePeriodSeconds\":11,\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            webGated(
                "\"terminationGracePeriodSeconds\":11,\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":"
                    + SLEEP_10
                    + "}}]")),
        drained(
            "grace period equal to the drain: drained, warned with both numbers",
            web(
                "\"terminationGracePeriodSeconds\":10,\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            webGated(
                "\"terminationGracePeriodSeconds\":10,\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":"
                    + SLEEP_10
                    + "}}]"),
            "terminationGracePeriodSeconds (10 s) is not longer than the drain (10 s)"),
        drained(
            "grace period shorter: the sleep is cut to it (the API server rejects a longer one), warned",
            web(
                "\"terminationGracePeriodSeconds\":4,\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            webGated(
                "\"terminationGracePeriodSeconds\":4,\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":{\"sleep\":{\"seconds\":4}}}}]"),
            "terminationGracePeriodSeconds (4 s) is not longer than the drain (10 s): the containers would be killed as the 4 s preStop sleep ends"),
        drained(
            "grace period 0: no hook, warned",
            web(
                "\"terminationGracePeriodSeconds\":0,\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            webGated(
                "\"terminationGracePeriodSeconds\":0,\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            "terminationGracePeriodSeconds (0 s) leaves no time for the 10 s drain"),
        drained(
            "short grace period but every container has its own hook: no warning",
            web(
                "\"terminationGracePeriodSeconds\":2,\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":{\"sleep\":{\"seconds\":1}}}}]"),
            webGated(
                "\"terminationGracePeriodSeconds\":2,\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":{\"sleep\":{\"seconds\":1}}}}]")),
        drained(
            "already has the injected hook and the gate: no patch at all",
            webGated(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":"
                    + SLEEP_10
                    + "}}]"),
            webGated(
                "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":"
                    + SLEEP_10
                    + "}}]")),
        new Case(
            "mixed mode: gate, ENI and drain in one patch",
            ON,
            NetworkMode.MIXED,
            web("\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]"),
            "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"annotations\":{\"tke.cloud.tencent.com/networks\":\"tke-route-eni\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"lifecycle\":{\"preStop\":"
                + SLEEP_10
                + "},"
                + "\"resources\":{\"requests\":{\"tke.cloud.tencent.com/eni-ip\":\"1\"},\"limits\":{\"tke.cloud.tencent.com/eni-ip\":\"1\"}}}],"
                + "\"readinessGates\":["
                + GATE
                + "]}}",
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void producesTheExpectedPodAndWarningsAndIsIdempotent(Case c) {
    PodMutator mutator = new PodMutator(c.drain());
    TopologySnapshot snapshot = new TopologySnapshot(List.of(WEB), c.mode(), false);

    PodMutation mutation = mutator.mutate(pod(c.pod()), snapshot);

    assertThat(mutation.patch()).allSatisfy(op -> assertThat(op.op()).isEqualTo("add"));
    JsonObject patched = apply(c.pod(), mutation.patch());
    assertThat(patched).isEqualTo(jakarta(c.expectedPod()));
    assertThat(mutation.warnings()).hasSameSizeAs(c.warnings());
    for (int i = 0; i < c.warnings().size(); i++) {
      assertThat(mutation.warnings().get(i))
          .startsWith("clb-direct: ")
          .contains(c.warnings().get(i));
    }
    PodMutation second = mutator.mutate(pod(patched.toString()), snapshot);
    assertThat(second.patch()).as("second pass over the mutated Pod").isEmpty();
  }

  @org.junit.jupiter.api.Test
  void pathsAddTheWholeLifecycleOrOnlyThePreStop() {
    PodMutation mutation =
        new PodMutator(ON)
            .mutate(
                pod(
                    webGated(
                        "\"containers\":[{\"name\":\"a\",\"image\":\"i\"},{\"name\":\"b\",\"image\":\"i\",\"lifecycle\":{\"postStart\":{\"sleep\":{\"seconds\":1}}}}]")),
                new TopologySnapshot(List.of(WEB), NetworkMode.VPC_CNI, false));
    assertThat(mutation.patch())
        .extracting(PatchOperation::path)
        .containsExactly("/spec/containers/0/lifecycle", "/spec/containers/1/lifecycle/preStop");
  }

  @org.junit.jupiter.api.Test
  void theGracePeriodWarningNamesTheFixes() {
    PodMutation mutation =
        new PodMutator(ON)
            .mutate(
                pod(
                    web(
                        "\"terminationGracePeriodSeconds\":5,\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]")),
                new TopologySnapshot(List.of(WEB), NetworkMode.VPC_CNI, false));
    assertThat(mutation.warnings())
        .singleElement()
        .asString()
        .contains("(5 s)", "(10 s)", "set it above 10", "clb-direct.io/drain: \"false\"")
        .hasSizeLessThanOrEqualTo(256);
  }

  @org.junit.jupiter.api.Test
  void aDrainShorterThanOneSecondIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DrainSettings(true, 0))
        .hasMessageContaining("clb-direct.webhook.drain.seconds");
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
    return Json.createReader(new StringReader(json)).readValue().asJsonObject();
  }
}
