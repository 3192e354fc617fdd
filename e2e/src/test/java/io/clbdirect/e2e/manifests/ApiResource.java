package io.clbdirect.e2e.manifests;

import com.google.gson.JsonObject;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.PatchOptions;
import java.util.Map;

/**
 * Where an object of one of the kinds manifests/ uses lives in the API. Sent as the object's own
 * JSON through {@link DynamicKubernetesApi}: client-java's typed models would rewrite fields (a CRD
 * schema's numbers and x-kubernetes-* keys, for one).
 *
 * @param apiVersion what the object must say
 */
public record ApiResource(String apiVersion, String plural, boolean namespaced) {

  private static final Map<String, ApiResource> KINDS =
      Map.ofEntries(
          Map.entry("Namespace", new ApiResource("v1", "namespaces", false)),
          Map.entry("ServiceAccount", new ApiResource("v1", "serviceaccounts", true)),
          Map.entry("ConfigMap", new ApiResource("v1", "configmaps", true)),
          Map.entry("Secret", new ApiResource("v1", "secrets", true)),
          Map.entry("Service", new ApiResource("v1", "services", true)),
          Map.entry("Deployment", new ApiResource("apps/v1", "deployments", true)),
          Map.entry(
              "PodDisruptionBudget", new ApiResource("policy/v1", "poddisruptionbudgets", true)),
          Map.entry(
              "ClusterRole",
              new ApiResource("rbac.authorization.k8s.io/v1", "clusterroles", false)),
          Map.entry(
              "ClusterRoleBinding",
              new ApiResource("rbac.authorization.k8s.io/v1", "clusterrolebindings", false)),
          Map.entry("Role", new ApiResource("rbac.authorization.k8s.io/v1", "roles", true)),
          Map.entry(
              "RoleBinding", new ApiResource("rbac.authorization.k8s.io/v1", "rolebindings", true)),
          Map.entry(
              "CustomResourceDefinition",
              new ApiResource("apiextensions.k8s.io/v1", "customresourcedefinitions", false)));

  /** Field manager of everything the test applies. */
  public static final String FIELD_MANAGER = "clb-direct-manifests-e2e";

  /** The resource for an object; fails for a kind or apiVersion this test does not know. */
  public static ApiResource of(JsonObject object) {
    String kind = object.get("kind").getAsString();
    ApiResource resource = KINDS.get(kind);
    if (resource == null) {
      throw new UnsupportedOperationException(
          "kind "
              + kind
              + " is not known to ManifestsEndToEndTest; add it to "
              + ApiResource.class.getName());
    }
    String apiVersion = object.get("apiVersion").getAsString();
    if (!resource.apiVersion().equals(apiVersion)) {
      throw new IllegalArgumentException(
          kind
              + " "
              + name(object)
              + " has apiVersion "
              + apiVersion
              + ", expected "
              + resource.apiVersion());
    }
    boolean hasNamespace = object.getAsJsonObject("metadata").has("namespace");
    if (resource.namespaced() != hasNamespace) {
      throw new IllegalArgumentException(
          kind
              + " "
              + name(object)
              + (resource.namespaced()
                  ? " names no namespace (manifests/ sets every namespace explicitly)"
                  : " is cluster-scoped but names a namespace"));
    }
    return resource;
  }

  public String group() {
    return apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
  }

  public String version() {
    return apiVersion.contains("/")
        ? apiVersion.substring(apiVersion.indexOf('/') + 1)
        : apiVersion;
  }

  /**
   * Server-side apply of the object as it is (what {@code kubectl apply --server-side} sends), with
   * {@code dryRun=All} when asked: validated, defaulted and admitted, nothing stored.
   */
  public static KubernetesApiResponse<DynamicKubernetesObject> apply(
      ApiClient client, JsonObject object, boolean dryRun) {
    ApiResource resource = of(object);
    DynamicKubernetesApi api =
        new DynamicKubernetesApi(resource.group(), resource.version(), resource.plural(), client);
    PatchOptions options = new PatchOptions().fieldManager(FIELD_MANAGER).force(true);
    if (dryRun) {
      options.dryRun("All");
    }
    V1Patch body = new V1Patch(object.toString());
    return resource.namespaced()
        ? api.patch(namespace(object), name(object), V1Patch.PATCH_FORMAT_APPLY_YAML, body, options)
        : api.patch(name(object), V1Patch.PATCH_FORMAT_APPLY_YAML, body, options);
  }

  public static String name(JsonObject object) {
    return object.getAsJsonObject("metadata").get("name").getAsString();
  }

  public static String namespace(JsonObject object) {
    JsonObject metadata = object.getAsJsonObject("metadata");
    return metadata.has("namespace") ? metadata.get("namespace").getAsString() : null;
  }
}
