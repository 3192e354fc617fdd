package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.e2e.app.ClbDirectProcess;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.e2e.manifests.Access;
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
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.apis.NetworkingV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The install manifests (manifests/, issue 8) against the real API server: rendered as {@code
 * kubectl apply -k manifests/} would (without kubectl, see {@link Kustomization}), every object
 * accepted by a server-side dry run, and clb-direct run on nothing but the ServiceAccount's token
 * and RBAC: webhook, bootstrapper and gate-controller through a direct-access Service and Ingress
 * with a TkeServiceConfig, with no 403 in its log. SelfSubjectAccessReviews as the ServiceAccount
 * show that every granted verb works and that the meaningful neighbours of each grant do not.
 *
 * <p>The Deployment is dry-run only (there is no container runtime); clb-direct runs as a local
 * process with the Deployment's environment, the ConfigMap's application.yaml and the
 * ServiceAccount's token.
 */
@ExtendWith(ControlPlaneExtension.class)
class ManifestsEndToEndTest {

  static final String SYSTEM = "clb-direct-system";
  static final String SERVICE_ACCOUNT = "clb-direct";

  /**
   * clb-direct.bootstrap.configuration-name's default, and the resourceName the ClusterRole grants.
   */
  static final String CONFIGURATION = "clb-direct";

  static final String WORKLOAD = "manifests-e2e-shop";
  static final String GATE = "cloud.tencent.com/load-balancer-backendgroup-ready";
  static final String FINALIZER = "clb-direct.io/load-balancer";
  static final String POD_NAME = "clb-direct-manifests-e2e-0";
  static final String SECRET_ID = "AKIDmanifests";
  static final String SECRET_KEY = "manifests-secret";
  static final int SERVICE_PORT = 18080;
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  static ControlPlane plane;
  static ApiClient admin;
  static List<JsonObject> rendered;
  static JsonObject secretTemplate;
  static ApiClient serviceAccount;
  static Path serviceAccountKubeconfig;
  static Path work;

  @BeforeAll
  static void install(ControlPlane controlPlane) throws Exception {
    plane = controlPlane;
    admin = plane.adminClient();
    work = Files.createDirectories(plane.workDir().resolve("manifests-e2e"));
    rendered = Kustomization.render(manifests());
    secretTemplate =
        single(
            Kustomization.loadDocuments(
                manifests().resolve("base/secret-clb-credentials.example.yaml")));

    // What `kubectl apply -k manifests/` does, in an order a fresh cluster accepts: the Namespace
    // must
    // exist before anything in it can even be dry-run (the NamespaceLifecycle admission plugin).
    JsonObject namespace = one("Namespace", SYSTEM);
    assertAllAccepted(List.of(namespace), true);
    assertAllAccepted(List.of(namespace), false);
    assertAllAccepted(everythingWithTheSecretTemplate(), true);
    // Really created: all but the Deployment, which nothing could run here (no container runtime),
    // and
    // the Secret template, which the kustomization leaves out.
    assertAllAccepted(rendered.stream().filter(o -> !kind(o).equals("Deployment")).toList(), false);
    awaitEstablished(
        ApiResource.name(one("CustomResourceDefinition", "tkeserviceconfigs.cloud.tencent.com")));

    serviceAccountKubeconfig =
        ServiceAccountKubeconfig.write(
            admin, plane, SYSTEM, SERVICE_ACCOUNT, work.resolve("clb-direct-sa.kubeconfig"));
    serviceAccount = ServiceAccountKubeconfig.client(serviceAccountKubeconfig);
  }

  @AfterAll
  static void uninstall() throws ApiException {
    if (admin == null) {
      return;
    }
    // What reaches beyond clb-direct-system, then the Namespace with what is in it. The CRD stays
    // (other test classes use it).
    RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(admin);
    ignoreNotFound(() -> rbac.deleteClusterRoleBinding("clb-direct").execute());
    ignoreNotFound(() -> rbac.deleteClusterRole("clb-direct").execute());
    ignoreNotFound(
        () -> rbac.deleteNamespacedRoleBinding("clb-direct-tke-config", "kube-system").execute());
    ignoreNotFound(
        () -> rbac.deleteNamespacedRole("clb-direct-tke-config", "kube-system").execute());
    ignoreNotFound(
        () ->
            new AdmissionregistrationV1Api(admin)
                .deleteMutatingWebhookConfiguration(CONFIGURATION)
                .execute());
    ignoreNotFound(() -> new CoreV1Api(admin).deleteNamespace(SYSTEM).execute());
  }

  static Path manifests() {
    return ControlPlaneExtension.repository().resolve("manifests");
  }

