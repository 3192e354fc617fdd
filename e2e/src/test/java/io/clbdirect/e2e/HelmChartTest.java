package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.clbdirect.e2e.helm.Helm;
import io.clbdirect.e2e.helm.Normalised;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import io.clbdirect.e2e.manifests.ApiResource;
import io.clbdirect.e2e.manifests.Kustomization;
import io.clbdirect.e2e.manifests.Rendered;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart (charts/clb-direct) with real helm, no cluster: {@code helm lint} passes, the
 * default values render exactly the objects of manifests/ (one source of truth, checked rather than
 * generated: the chart stays readable), every value reaches the field it documents, and values
 * clb-direct would refuse at start-up are refused at render time. HelmInstallEndToEndTest takes the
 * chart to the API server.
 */
class HelmChartTest {

  static final String RELEASE = "clb-direct";
  static final String SYSTEM = "clb-direct-system";

  static Helm helm;
  static Path chart;
  static String chartVersion;

  @BeforeAll
  static void resolveHelm() throws IOException {
    Path repository = ControlPlaneExtension.repository();
    helm = Helm.resolve(repository);
    chart = repository.resolve("charts/clb-direct");
    chartVersion =
        Files.readAllLines(chart.resolve("Chart.yaml")).stream()
            .filter(line -> line.startsWith("version:"))
            .map(line -> line.substring("version:".length()).strip())
            .findFirst()
            .orElseThrow();
  }

  static List<JsonObject> template(String namespace, String... values) {
    return helm.template(chart, RELEASE, namespace, List.of(values));
  }

