package io.clbdirect.e2e.manifests;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.e2e.Await;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Rendered objects sent to the API server as {@code kubectl apply --server-side} sends them. */
public final class ServerSideApply {

  private ServerSideApply() {}

  /**
   * Applies every object (a dry run when asked: validated, defaulted and admitted, nothing stored)
   * and fails listing every object the API server refused.
   */
  public static void assertAllAccepted(ApiClient client, List<JsonObject> objects, boolean dryRun) {
    List<String> refused = new ArrayList<>();
    for (JsonObject object : objects) {
      KubernetesApiResponse<DynamicKubernetesObject> response =
          ApiResource.apply(client, object, dryRun);
      if (!response.isSuccess()) {
        refused.add(
            Kustomization.id(object)
                + ": "
                + response.getHttpStatusCode()
                + " "
                + response.getStatus());
      }
    }
    if (!refused.isEmpty()) {
      throw new AssertionError(
          (dryRun ? "server-side dry run" : "apply") + " refused:\n" + String.join("\n", refused));
    }
  }

  /** Waits until the CRD is served (its Established condition True). */
  public static void awaitEstablished(ApiClient client, String crd, Duration timeout) {
    DynamicKubernetesApi crds =
        new DynamicKubernetesApi("apiextensions.k8s.io", "v1", "customresourcedefinitions", client);
    Await.until(
        timeout,
        "CRD " + crd + " Established",
        () -> crds.get(crd).getObject().getRaw(),
        object ->
            object.has("status")
                && object.getAsJsonObject("status").has("conditions")
                && object.getAsJsonObject("status").getAsJsonArray("conditions").asList().stream()
                    .map(JsonElement::getAsJsonObject)
                    .anyMatch(
                        c ->
                            "Established".equals(c.get("type").getAsString())
                                && "True".equals(c.get("status").getAsString())));
  }
}