  /** The rendering itself, and what ties the objects to each other and to clb-direct's defaults. */
  @Test
  void theKustomizationRendersAConsistentInstall() {
    Map<String, Long> kinds =
        rendered.stream()
            .collect(Collectors.groupingBy(ManifestsEndToEndTest::kind, Collectors.counting()));
    assertThat(kinds)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("CustomResourceDefinition", 1L),
                Map.entry("Namespace", 1L),
                Map.entry("ServiceAccount", 1L),
                Map.entry("ClusterRole", 1L),
                Map.entry("ClusterRoleBinding", 1L),
                Map.entry("Role", 2L),
                Map.entry("RoleBinding", 2L),
                Map.entry("ConfigMap", 1L),
                Map.entry("Deployment", 1L),
                Map.entry("Service", 1L),
                Map.entry("PodDisruptionBudget", 1L)));
    assertThat(rendered)
        .as("every object carries its namespace or none, per its kind")
        .allSatisfy(ApiResource::of);
    assertThat(
            rendered.stream()
                .filter(o -> !kind(o).equals("CustomResourceDefinition") && !isKubeSystem(o))
                .map(ApiResource::namespace)
                .filter(ns -> ns != null)
                .distinct())
        .containsExactly(SYSTEM);

    JsonObject deployment = one("Deployment", "clb-direct");
    JsonObject spec = deployment.getAsJsonObject("spec");
    JsonObject podSpec = spec.getAsJsonObject("template").getAsJsonObject("spec");
    JsonObject container = podSpec.getAsJsonArray("containers").get(0).getAsJsonObject();
    assertThat(spec.get("replicas").getAsInt()).isEqualTo(2);
    assertThat(container.get("image").getAsString()).isEqualTo("clb-direct:0.1.0-SNAPSHOT");
    assertThat(
            new Kustomization.ImageOverride(
                    "clb-direct", "registry.example.com/team/clb-direct", "1.2.3", null)
                .rewrite(container.get("image").getAsString()))
        .as("the kustomization's images entry matches the container's image, so it can override it")
        .isEqualTo("registry.example.com/team/clb-direct:1.2.3");
    assertThat(podSpec.get("serviceAccountName").getAsString()).isEqualTo(SERVICE_ACCOUNT);
    assertThat(ApiResource.namespace(one("ServiceAccount", SERVICE_ACCOUNT))).isEqualTo(SYSTEM);

    // The bootstrapper leaves Pods labelled clb-direct.bootstrap.own-pod-labels alone (default
    // app.kubernetes.io/name: clb-direct); the Service and the PDB select the same Pods.
    Map<String, String> podLabels =
        strings(
            spec.getAsJsonObject("template").getAsJsonObject("metadata").getAsJsonObject("labels"));
    assertThat(podLabels).containsEntry("app.kubernetes.io/name", "clb-direct");
    assertThat(strings(spec.getAsJsonObject("selector").getAsJsonObject("matchLabels")))
        .isEqualTo(podLabels);
    JsonObject service = one("Service", "clb-direct").getAsJsonObject("spec");
    assertThat(strings(service.getAsJsonObject("selector"))).isEqualTo(podLabels);
    assertThat(
            strings(
                one("PodDisruptionBudget", "clb-direct")
                    .getAsJsonObject("spec")
                    .getAsJsonObject("selector")
                    .getAsJsonObject("matchLabels")))
        .isEqualTo(podLabels);
    assertThat(
            one("PodDisruptionBudget", "clb-direct")
                .getAsJsonObject("spec")
                .get("minAvailable")
                .getAsInt())
        .isEqualTo(1);

    // clb-direct.bootstrap.service-name / service-port default to clb-direct / 443, and the webhook
    // listens on server.port 9443, management on 8080.
    JsonObject servicePort = service.getAsJsonArray("ports").get(0).getAsJsonObject();
    assertThat(servicePort.get("port").getAsInt()).isEqualTo(443);
    Map<String, Integer> containerPorts = new HashMap<>();
    container
        .getAsJsonArray("ports")
        .forEach(
            p ->
                containerPorts.put(
                    p.getAsJsonObject().get("name").getAsString(),
                    p.getAsJsonObject().get("containerPort").getAsInt()));
    assertThat(containerPorts).containsEntry("webhook", 9443).containsEntry("management", 8080);
    assertThat(containerPorts.get(servicePort.get("targetPort").getAsString())).isEqualTo(9443);
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      assertThat(
              containerPorts.get(
                  container
                      .getAsJsonObject(probe)
                      .getAsJsonObject("httpGet")
                      .get("port")
                      .getAsString()))
          .as(probe)
          .isEqualTo(8080);
    }
    assertThat(
            container
                .getAsJsonObject("readinessProbe")
                .getAsJsonObject("httpGet")
                .get("path")
                .getAsString())
        .isEqualTo("/actuator/health/readiness");
    assertThat(
            container
                .getAsJsonObject("livenessProbe")
                .getAsJsonObject("httpGet")
                .get("path")
                .getAsString())
        .isEqualTo("/actuator/health/liveness");

    // Hardening.
    JsonObject podSecurity = podSpec.getAsJsonObject("securityContext");
    assertThat(podSecurity.get("runAsNonRoot").getAsBoolean()).isTrue();
    assertThat(podSecurity.get("runAsUser").getAsInt()).isEqualTo(65532);
    assertThat(podSecurity.getAsJsonObject("seccompProfile").get("type").getAsString())
        .isEqualTo("RuntimeDefault");
    JsonObject containerSecurity = container.getAsJsonObject("securityContext");
    assertThat(containerSecurity.get("readOnlyRootFilesystem").getAsBoolean()).isTrue();
    assertThat(containerSecurity.get("allowPrivilegeEscalation").getAsBoolean()).isFalse();
    assertThat(containerSecurity.getAsJsonObject("capabilities").getAsJsonArray("drop").toString())
        .isEqualTo("[\"ALL\"]");
    assertThat(mountedVolumes(podSpec, container)).containsKey("/tmp");
    assertThat(podSpec.has("priorityClassName")).isFalse();

    // The environment points at what the other manifests provide.
    Map<String, JsonObject> env = env(container);
    assertThat(env.keySet())
        .contains(
            "POD_NAME",
            "POD_NAMESPACE",
            "CLB_DIRECT_CLB_SECRET_ID",
            "CLB_DIRECT_CLB_SECRET_KEY",
            "SPRING_CONFIG_ADDITIONAL_LOCATION",
            "JAVA_TOOL_OPTIONS");
    Map<String, String> template = strings(secretTemplate.getAsJsonObject("stringData"));
    for (String variable : List.of("CLB_DIRECT_CLB_SECRET_ID", "CLB_DIRECT_CLB_SECRET_KEY")) {
      JsonObject ref =
          env.get(variable).getAsJsonObject("valueFrom").getAsJsonObject("secretKeyRef");
      assertThat(ref.get("name").getAsString()).isEqualTo(ApiResource.name(secretTemplate));
      assertThat(template).containsKey(ref.get("key").getAsString());
    }
    assertThat(ApiResource.namespace(secretTemplate)).isEqualTo(SYSTEM);
    assertThat(rendered.stream().map(Kustomization::id))
        .as("the credentials Secret is a template users fill in, not installed")
        .noneMatch(id -> id.contains("Secret "));
    String location = env.get("SPRING_CONFIG_ADDITIONAL_LOCATION").get("value").getAsString();
    JsonObject configVolume = mountedVolumes(podSpec, container).get("/etc/clb-direct");
    assertThat(location).isEqualTo("optional:file:/etc/clb-direct/");
    assertThat(configVolume.getAsJsonObject("configMap").get("name").getAsString())
        .isEqualTo("clb-direct-config");
    String settings =
        one("ConfigMap", "clb-direct-config")
            .getAsJsonObject("data")
            .get("application.yaml")
            .getAsString();
    assertThat(settings).contains("enabled: true", "region:", "network-mode:");
    assertThat(env.get("JAVA_TOOL_OPTIONS").get("value").getAsString())
        .contains("-XX:MaxRAMPercentage=");
    JsonObject resources = container.getAsJsonObject("resources");
    assertThat(resources.getAsJsonObject("requests").get("memory").getAsString())
        .isEqualTo("384Mi");
    assertThat(resources.getAsJsonObject("limits").get("memory").getAsString()).isEqualTo("512Mi");

    // Each binding grants a rendered role to this ServiceAccount and nobody else.
    for (JsonObject binding : rendered.stream().filter(o -> kind(o).endsWith("Binding")).toList()) {
      JsonObject roleRef = binding.getAsJsonObject("roleRef");
      String roleKind = roleRef.get("kind").getAsString();
      assertThat(rendered)
          .as(Kustomization.id(binding) + " refers to a rendered " + roleKind)
          .anyMatch(
              o ->
                  kind(o).equals(roleKind)
                      && ApiResource.name(o).equals(roleRef.get("name").getAsString())
                      && (roleKind.equals("ClusterRole")
                          || ApiResource.namespace(o).equals(ApiResource.namespace(binding))));
      assertThat(binding.getAsJsonArray("subjects").toString())
          .as(Kustomization.id(binding) + " subjects")
          .isEqualTo(
              "[{\"kind\":\"ServiceAccount\",\"name\":\""
                  + SERVICE_ACCOUNT
                  + "\",\"namespace\":\""
                  + SYSTEM
                  + "\"}]");
    }

    // No wildcard anywhere in the RBAC.
    for (JsonObject role : roles()) {
      for (JsonElement rule : role.getAsJsonArray("rules")) {
        for (String field : List.of("apiGroups", "resources", "verbs", "resourceNames")) {
          JsonArray values = rule.getAsJsonObject().getAsJsonArray(field);
          if (values != null) {
            assertThat(values.toString())
                .as(Kustomization.id(role) + " " + field)
                .doesNotContain("*");
          }
        }
      }
    }
  }

  /**
   * What `kubectl apply -k manifests/ --server-side --dry-run=server` checks, and the Secret
   * template.
   */
  @Test
  void everyObjectIsAcceptedByAServerSideDryRun() {
    List<JsonObject> objects = everythingWithTheSecretTemplate();
    List<String> accepted = new ArrayList<>();
    for (JsonObject object : objects) {
      KubernetesApiResponse<DynamicKubernetesObject> response =
          ApiResource.apply(admin, object, true);
      assertThat(response.isSuccess())
          .as("dry run of " + Kustomization.id(object) + ": " + response.getStatus())
          .isTrue();
      accepted.add(Kustomization.id(object));
      if (kind(object).equals("Deployment")) {
        // Defaulted and admitted as sent: the image override reached the API server.
        JsonObject container =
            response
                .getObject()
                .getRaw()
                .getAsJsonObject("spec")
                .getAsJsonObject("template")
                .getAsJsonObject("spec")
                .getAsJsonArray("containers")
                .get(0)
                .getAsJsonObject();
        assertThat(container.get("image").getAsString()).isEqualTo("clb-direct:0.1.0-SNAPSHOT");
      }
    }
    assertThat(accepted).hasSize(objects.size());
    System.out.printf("MANIFESTS %d objects accepted by a server-side dry run%n", accepted.size());
  }

  /**
   * Every verb the Roles grant is granted (the bindings reach the ServiceAccount), the same verb on
   * another name or namespace is not, and neither is a list of things clb-direct has no business
   * doing.
   */
  @Test
  void theServiceAccountMayDoWhatTheCodeNeedsAndNothingMeaningfulBeyond() {
    Set<String> clusterScoped =
        Set.of(
            "mutatingwebhookconfigurations",
            "validatingwebhookconfigurations",
            "namespaces",
            "nodes",
            "clusterroles",
            "clusterrolebindings",
            "customresourcedefinitions");
    List<Access> granted = new ArrayList<>();
    List<Access> denied = new ArrayList<>();
    for (JsonObject role : roles()) {
      boolean namespaced = kind(role).equals("Role");
      for (Access access : Access.grantedBy(role, "default", clusterScoped)) {
        granted.add(access);
        if (!namespaced && access.namespace() != null) {
          // A ClusterRole bound by a ClusterRoleBinding: in every namespace, and across all of
          // them.
          granted.add(access.inNamespace(WORKLOAD));
          granted.add(access.inNamespace(null));
        }
        // Secrets are listed and watched cluster-wide (certificate Secrets), so a list or watch of
        // the webhook's own Secret elsewhere is not a sign of a rule too wide.
        boolean coveredClusterWide =
            access.resource().equals("secrets")
                && (access.verb().equals("list") || access.verb().equals("watch"));
        if (namespaced && !coveredClusterWide) {
          denied.add(access.inNamespace("default"));
        }
        if (access.name() != null && !coveredClusterWide) {
          denied.add(access.named("someone-else"));
        }
      }
    }
    String tls = "clb-direct-webhook-tls";
    denied.addAll(
        List.of(
            // Secrets: listed and watched for certificates (the informer); never read one by one,
            // written or deleted, apart from the webhook's own.
            Access.of("get", "", "secrets", SYSTEM, "clb-direct-clb-credentials"),
            Access.of("get", "", "secrets", "kube-system", null),
            Access.of("create", "", "secrets", "default", null),
            Access.of("update", "", "secrets", "default", "web-tls"),
            Access.of("delete", "", "secrets", "default", "web-tls"),
            Access.of("patch", "", "secrets", SYSTEM, tls),
            Access.of("deletecollection", "", "secrets", SYSTEM, null),
            // Pods: watched, their status condition patched; nothing else.
            Access.of("get", "", "pods", "default", "web-0"),
            Access.of("create", "", "pods", "default", null),
            Access.of("delete", "", "pods", "default", "web-0"),
            Access.of("patch", "", "pods", "default", "web-0"),
            Access.of("update", "", "pods", "default", "web-0"),
            Access.of("update", "", "pods/status", "default", "web-0"),
            Access.of("create", "", "pods/eviction", "default", "web-0"),
            Access.of("create", "", "pods/exec", "default", "web-0"),
            // Services and Ingresses: patched, never created, replaced or deleted.
            Access.of("get", "", "services", "default", "web"),
            Access.of("create", "", "services", "default", null),
            Access.of("update", "", "services", "default", "web"),
            Access.of("delete", "", "services", "default", "web"),
            Access.of("update", "", "services/status", "default", "web"),
            Access.of("create", "networking.k8s.io", "ingresses", "default", null),
            Access.of("delete", "networking.k8s.io", "ingresses", "default", "web"),
            Access.of("update", "networking.k8s.io", "ingresses", "default", "web"),
            Access.of("list", "networking.k8s.io", "ingressclasses", null, null),
            // Workloads, nodes, namespaces, endpoints: not used at all.
            Access.of("patch", "apps", "deployments", "default", "web"),
            Access.of("update", "apps", "deployments", "default", "web"),
            Access.of("create", "apps", "deployments", "default", null),
            Access.of("list", "", "nodes", null, null),
            Access.of("list", "", "namespaces", null, null),
            Access.of("list", "discovery.k8s.io", "endpointslices", null, null),
            Access.of("list", "", "endpoints", null, null),
            // ConfigMaps: the one TKE switch in kube-system, by watch only.
            Access.of("get", "", "configmaps", "kube-system", "tke-service-controller-config"),
            Access.of("update", "", "configmaps", "kube-system", "tke-service-controller-config"),
            Access.of("list", "", "configmaps", "kube-system", null),
            Access.of("list", "", "configmaps", "default", null),
            Access.of("list", "", "configmaps", SYSTEM, null),
            // The webhook configuration: the one, by apply only.
            Access.of(
                "get",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                CONFIGURATION),
            Access.of(
                "update",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                CONFIGURATION),
            Access.of(
                "delete",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                CONFIGURATION),
            Access.of(
                "list",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                null),
            Access.of(
                "create",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                null),
            Access.of(
                "patch",
                "admissionregistration.k8s.io",
                "validatingwebhookconfigurations",
                null,
                CONFIGURATION),
            // Leases: its own two, never deleted; not the control plane's.
            Access.of("delete", "coordination.k8s.io", "leases", SYSTEM, "clb-direct"),
            Access.of(
                "update",
                "coordination.k8s.io",
                "leases",
                "kube-system",
                "kube-controller-manager"),
            Access.of("list", "coordination.k8s.io", "leases", SYSTEM, null),
            // Events: written, never read, replaced or deleted.
            Access.of("list", "", "events", "default", null),
            Access.of("update", "", "events", "default", "e"),
            Access.of("delete", "", "events", "default", "e"),
            Access.of("create", "events.k8s.io", "events", "default", null),
            // TkeServiceConfigs and the CRD: read only.
            Access.of("create", "cloud.tencent.com", "tkeserviceconfigs", "default", null),
            Access.of("patch", "cloud.tencent.com", "tkeserviceconfigs", "default", "config"),
            Access.of("delete", "cloud.tencent.com", "tkeserviceconfigs", "default", "config"),
            Access.of(
                "patch",
                "apiextensions.k8s.io",
                "customresourcedefinitions",
                null,
                "tkeserviceconfigs.cloud.tencent.com"),
            // No way to more rights.
            Access.of("create", "", "serviceaccounts/token", SYSTEM, SERVICE_ACCOUNT),
            Access.of("create", "rbac.authorization.k8s.io", "clusterrolebindings", null, null),
            Access.of("update", "rbac.authorization.k8s.io", "clusterroles", null, "clb-direct"),
            Access.of("bind", "rbac.authorization.k8s.io", "clusterroles", null, "cluster-admin"),
            Access.of("escalate", "rbac.authorization.k8s.io", "roles", SYSTEM, "clb-direct"),
            Access.of("impersonate", "", "users", null, "admin"),
            Access.of("impersonate", "", "serviceaccounts", "kube-system", "default"),
            Access.of("create", "authentication.k8s.io", "tokenreviews", null, null),
            Access.of("create", "authorization.k8s.io", "subjectaccessreviews", null, null)));

    List<String> problems = new ArrayList<>();
    for (Access access : granted) {
      if (!access.allowedFor(serviceAccount)) {
        problems.add("not allowed although granted: " + access);
      }
    }
    for (Access access : denied) {
      if (access.allowedFor(serviceAccount)) {
        problems.add("allowed although clb-direct never needs it: " + access);
      }
    }
    // The bindings name this ServiceAccount only: its namespace's default ServiceAccount gets
    // nothing.
    List<String> neighbour =
        List.of(
            "system:serviceaccounts", "system:serviceaccounts:" + SYSTEM, "system:authenticated");
    for (Access access : granted) {
      if (access.allowedFor(admin, "system:serviceaccount:" + SYSTEM + ":default", neighbour)) {
        problems.add("allowed to the namespace's default ServiceAccount too: " + access);
      }
    }
    assertThat(problems).isEmpty();
    // The test must be able to tell: the same reviews as the admin are all allowed.
    assertThat(denied).allMatch(access -> access.allowedFor(admin));
    System.out.printf(
        "MANIFESTS RBAC: %d granted accesses allowed, %d others denied%n",
        granted.size(), denied.size());
  }

  /**
   * clb-direct on the ServiceAccount's token alone: the bootstrapper makes its Secret, Lease and
   * webhook registration, the webhook gates the Pods of a direct-access Service and Ingress (both
   * naming a TkeServiceConfig), the gate-controller binds them on the CLB and opens the gates, and
   * deleting both frontends releases everything. Its log shows no 403.
   */
  @Test
  void clbDirectRunsOnTheServiceAccountAloneWithoutAnyForbiddenCall() throws Exception {
    CoreV1Api core = new CoreV1Api(admin);
    AppsV1Api apps = new AppsV1Api(admin);
    NetworkingV1Api networking = new NetworkingV1Api(admin);
    Pods pods = new Pods(core);
    ClbEmulator clb = null;
    ClbDirectProcess clbDirect = null;
    FakeKubelet kubelet = null;
    Path log = work.resolve("clb-direct.log");
    try {
      ClbEmulator emulator =
          ClbEmulator.start(
              EmulatorConfig.defaults(SECRET_ID, SECRET_KEY)
                  .withTaskDelay(Duration.ofMillis(200))
                  .withHealthTimeScale(0.1)
                  .withVipOctet(121));
      clb = emulator;
      JsonObject container =
          one("Deployment", "clb-direct")
              .getAsJsonObject("spec")
              .getAsJsonObject("template")
              .getAsJsonObject("spec")
              .getAsJsonArray("containers")
              .get(0)
              .getAsJsonObject();
      long started = System.nanoTime();
      clbDirect =
          ClbDirectProcess.start(
              work,
              serviceAccountKubeconfig,
              SYSTEM,
              CONFIGURATION,
              List.of(
                  // Only what differs from a cluster: the emulator instead of the CLB API (and its
                  // cluster VPC for
                  // the one value the manifests leave for the user to fill in), and Fail so that a
                  // webhook that
                  // could not answer shows up as a failed Pod creation instead of a missing gate.
                  "--clb-direct.clb.endpoint=" + emulator.endpoint(),
                  "--clb-direct.clb.https=false",
                  "--clb-direct.clb.vpc-id=" + Networks.CLUSTER_VPC,
                  "--clb-direct.bootstrap.failure-policy=Fail"),
              new PodEnvironment(
                      SYSTEM,
                      POD_NAME,
                      ApiResource.name(secretTemplate),
                      Map.of("secret-id", SECRET_ID, "secret-key", SECRET_KEY))
                  .of(
                      new Rendered(rendered),
                      one("Deployment", "clb-direct"),
                      work.resolve("mounts")));
      System.out.printf(
          "MANIFESTS clb-direct ready on the ServiceAccount's token in %d ms%n",
          Duration.ofNanos(System.nanoTime() - started).toMillis());
      kubelet =
          new FakeKubelet(plane.adminClient(Duration.ZERO), "fake-node-manifests", 21).start();

      // The bootstrapper's work, done with the Role in clb-direct-system and the named ClusterRole
      // rule.
      V1Secret tls =
          Await.until(
              TIMEOUT,
              "the webhook's TLS Secret",
              () -> secret("clb-direct-webhook-tls"),
              s -> s != null);
      assertThat(tls.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "clb-direct");
      assertThat(dnsNames(tls.getData().get("tls.crt")))
          .as("issued for the Service in manifests/")
          .contains(
              "clb-direct.clb-direct-system.svc", "clb-direct.clb-direct-system.svc.cluster.local");
      V1MutatingWebhookConfiguration registration =
          new AdmissionregistrationV1Api(admin)
              .readMutatingWebhookConfiguration(CONFIGURATION)
              .execute();
      V1MutatingWebhook webhook = registration.getWebhooks().get(0);
      assertThat(webhook.getClientConfig().getCaBundle()).isNotEmpty();
      Map<String, String> podLabels =
          strings(
              one("Deployment", "clb-direct")
                  .getAsJsonObject("spec")
                  .getAsJsonObject("template")
                  .getAsJsonObject("metadata")
                  .getAsJsonObject("labels"));
      assertThat(matches(webhook.getObjectSelector(), podLabels))
          .as("the webhook leaves the Deployment's own Pods alone")
          .isFalse();
      assertThat(
              matches(
                  webhook.getNamespaceSelector(),
                  core.readNamespace(SYSTEM).execute().getMetadata().getLabels()))
          .as("the webhook leaves clb-direct's namespace alone")
          .isFalse();

      // A direct-access Service and an Ingress of class qcloud in front of the same Pods, both
      // naming a
      // TkeServiceConfig, created before the Pods so that the webhook gates them.
      Namespaces.create(core, WORKLOAD);
      new CustomObjectsApi(admin)
          .createNamespacedCustomObject(
              "cloud.tencent.com", "v1alpha1", WORKLOAD, "tkeserviceconfigs", tkeServiceConfig())
          .execute();
      V1Service web = Fixtures.directAccessService("web", "web");
      Map<String, String> annotations = new HashMap<>(web.getMetadata().getAnnotations());
      annotations.put("service.cloud.tencent.com/tke-service-config", "shop-config");
      web.getMetadata().setAnnotations(annotations);
      web.getSpec()
          .getPorts()
          .get(0)
          .port(SERVICE_PORT)
          .targetPort(new IntOrString(Fixtures.CONTAINER_PORT));
      core.createNamespacedService(WORKLOAD, web).execute();
      V1Ingress shop =
          IngressEndToEndTest.ingress(
              "shop",
              Map.of("ingress.cloud.tencent.com/tke-service-config", "shop-config"),
              Map.of("shop.example.com", List.of("/", "web")));
      shop.getSpec()
          .getRules()
          .get(0)
          .getHttp()
          .getPaths()
          .get(0)
          .getBackend()
          .getService()
          .getPort()
          .number(SERVICE_PORT);
      networking.createNamespacedIngress(WORKLOAD, shop).execute();
      V1Service recordedService =
          Await.until(
              TIMEOUT,
              "the Service's load balancer recorded",
              () -> Unchecked.get(() -> core.readNamespacedService("web", WORKLOAD).execute()),
              s -> hasFinalizer(s.getMetadata()) && vip(s) != null);
      V1Ingress recordedIngress =
          Await.until(
              TIMEOUT,
              "the Ingress's load balancer recorded",
              () ->
                  Unchecked.get(() -> networking.readNamespacedIngress("shop", WORKLOAD).execute()),
              i ->
                  hasFinalizer(i.getMetadata())
                      && i.getStatus() != null
                      && i.getStatus().getLoadBalancer() != null
                      && i.getStatus().getLoadBalancer().getIngress() != null
                      && !i.getStatus().getLoadBalancer().getIngress().isEmpty());
      String serviceLb =
          recordedService
              .getMetadata()
              .getAnnotations()
              .get("service.kubernetes.io/loadbalance-id");
      String ingressLb =
          recordedIngress
              .getMetadata()
              .getAnnotations()
              .get("kubernetes.io/ingress.qcloud-loadbalance-id");
      assertThat(serviceLb).startsWith("lb-");
      assertThat(ingressLb).startsWith("lb-").isNotEqualTo(serviceLb);

      long created = System.nanoTime();
      apps.createNamespacedDeployment(WORKLOAD, Fixtures.deployment("web", "web", 2)).execute();
      Await.until(
          TIMEOUT,
          "Deployment web Available with 2 replicas",
          () -> Unchecked.get(() -> apps.readNamespacedDeployment("web", WORKLOAD).execute()),
          d ->
              Deployments.available(d)
                  && Integer.valueOf(2).equals(d.getStatus().getAvailableReplicas()));
      System.out.printf(
          "MANIFESTS 2 gated replicas behind a Service and an Ingress Available in %d ms%n",
          Duration.ofNanos(System.nanoTime() - created).toMillis());
      List<V1Pod> running =
          pods.withApp(WORKLOAD, "web").stream()
              .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
              .toList();
      assertThat(running)
          .hasSize(2)
          .allSatisfy(
              pod -> {
                assertThat(pod.getSpec().getReadinessGates())
                    .extracting(V1PodReadinessGate::getConditionType)
                    .contains(GATE);
                assertThat(Pods.condition(pod, GATE).orElseThrow().getStatus()).isEqualTo("True");
                assertThat(Pods.condition(pod, GATE).orElseThrow().getReason())
                    .isEqualTo("LoadBalancerNetworkGroupReady");
              });

      // The TkeServiceConfig was read through the informer the ClusterRole allows.
      JsonObject listener = listener(emulator, serviceLb, "TCP", SERVICE_PORT);
      assertThat(listener.get("sessionExpireTime").getAsInt()).isEqualTo(60);
      assertThat(listener.get("scheduler").getAsString()).isEqualTo("LEAST_CONN");
      JsonObject rule =
          Await.until(
              TIMEOUT,
              "the Ingress rule's health check from the TkeServiceConfig",
              () ->
                  listener(emulator, ingressLb, "HTTP", 80)
                      .getAsJsonArray("rules")
                      .get(0)
                      .getAsJsonObject(),
              r -> r.get("healthCheck").getAsString().contains("/healthz"));
      assertThat(rule.get("domain").getAsString()).isEqualTo("shop.example.com");

      // Events are posted with the ServiceAccount's rights (client-java drops a refused one
      // silently,
      // so their presence is the proof).
      Await.until(
          TIMEOUT,
          "the gate-controller's Events on the Pods",
          () -> events(core, WORKLOAD),
          list ->
              list.stream()
                      .filter(
                          e ->
                              e.getSource() != null
                                  && "clb-direct-gate-controller"
                                      .equals(e.getSource().getComponent())
                                  && "Pod".equals(e.getInvolvedObject().getKind())
                                  && "LoadBalancerNetworkGroupReady".equals(e.getReason()))
                      .count()
                  >= 2);
      Await.until(
          TIMEOUT,
          "the bootstrapper's Events on its Secret",
          () -> events(core, SYSTEM),
          list ->
              list.stream()
                  .anyMatch(
                      e ->
                          e.getSource() != null
                              && "clb-direct".equals(e.getSource().getComponent())
                              && "Secret".equals(e.getInvolvedObject().getKind())));
      assertThat(events(core, WORKLOAD))
          .noneMatch(e -> "TkeServiceConfigInvalid".equals(e.getReason()));

      // Both Leases taken with this replica's POD_NAME.
      CoordinationV1Api coordination = new CoordinationV1Api(admin);
      for (String lease : List.of("clb-direct", "clb-direct-gate-controller")) {
        assertThat(
                Await.until(
                    TIMEOUT,
                    "Lease " + lease + " held",
                    () ->
                        Unchecked.get(
                                () -> coordination.readNamespacedLease(lease, SYSTEM).execute())
                            .getSpec()
                            .getHolderIdentity(),
                    POD_NAME::equals))
            .isEqualTo(POD_NAME);
      }

      // Release: the finalizers come off through the ServiceAccount's patch rights, the load
      // balancers
      // go, and the gates are handed back.
      networking.deleteNamespacedIngress("shop", WORKLOAD).execute();
      core.deleteNamespacedService("web", WORKLOAD).execute();
      Await.until(
          TIMEOUT,
          "the Ingress and the Service gone",
          () ->
              gone(() -> networking.readNamespacedIngress("shop", WORKLOAD).execute())
                  && gone(() -> core.readNamespacedService("web", WORKLOAD).execute()),
          done -> done);
      Await.until(
          TIMEOUT,
          "both load balancers deleted",
          () ->
              GateControllerEndToEndTest.loadBalancerExists(emulator, serviceLb)
                  || GateControllerEndToEndTest.loadBalancerExists(emulator, ingressLb),
          exists -> !exists);
      Await.until(
          TIMEOUT,
          "gates released",
          () -> pods.withApp(WORKLOAD, "web"),
          list ->
              !list.isEmpty()
                  && list.stream()
                      .allMatch(
                          p ->
                              Pods.condition(p, GATE)
                                  .map(
                                      c ->
                                          "True".equals(c.getStatus())
                                              && "DirectAccessReleased".equals(c.getReason()))
                                  .orElse(false)));

      printMemory(clbDirect);
      String text = Files.readString(log);
      assertThat(text)
          .as("the log checked is this run's")
          .contains("leads clb-direct-gate-controller", "leads: managing Secret");
      List<String> forbidden = ForbiddenCalls.in(log);
      assertThat(forbidden)
          .as("clb-direct's log (" + log + ") shows a call its RBAC refused")
          .isEmpty();
    } finally {
      // Each step runs even if one before it fails; a failure here never hides the test's own.
      quietly(() -> cleanUpWorkload(core, apps, networking));
      // While the kubelet runs, so that it ends the Pods (the class doc of Namespaces says why).
      quietly(() -> Namespaces.deleteCreatedAndAwait(core));
      FakeKubelet startedKubelet = kubelet;
      ClbDirectProcess startedClbDirect = clbDirect;
      ClbEmulator startedClb = clb;
      quietly(
          () -> {
            if (startedKubelet != null) {
              startedKubelet.close();
            }
          });
      quietly(
          () -> {
            if (startedClbDirect != null) {
              startedClbDirect.close();
            }
          });
      quietly(
          () ->
              ignoreNotFound(
                  () ->
                      new AdmissionregistrationV1Api(admin)
                          .deleteMutatingWebhookConfiguration(CONFIGURATION)
                          .execute()));
      quietly(
          () -> {
            if (startedClb != null) {
              startedClb.close();
            }
          });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Installing

  static List<JsonObject> everythingWithTheSecretTemplate() {
    List<JsonObject> all = new ArrayList<>(rendered);
    all.add(secretTemplate);
    return all;
  }

  static void assertAllAccepted(List<JsonObject> objects, boolean dryRun) {
    ServerSideApply.assertAllAccepted(admin, objects, dryRun);
  }

  static void awaitEstablished(String crd) {
    ServerSideApply.awaitEstablished(admin, crd, TIMEOUT);
  }

  // ---------------------------------------------------------------------------------------------
  // The workload

  static Map<String, Object> tkeServiceConfig() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("apiVersion", "cloud.tencent.com/v1alpha1");
    body.put("kind", "TkeServiceConfig");
    body.put("metadata", Map.of("name", "shop-config"));
    body.put(
        "spec",
        new com.google.gson.Gson()
            .fromJson(
                """
        {"loadBalancer": {
          "l4Listeners": [{"protocol": "TCP", "port": %d, "scheduler": "LEAST_CONN",
                           "session": {"enable": true, "sessionExpireTime": 60}}],
          "l7Listeners": [{"protocol": "HTTP", "port": 80, "domains": [{"domain": "shop.example.com", "rules": [{"url": "/",
                           "healthCheck": {"enable": true, "intervalTime": 5, "healthNum": 2, "unHealthNum": 2,
                                           "httpCheckPath": "/healthz"}}]}]}]}}
        """
                    .formatted(SERVICE_PORT),
                Map.class));
    return body;
  }

  static JsonObject listener(ClbEmulator clb, String lbId, String protocol, int port) {
    for (JsonElement lb : clb.stateView().getAsJsonArray("loadBalancers")) {
      if (lb.getAsJsonObject().get("loadBalancerId").getAsString().equals(lbId)) {
        for (JsonElement listener : lb.getAsJsonObject().getAsJsonArray("listeners")) {
          JsonObject l = listener.getAsJsonObject();
          if (protocol.equals(l.get("protocol").getAsString())
              && l.get("port").getAsInt() == port) {
            return l;
          }
        }
      }
    }
    throw new IllegalStateException("no " + protocol + ":" + port + " listener on " + lbId);
  }

  /**
   * Leaves nothing that another test class's clb-direct (same API server) would pick up: no
   * direct-access frontend, no finalizer of ours (removed by hand when clb-direct could not), no
   * Pods.
   */
  static void cleanUpWorkload(CoreV1Api core, AppsV1Api apps, NetworkingV1Api networking) {
    ignoreNotFound(() -> networking.deleteNamespacedIngress("shop", WORKLOAD).execute());
    ignoreNotFound(() -> core.deleteNamespacedService("web", WORKLOAD).execute());
    ignoreNotFound(() -> apps.deleteNamespacedDeployment("web", WORKLOAD).execute());
    try {
      Await.until(
          Duration.ofSeconds(15),
          "frontends released",
          () ->
              gone(() -> networking.readNamespacedIngress("shop", WORKLOAD).execute())
                  && gone(() -> core.readNamespacedService("web", WORKLOAD).execute()),
          done -> done);
    } catch (AssertionError e) {
      String patch = "{\"metadata\":{\"finalizers\":null}}";
      ignoreNotFound(
          () ->
              PatchUtils.patch(
                  V1Ingress.class,
                  () ->
                      networking
                          .patchNamespacedIngress("shop", WORKLOAD, new V1Patch(patch))
                          .buildCall(null),
                  V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                  admin));
      ignoreNotFound(
          () ->
              PatchUtils.patch(
                  V1Service.class,
                  () ->
                      core.patchNamespacedService("web", WORKLOAD, new V1Patch(patch))
                          .buildCall(null),
                  V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                  admin));
    }
  }

  static V1Secret secret(String name) {
    try {
      return new CoreV1Api(admin).readNamespacedSecret(name, SYSTEM).execute();
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw new IllegalStateException(e);
    }
  }

  static Set<String> dnsNames(byte[] pem) throws Exception {
    X509Certificate certificate =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem));
    Set<String> names = new TreeSet<>();
    Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
    if (sans != null) {
      sans.stream()
          .filter(san -> Integer.valueOf(2).equals(san.get(0)))
          .forEach(san -> names.add(String.valueOf(san.get(1))));
    }
    return names;
  }

  /**
   * A label selector of matchLabels and In/NotIn/Exists/DoesNotExist requirements, as the API
   * server evaluates it.
   */
  static boolean matches(V1LabelSelector selector, Map<String, String> labels) {
    Map<String, String> actual = labels == null ? Map.of() : labels;
    if (selector == null) {
      return true;
    }
    if (selector.getMatchLabels() != null
        && !selector.getMatchLabels().entrySet().stream()
            .allMatch(e -> e.getValue().equals(actual.get(e.getKey())))) {
      return false;
    }
    for (V1LabelSelectorRequirement requirement :
        selector.getMatchExpressions() == null
            ? List.<V1LabelSelectorRequirement>of()
            : selector.getMatchExpressions()) {
      String value = actual.get(requirement.getKey());
      boolean ok =
          switch (requirement.getOperator()) {
            case "In" -> value != null && requirement.getValues().contains(value);
            case "NotIn" -> value == null || !requirement.getValues().contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new IllegalArgumentException("operator " + requirement.getOperator());
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static boolean hasFinalizer(V1ObjectMeta metadata) {
    return metadata.getFinalizers() != null && metadata.getFinalizers().contains(FINALIZER);
  }

  static String vip(V1Service service) {
    return service.getStatus() == null
            || service.getStatus().getLoadBalancer() == null
            || service.getStatus().getLoadBalancer().getIngress() == null
            || service.getStatus().getLoadBalancer().getIngress().isEmpty()
        ? null
        : service.getStatus().getLoadBalancer().getIngress().get(0).getIp();
  }

  static List<CoreV1Event> events(CoreV1Api core, String namespace) {
    return Unchecked.get(() -> core.listNamespacedEvent(namespace).execute().getItems());
  }

  /**
   * Resident memory of clb-direct's processes and the JVM's own view, to size the Deployment's
   * resources by.
   */
  static void printMemory(ClbDirectProcess process) {
    try {
      String metrics = process.management("/actuator/prometheus");
      System.out.printf(
          "MANIFESTS JVM memory used/committed: heap %d/%d MiB, non-heap %d/%d MiB%n",
          jvmMemory(metrics, "used", "heap") >> 20,
          jvmMemory(metrics, "committed", "heap") >> 20,
          jvmMemory(metrics, "used", "nonheap") >> 20,
          jvmMemory(metrics, "committed", "nonheap") >> 20);
    } catch (RuntimeException e) {
      // informational only
    }
    for (long pid : process.pids()) {
      try {
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        Matcher rss = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(status);
        Matcher name = Pattern.compile("Name:\\s+(\\S+)").matcher(status);
        if (rss.find() && name.find()) {
          System.out.printf(
              "MANIFESTS resident memory of pid %d (%s): %d MiB%n",
              pid, name.group(1), Long.parseLong(rss.group(1)) / 1024);
        }
      } catch (IOException | RuntimeException e) {
        // informational only
      }
    }
  }

  static long jvmMemory(String metrics, String kind, String area) {
    Matcher matcher =
        Pattern.compile(
                "(?m)^jvm_memory_" + kind + "_bytes\\{[^}]*area=\"" + area + "\"[^}]*} (\\S+)$")
            .matcher(metrics);
    double sum = 0;
    while (matcher.find()) {
      sum += Double.parseDouble(matcher.group(1));
    }
    return (long) sum;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the rendered objects

  static String kind(JsonObject object) {
    return Rendered.kind(object);
  }

  static boolean isKubeSystem(JsonObject object) {
    return "kube-system".equals(ApiResource.namespace(object));
  }

  static JsonObject one(String kind, String name) {
    return new Rendered(rendered).one(kind, name);
  }

  static List<JsonObject> roles() {
    return rendered.stream()
        .filter(o -> kind(o).equals("Role") || kind(o).equals("ClusterRole"))
        .toList();
  }

  static JsonObject single(List<Object> documents) {
    List<Object> present = documents.stream().filter(d -> d != null).toList();
    assertThat(present).hasSize(1);
    return new com.google.gson.Gson().toJsonTree(present.get(0)).getAsJsonObject();
  }

  static Map<String, String> strings(JsonObject object) {
    return Rendered.strings(object);
  }

  static Map<String, JsonObject> env(JsonObject container) {
    return Rendered.env(container);
  }

  static Map<String, JsonObject> mountedVolumes(JsonObject podSpec, JsonObject container) {
    return Rendered.mountedVolumes(podSpec, container);
  }

  // ---------------------------------------------------------------------------------------------
  // API calls in polling loops (reads: Unchecked.get)

  interface Call<T> {
    T call() throws ApiException;
  }

  static boolean gone(Call<?> call) {
    try {
      call.call();
      return false;
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return true;
      }
      throw new IllegalStateException(e.getCode() + " " + e.getResponseBody(), e);
    }
  }

  static void quietly(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException | AssertionError e) {
      System.err.println("clean-up step failed: " + e);
    }
  }

  static void ignoreNotFound(Call<?> call) {
    try {
      call.call();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw new IllegalStateException(e.getCode() + " " + e.getResponseBody(), e);
      }
    }
  }
}