  @Test
  void helmLintPassesAndWouldCatchABrokenTemplate(@TempDir Path scratch) throws IOException {
    for (List<String> values :
        List.of(
            List.<String>of(),
            List.of(
                "--set",
                "metrics.podMonitor.enabled=true,metrics.podAnnotations=true,"
                    + "podDisruptionBudget.enabled=false,gateController.enabled=false"))) {
      List<String> arguments = new ArrayList<>(List.of("lint", "--strict", chart.toString()));
      arguments.addAll(values);
      String output = helm.run(Duration.ofMinutes(1), arguments).stdoutOrFail(arguments);
      assertThat(output).contains("1 chart(s) linted, 0 chart(s) failed");
    }

    // The same lint on a copy with one unbalanced action fails: the check above can fail.
    Path broken = scratch.resolve("clb-direct");
    try (Stream<Path> files = Files.walk(chart)) {
      for (Path file : files.toList()) {
        Path target = broken.resolve(chart.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    Files.writeString(
        broken.resolve("templates/service.yaml"),
        Files.readString(broken.resolve("templates/service.yaml")) + "{{ end }}\n");
    Helm.Result result =
        helm.run(Duration.ofMinutes(1), List.of("lint", "--strict", broken.toString()));
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stdout() + result.stderr()).contains("service.yaml");
  }

  /**
   * {@code helm template} with the default values, for the namespace manifests/ names, against
   * {@code kustomize build manifests/}: the same objects, field for field, once Helm's own labels
   * and config checksum are checked and set aside ({@link Normalised}). The one object only the
   * kustomization has is the Namespace: {@code helm install --create-namespace} makes it, and a
   * chart must not own its release's namespace (Helm keeps the release record in it).
   */
  @Test
  void defaultValuesRenderTheObjectsOfTheKustomization() {
    List<JsonObject> kustomized =
        Kustomization.render(ControlPlaneExtension.repository().resolve("manifests"));
    Rendered helmRendered = new Rendered(template(SYSTEM));
    String settings =
        helmRendered
            .one("ConfigMap", "clb-direct-config")
            .getAsJsonObject("data")
            .get("application.yaml")
            .getAsString();

    Map<String, JsonObject> expected = new TreeMap<>();
    for (JsonObject object : kustomized) {
      if (!Rendered.kind(object).equals("Namespace")) {
        expected.put(Kustomization.id(object), Normalised.withParsedSettings(object));
      }
    }
    assertThat(new Rendered(kustomized).one("Namespace", SYSTEM)).isNotNull();
    assertThat(kustomized).hasSize(expected.size() + 1);
    Map<String, JsonObject> actual = new TreeMap<>();
    for (JsonObject object : helmRendered.objects()) {
      actual.put(
          Kustomization.id(object), Normalised.fromHelm(object, RELEASE, chartVersion, settings));
    }

    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (String id : expected.keySet()) {
      // Gson compares JSON objects without regard to key order, arrays in order.
      assertThat(actual.get(id))
          .as(id + ": chart (normalised) vs manifests/")
          .isEqualTo(expected.get(id));
    }
    System.out.printf(
        "HELM default values render the %d objects of manifests/ (Namespace aside)%n",
        actual.size());
  }

  /** Each value of values.yaml changes the field it documents, and only for its release. */
  @Test
  void everyValueReachesTheFieldItDocuments() {
    String namespace = "team-lb";
    Rendered objects =
        new Rendered(
            template(
                namespace,
                "--set",
                String.join(
                    ",",
                    "replicaCount=3",
                    "image.repository=registry.example.com/team/clb-direct",
                    "image.tag=1.2.3",
                    "image.pullPolicy=Always",
                    "gateController.enabled=false",
                    "gateController.clusterName=cls-abcd1234",
                    "clb.region=ap-shanghai",
                    "clb.vpcId=vpc-abc123",
                    "clb.credentialsSecret=team-clb-key",
                    "webhook.failurePolicy=Fail",
                    "webhook.timeoutSeconds=5",
                    "webhook.namespaceSelector.optOutLabel=example.com/no-clb",
                    "networkMode=mixed",
                    "metrics.podAnnotations=true",
                    "metrics.podMonitor.enabled=true",
                    "metrics.podMonitor.interval=15s",
                    "metrics.podMonitor.labels.release=prometheus",
                    "podDisruptionBudget.minAvailable=2",
                    "nodeSelector.pool=system",
                    "javaToolOptions=-XX:MaxRAMPercentage=40"),
                "--set-json",
                "resources={\"requests\":{\"cpu\":\"500m\",\"memory\":\"600Mi\"},"
                    + "\"limits\":{\"memory\":\"800Mi\"}}",
                "--set-json",
                "tolerations=[{\"key\":\"dedicated\",\"operator\":\"Exists\"}]",
                "--set-json",
                "imagePullSecrets=[{\"name\":\"registry-key\"}]",
                "--set-json",
                "extraConfig={\"clb-direct\":{\"gate-controller\":{\"mode\":\"continuous\"},"
                    + "\"clb\":{\"region\":\"ignored\",\"endpoint\":\"clb.internal.tencentcloudapi.com\"}},"
                    + "\"logging\":{\"level\":{\"io.clbdirect\":\"debug\"}}}"));

    JsonObject deployment = objects.one("Deployment", "clb-direct");
    JsonObject podSpec = Rendered.podSpec(deployment);
    JsonObject container = Rendered.container(deployment);
    assertThat(deployment.getAsJsonObject("spec").get("replicas").getAsInt()).isEqualTo(3);
    assertThat(container.get("image").getAsString())
        .isEqualTo("registry.example.com/team/clb-direct:1.2.3");
    assertThat(container.get("imagePullPolicy").getAsString()).isEqualTo("Always");
    assertThat(container.getAsJsonObject("resources").toString())
        .isEqualTo(
            "{\"limits\":{\"memory\":\"800Mi\"},\"requests\":{\"cpu\":\"500m\",\"memory\":\"600Mi\"}}");
    assertThat(podSpec.getAsJsonArray("imagePullSecrets").toString())
        .isEqualTo("[{\"name\":\"registry-key\"}]");
    assertThat(podSpec.getAsJsonObject("nodeSelector").toString())
        .isEqualTo("{\"pool\":\"system\"}");
    assertThat(podSpec.getAsJsonArray("tolerations").toString())
        .isEqualTo("[{\"key\":\"dedicated\",\"operator\":\"Exists\"}]");
    Map<String, JsonObject> env = Rendered.env(container);
    for (String variable : List.of("CLB_DIRECT_CLB_SECRET_ID", "CLB_DIRECT_CLB_SECRET_KEY")) {
      assertThat(
              env.get(variable)
                  .getAsJsonObject("valueFrom")
                  .getAsJsonObject("secretKeyRef")
                  .get("name")
                  .getAsString())
          .isEqualTo("team-clb-key");
    }
    assertThat(env.get("JAVA_TOOL_OPTIONS").get("value").getAsString())
        .isEqualTo("-XX:MaxRAMPercentage=40");
    assertThat(
            Rendered.strings(
                deployment
                    .getAsJsonObject("spec")
                    .getAsJsonObject("template")
                    .getAsJsonObject("metadata")
                    .getAsJsonObject("annotations")))
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "8080")
        .containsEntry("prometheus.io/path", "/actuator/prometheus");

    // The settings clb-direct reads: the dedicated values, extraConfig under them.
    String settings =
        objects
            .one("ConfigMap", "clb-direct-config")
            .getAsJsonObject("data")
            .get("application.yaml")
            .getAsString();
    // JSON objects compare without regard to key order (toYaml sorts the keys).
    assertThat(Normalised.settings(settings))
        .isEqualTo(
            Normalised.settings(
                """
                clb-direct:
                  network-mode: mixed
                  gate-controller:
                    enabled: false
                    cluster-name: cls-abcd1234
                    mode: continuous
                  clb:
                    region: ap-shanghai
                    vpc-id: vpc-abc123
                    endpoint: clb.internal.tencentcloudapi.com
                  bootstrap:
                    failure-policy: Fail
                    timeout-seconds: 5
                    opt-out-label: example.com/no-clb
                logging:
                  level:
                    io.clbdirect: debug
                """));

    JsonObject pdb = objects.one("PodDisruptionBudget", "clb-direct");
    assertThat(pdb.getAsJsonObject("spec").get("minAvailable").getAsInt()).isEqualTo(2);
    JsonObject podMonitor = objects.one("PodMonitor", "clb-direct");
    assertThat(Rendered.strings(podMonitor.getAsJsonObject("metadata").getAsJsonObject("labels")))
        .containsEntry("release", "prometheus");
    JsonObject endpoint =
        podMonitor
            .getAsJsonObject("spec")
            .getAsJsonArray("podMetricsEndpoints")
            .get(0)
            .getAsJsonObject();
    assertThat(endpoint.get("port").getAsString()).isEqualTo("management");
    assertThat(endpoint.get("path").getAsString()).isEqualTo("/actuator/prometheus");
    assertThat(endpoint.get("interval").getAsString()).isEqualTo("15s");
    assertThat(
            podMonitor
                .getAsJsonObject("spec")
                .getAsJsonObject("namespaceSelector")
                .getAsJsonArray("matchNames")
                .toString())
        .isEqualTo("[\"team-lb\"]");

    // The release namespace everywhere, but for TKE's switch, which only exists in kube-system.
    for (JsonObject object : objects.objects()) {
      String objectNamespace = ApiResource.namespace(object);
      if (objectNamespace != null) {
        assertThat(objectNamespace)
            .as(Kustomization.id(object))
            .isEqualTo(
                ApiResource.name(object).equals("clb-direct-tke-config")
                    ? "kube-system"
                    : namespace);
      }
      if (Rendered.kind(object).endsWith("Binding")) {
        assertThat(object.getAsJsonArray("subjects").toString())
            .as(Kustomization.id(object))
            .isEqualTo(
                "[{\"kind\":\"ServiceAccount\",\"name\":\"clb-direct\",\"namespace\":\"team-lb\"}]");
      }
    }

    // Off switches.
    Rendered without =
        new Rendered(template(namespace, "--set", "podDisruptionBudget.enabled=false"));
    assertThat(without.ofKind("PodDisruptionBudget")).isEmpty();
    assertThat(without.ofKind("PodMonitor")).isEmpty();
    assertThat(without.ofKind("Deployment")).hasSize(1);
  }

  /**
   * What clb-direct refuses at start-up, or what is a typo, is refused by the chart's schema when
   * rendering, naming the value.
   */
  @Test
  void valuesClbDirectWouldRefuseAreRefusedAtRenderTime() {
    Map<String, String> refusals =
        Map.of(
            "webhook.failurePolicy=Sometimes", "/webhook/failurePolicy",
            "webhook.timeoutSeconds=0", "/webhook/timeoutSeconds",
            "webhook.timeoutSeconds=31", "/webhook/timeoutSeconds",
            "networkMode=calico", "/networkMode",
            "replicaCount=0", "/replicaCount",
            "replicas=3", "replicas");
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      Helm.Result result =
          helm.run(
              Duration.ofMinutes(1),
              List.of("template", RELEASE, chart.toString(), "--set", refusal.getKey()));
      assertThat(result.exitCode()).as(refusal.getKey()).isNotZero();
      assertThat(result.stderr()).as(refusal.getKey()).contains(refusal.getValue());
    }
    // The same command with an accepted value renders: the refusals are the values', not the
    // command's.
    assertThat(
            helm.run(
                    Duration.ofMinutes(1),
                    List.of(
                        "template",
                        RELEASE,
                        chart.toString(),
                        "--set",
                        "webhook.timeoutSeconds=30"))
                .exitCode())
        .isZero();
  }
}
