package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.clbdirect.e2e.app.ClbDirectProcess;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.helm.Helm;
import io.clbdirect.e2e.helm.Normalised;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.e2e.manifests.ApiResource;
import io.clbdirect.e2e.manifests.ForbiddenCalls;
import io.clbdirect.e2e.manifests.Kustomization;
import io.clbdirect.e2e.manifests.PodEnvironment;
import io.clbdirect.e2e.manifests.Rendered;
import io.clbdirect.e2e.manifests.ServerSideApply;
import io.clbdirect.e2e.manifests.ServiceAccountKubeconfig;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.emulator.Networks;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Helm chart on the real API server, with real helm: {@code helm template} output accepted by a
 * server-side dry run, then {@code helm install}, {@code helm upgrade} with changed values and
 * {@code helm uninstall}, as docs/operations.md shows them. In between clb-direct runs on what the
 * release installed, as ManifestsEndToEndTest runs it on manifests/: the Deployment's environment,
 * the ConfigMap's application.yaml and a token of the chart's ServiceAccount (there is no container
 * runtime, so the Deployment's own Pods are fake-kubelet stand-ins). It registers the webhook with
 * the chart's failurePolicy, timeout and opt-out label, gates a Pod behind a direct-access Service
 * through the CLB emulator, follows the upgrade's new timeout after the roll, and logs no 403.
 */
@ExtendWith(ControlPlaneExtension.class)
class HelmInstallEndToEndTest {

  static final String RELEASE = "clb-direct";

  /** Not manifests/' clb-direct-system: the chart follows the release namespace. */
  static final String NAMESPACE = "clb-direct-helm";

  static final String DRY_RUN_NAMESPACE = "helm-dry-run";
  static final String WORKLOAD = "helm-e2e-shop";
  static final String CONFIGURATION = "clb-direct";
  static final String CREDENTIALS = "clb-direct-clb-credentials";
  static final String OPT_OUT_LABEL = "helm-e2e.clb-direct.io/webhook";
  static final String GATE = "cloud.tencent.com/load-balancer-backendgroup-ready";
  static final String SECRET_ID = "AKIDhelm";
  static final String SECRET_KEY = "helm-secret";
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final Duration HELM_TIMEOUT = Duration.ofMinutes(2);

  static ControlPlane plane;
  static ApiClient admin;
  static Helm helm;
  static Path chart;
  static Path work;

  @BeforeAll
  static void setUp(ControlPlane controlPlane) throws Exception {
    plane = controlPlane;
    admin = plane.adminClient();
    helm = Helm.resolve(ControlPlaneExtension.repository());
    chart = ControlPlaneExtension.repository().resolve("charts/clb-direct");
    work = Files.createDirectories(plane.workDir().resolve("helm-e2e"));
  }

  @AfterAll
  static void tearDown() {
    if (admin != null) {
      Namespaces.deleteCreatedAndAwait(new CoreV1Api(admin));
    }
  }

  /**
   * What {@code helm template ... | kubectl apply --server-side --dry-run=server -f -} checks, with
   * the default values and with every optional part on but the PodMonitor (its CRD belongs to the
   * Prometheus Operator, which this cluster has not). A broken object is refused, so the check can
   * fail.
   */
  @Test
  void theRenderedChartIsAcceptedByAServerSideDryRun() throws ApiException {
    Namespaces.create(new CoreV1Api(admin), DRY_RUN_NAMESPACE);
    List<List<String>> valueSets =
        List.of(
            List.of(),
            List.of(
                "--set",
                "replicaCount=3,image.repository=registry.example.com/team/clb-direct,"
                    + "image.tag=1.2.3,gateController.enabled=false,webhook.failurePolicy=Fail,"
                    + "webhook.timeoutSeconds=30,metrics.podAnnotations=true,"
                    + "podDisruptionBudget.minAvailable=2,nodeSelector.pool=system",
                "--set-json",
                "tolerations=[{\"key\":\"dedicated\",\"operator\":\"Exists\"}]",
                "--set-json",
                "imagePullSecrets=[{\"name\":\"registry-key\"}]"));
    int accepted = 0;
    for (List<String> values : valueSets) {
      List<JsonObject> objects = helm.template(chart, RELEASE, DRY_RUN_NAMESPACE, values);
      assertThat(objects).hasSizeGreaterThanOrEqualTo(11);
      ServerSideApply.assertAllAccepted(admin, objects, true);
      accepted += objects.size();
    }

    JsonObject broken =
        new Rendered(helm.template(chart, RELEASE, DRY_RUN_NAMESPACE, List.of()))
            .one("Deployment", "clb-direct");
    broken.getAsJsonObject("spec").addProperty("replicas", -1);
    assertThat(ApiResource.apply(admin, broken, true).isSuccess())
        .as("a Deployment with replicas -1 is refused by the dry run")
        .isFalse();
    System.out.printf("HELM %d rendered objects accepted by a server-side dry run%n", accepted);
  }

  @Test
  void installUpgradeAndUninstallWithClbDirectRunningOnTheRelease() throws Exception {
    CoreV1Api core = new CoreV1Api(admin);
    AppsV1Api apps = new AppsV1Api(admin);
    ClbEmulator clb = null;
    ClbDirectProcess clbDirect = null;
    FakeKubelet kubelet = null;
    boolean installed = false;
    try {
      ClbEmulator emulator =
          ClbEmulator.start(
              EmulatorConfig.defaults(SECRET_ID, SECRET_KEY)
                  .withTaskDelay(Duration.ofMillis(200))
                  .withHealthTimeScale(0.1)
                  .withVipOctet(123));
      clb = emulator;

      // Install as docs/operations.md shows (--create-namespace instead of kubectl create
      // namespace), with the values a user sets; the CLB endpoint (the emulator, plain HTTP) goes
      // through extraConfig, so clb-direct runs on the chart's settings alone. Fail so that a
      // webhook that could not answer shows up as a failed Pod creation.
      long started = System.nanoTime();
      helmOk(
          "install",
          RELEASE,
          chart.toString(),
          "--namespace",
          NAMESPACE,
          "--create-namespace",
          "--set",
          "clb.vpcId="
              + Networks.CLUSTER_VPC
              + ",gateController.clusterName=helm-e2e"
              + ",webhook.failurePolicy=Fail,webhook.timeoutSeconds=7"
              + ",webhook.namespaceSelector.optOutLabel="
              + OPT_OUT_LABEL,
          "--set-json",
          "extraConfig={\"clb-direct\":{\"clb\":{\"endpoint\":\""
              + emulator.endpoint()
              + "\",\"https\":false}}}");
      installed = true;
      System.out.printf(
          "HELM install took %d ms%n", Duration.ofNanos(System.nanoTime() - started).toMillis());
      assertThat(release()).containsEntry("revision", "1").containsEntry("status", "deployed");
      Rendered revision1 = manifest();
      assertThat(revision1.objects()).hasSize(11);
      for (JsonObject object : revision1.objects()) {
        assertThat(exists(object)).as(Kustomization.id(object) + " installed").isTrue();
      }
      assertThat(exists(crd())).as("the CRD from crds/").isTrue();

      // The user's step: the CLB key in the Secret the chart names.
      core.createNamespacedSecret(
              NAMESPACE,
              new V1Secret()
                  .metadata(new V1ObjectMeta().name(CREDENTIALS))
                  .stringData(Map.of("secret-id", SECRET_ID, "secret-key", SECRET_KEY)))
          .execute();
      Path kubeconfig =
          ServiceAccountKubeconfig.write(
              admin, plane, NAMESPACE, "clb-direct", work.resolve("clb-direct-sa.kubeconfig"));
      clbDirect = start(revision1, kubeconfig, "clb-direct-helm-0", work.resolve("revision-1"));

      V1MutatingWebhook webhook = awaitWebhook(7);
      assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
      assertThat(webhook.getNamespaceSelector().getMatchExpressions())
          .anySatisfy(
              requirement -> {
                assertThat(requirement.getKey()).isEqualTo(OPT_OUT_LABEL);
                assertThat(requirement.getOperator()).isEqualTo("NotIn");
              })
          .anySatisfy(
              requirement ->
                  assertThat(requirement.getValues()).contains("kube-system", NAMESPACE));

      kubelet = new FakeKubelet(plane.adminClient(Duration.ZERO), "fake-node-helm", 26).start();
      Namespaces.create(core, WORKLOAD);
      core.createNamespacedService(WORKLOAD, Fixtures.directAccessService("web", "web")).execute();
      String lb =
          Await.until(
                  TIMEOUT,
                  "the Service's load balancer recorded",
                  () -> Unchecked.get(() -> core.readNamespacedService("web", WORKLOAD).execute()),
                  s -> ManifestsEndToEndTest.vip(s) != null)
              .getMetadata()
              .getAnnotations()
              .get("service.kubernetes.io/loadbalance-id");
      apps.createNamespacedDeployment(WORKLOAD, Fixtures.deployment("web", "web", 1)).execute();
      String first = awaitGatedAndReady(core, Set.of());

      // Upgrade with changed values: the ConfigMap and the Deployment change, and so does the
      // config checksum that rolls the Pods on a cluster.
      String checksum = podTemplateChecksum(apps);
      helmOk(
          "upgrade",
          RELEASE,
          chart.toString(),
          "--namespace",
          NAMESPACE,
          "--reuse-values",
          "--set",
          "webhook.timeoutSeconds=3,replicaCount=3");
      assertThat(release()).containsEntry("revision", "2").containsEntry("status", "deployed");
      V1Deployment deployment = apps.readNamespacedDeployment("clb-direct", NAMESPACE).execute();
      assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
      assertThat(podTemplateChecksum(apps)).isNotEqualTo(checksum);
      JsonObject settings =
          Normalised.settings(
                  core.readNamespacedConfigMap("clb-direct-config", NAMESPACE)
                      .execute()
                      .getData()
                      .get("application.yaml"))
              .getAsJsonObject()
              .getAsJsonObject("clb-direct");
      assertThat(settings.getAsJsonObject("bootstrap").get("timeout-seconds").getAsInt())
          .isEqualTo(3);
      assertThat(settings.getAsJsonObject("bootstrap").get("failure-policy").getAsString())
          .as("--reuse-values keeps what the install set")
          .isEqualTo("Fail");

      // The roll, as the Deployment would do it: a replica on revision 2's objects replaces the
      // old one, and its bootstrapper brings the registration to the new timeout.
      assertThat(ForbiddenCalls.in(work.resolve("revision-1/clb-direct.log")))
          .as("revision 1's clb-direct log shows a call its RBAC refused")
          .isEmpty();
      clbDirect.close();
      clbDirect = null; // not closed again in finally should the next start fail
      clbDirect = start(manifest(), kubeconfig, "clb-direct-helm-1", work.resolve("revision-2"));
      assertThat(awaitWebhook(3).getFailurePolicy()).isEqualTo("Fail");
      // The new replica gates too: a replacement Pod goes Ready through the CLB.
      core.deleteNamespacedPod(first, WORKLOAD).execute();
      awaitGatedAndReady(core, Set.of(first));

      // Uninstall as docs/operations.md says: frontends first, while clb-direct runs.
      core.deleteNamespacedService("web", WORKLOAD).execute();
      Await.until(
          TIMEOUT,
          "the Service released and its load balancer deleted",
          () ->
              ManifestsEndToEndTest.gone(
                      () -> core.readNamespacedService("web", WORKLOAD).execute())
                  && !GateControllerEndToEndTest.loadBalancerExists(emulator, lb),
          done -> done);
      assertThat(ForbiddenCalls.in(work.resolve("revision-2/clb-direct.log")))
          .as("revision 2's clb-direct log shows a call its RBAC refused")
          .isEmpty();
      assertThat(Files.readString(work.resolve("revision-2/clb-direct.log")))
          .as("the log checked is a working clb-direct's")
          .contains("leads clb-direct-gate-controller");
      // helm uninstall deletes the Deployment, which stops its replicas; the process stands for
      // them, so it stops first (its RBAC goes with the release).
      clbDirect.close();
      clbDirect = null;
      helmOk("uninstall", RELEASE, "--namespace", NAMESPACE);
      installed = false;
      new AdmissionregistrationV1Api(admin)
          .deleteMutatingWebhookConfiguration(CONFIGURATION)
          .execute();
      assertThat(releases()).isEmpty();
      for (JsonObject object : revision1.objects()) {
        Await.until(TIMEOUT, Kustomization.id(object) + " deleted", () -> exists(object), e -> !e);
      }
      assertThat(exists(crd())).as("Helm never deletes what crds/ installed").isTrue();
    } finally {
      // Each step runs even if one before it fails; a failure here never hides the test's own.
      ClbDirectProcess startedClbDirect = clbDirect;
      FakeKubelet startedKubelet = kubelet;
      ClbEmulator startedClb = clb;
      boolean stillInstalled = installed;
      // The frontend first, while clb-direct runs; then the workload's namespace while the kubelet
      // runs, so that it ends the Pods (the class doc of Namespaces says why).
      ManifestsEndToEndTest.quietly(() -> releaseWorkload(core));
      ManifestsEndToEndTest.quietly(() -> Namespaces.deleteCreatedAndAwait(core));
      ManifestsEndToEndTest.quietly(
          () -> {
            if (stillInstalled) {
              helm.run(HELM_TIMEOUT, helmArguments("uninstall", RELEASE, "--namespace", NAMESPACE));
            }
          });
      ManifestsEndToEndTest.quietly(
          () -> {
            if (startedClbDirect != null) {
              startedClbDirect.close();
            }
          });
      ManifestsEndToEndTest.quietly(
          () ->
              ManifestsEndToEndTest.ignoreNotFound(
                  () ->
                      new AdmissionregistrationV1Api(admin)
                          .deleteMutatingWebhookConfiguration(CONFIGURATION)
                          .execute()));
      ManifestsEndToEndTest.quietly(
          () -> {
            ManifestsEndToEndTest.ignoreNotFound(() -> core.deleteNamespace(NAMESPACE).execute());
            Await.until(
                Namespaces.DELETION_BOUND,
                "namespace " + NAMESPACE + " deleted",
                () -> Namespaces.read(core, NAMESPACE),
                ns -> ns == null);
          });
      ManifestsEndToEndTest.quietly(
          () -> {
            if (startedKubelet != null) {
              startedKubelet.close();
            }
          });
      ManifestsEndToEndTest.quietly(
          () -> {
            if (startedClb != null) {
              startedClb.close();
            }
          });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // helm against this cluster

  static List<String> helmArguments(String... arguments) {
    List<String> all = new ArrayList<>(List.of(arguments));
    all.addAll(List.of("--kubeconfig", plane.adminKubeconfig().toString()));
    return all;
  }

  static String helmOk(String... arguments) {
    List<String> all = helmArguments(arguments);
    return helm.run(HELM_TIMEOUT, all).stdoutOrFail(all);
  }

  /** {@code helm list} in the release namespace, as JSON. */
  static JsonArray releases() {
    return JsonParser.parseString(helmOk("list", "--namespace", NAMESPACE, "--output", "json"))
        .getAsJsonArray();
  }

  static Map<String, String> release() {
    JsonArray all = releases();
    assertThat(all).hasSize(1);
    JsonObject release = all.get(0).getAsJsonObject();
    assertThat(release.get("name").getAsString()).isEqualTo(RELEASE);
    return Map.of(
        "revision", release.get("revision").getAsString(),
        "status", release.get("status").getAsString());
  }

  /** The objects of the release's current revision, as Helm stored them. */
  static Rendered manifest() {
    return new Rendered(helm.parse(helmOk("get", "manifest", RELEASE, "--namespace", NAMESPACE)));
  }

  // ---------------------------------------------------------------------------------------------
  // clb-direct on the release

  /** clb-direct as a replica of the release's Deployment would run, with this Pod name. */
  static ClbDirectProcess start(Rendered release, Path kubeconfig, String podName, Path dir)
      throws Exception {
    Map<String, String> environment =
        new PodEnvironment(
                NAMESPACE,
                podName,
                CREDENTIALS,
                Map.of("secret-id", SECRET_ID, "secret-key", SECRET_KEY))
            .of(release, release.one("Deployment", "clb-direct"), dir.resolve("mounts"));
    long started = System.nanoTime();
    ClbDirectProcess process =
        ClbDirectProcess.start(dir, kubeconfig, NAMESPACE, CONFIGURATION, List.of(), environment);
    System.out.printf(
        "HELM clb-direct (%s) ready on the chart's ServiceAccount in %d ms%n",
        podName, Duration.ofNanos(System.nanoTime() - started).toMillis());
    return process;
  }

  static V1MutatingWebhook awaitWebhook(int timeoutSeconds) {
    AdmissionregistrationV1Api registrations = new AdmissionregistrationV1Api(admin);
    return Await.until(
        TIMEOUT,
        "webhook registered with timeoutSeconds " + timeoutSeconds,
        () -> {
          try {
            return registrations
                .readMutatingWebhookConfiguration(CONFIGURATION)
                .execute()
                .getWebhooks()
                .get(0);
          } catch (ApiException e) {
            if (e.getCode() == 404) {
              return null;
            }
            throw new IllegalStateException(e);
          }
        },
        w -> w != null && Integer.valueOf(timeoutSeconds).equals(w.getTimeoutSeconds()));
  }

  /**
   * The one replica of web that is not among {@code replaced}: gated, its gate True, Ready.
   *
   * @return its name
   */
  static String awaitGatedAndReady(CoreV1Api core, Set<String> replaced) {
    Pods pods = new Pods(core);
    V1Pod pod =
        Await.until(
            TIMEOUT,
            "a new replica of web gated and Ready",
            () -> {
              List<V1Pod> current =
                  pods.withApp(WORKLOAD, "web").stream()
                      .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                      .filter(p -> !replaced.contains(p.getMetadata().getName()))
                      .toList();
              return current.size() == 1 ? current.get(0) : null;
            },
            p ->
                p != null
                    && Pods.condition(p, GATE).map(c -> "True".equals(c.getStatus())).orElse(false)
                    && Pods.condition(p, "Ready")
                        .map(c -> "True".equals(c.getStatus()))
                        .orElse(false));
    assertThat(pod.getSpec().getReadinessGates())
        .extracting(V1PodReadinessGate::getConditionType)
        .contains(GATE);
    return pod.getMetadata().getName();
  }

  /**
   * Leaves no direct-access Service that another class's clb-direct would pick up: deleted while
   * clb-direct runs, its finalizer removed by hand when clb-direct could not release it.
   */
  static void releaseWorkload(CoreV1Api core) {
    ManifestsEndToEndTest.ignoreNotFound(
        () -> core.deleteNamespacedService("web", WORKLOAD).execute());
    try {
      Await.until(
          Duration.ofSeconds(15),
          "Service web released",
          () ->
              ManifestsEndToEndTest.gone(
                  () -> core.readNamespacedService("web", WORKLOAD).execute()),
          done -> done);
    } catch (AssertionError e) {
      ManifestsEndToEndTest.ignoreNotFound(
          () ->
              PatchUtils.patch(
                  V1Service.class,
                  () ->
                      core.patchNamespacedService(
                              "web", WORKLOAD, new V1Patch("{\"metadata\":{\"finalizers\":null}}"))
                          .buildCall(null),
                  V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                  admin));
    }
  }

  static String podTemplateChecksum(AppsV1Api apps) throws ApiException {
    return apps.readNamespacedDeployment("clb-direct", NAMESPACE)
        .execute()
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get("checksum/config");
  }

  // ---------------------------------------------------------------------------------------------
  // Objects on the API server

  static JsonObject crd() {
    JsonObject crd = new JsonObject();
    crd.addProperty("apiVersion", "apiextensions.k8s.io/v1");
    crd.addProperty("kind", "CustomResourceDefinition");
    JsonObject metadata = new JsonObject();
    metadata.addProperty("name", "tkeserviceconfigs.cloud.tencent.com");
    crd.add("metadata", metadata);
    return crd;
  }

  /** Whether the object (by kind, namespace and name) is on the API server. */
  static boolean exists(JsonObject object) {
    ApiResource resource = ApiResource.of(object);
    DynamicKubernetesApi api =
        new DynamicKubernetesApi(resource.group(), resource.version(), resource.plural(), admin);
    var response =
        resource.namespaced()
            ? api.get(ApiResource.namespace(object), ApiResource.name(object))
            : api.get(ApiResource.name(object));
    if (response.getHttpStatusCode() == 404) {
      return false;
    }
    if (!response.isSuccess()) {
      throw new IllegalStateException(
          Kustomization.id(object)
              + ": "
              + response.getHttpStatusCode()
              + " "
              + response.getStatus());
    }
    return true;
  }
}
