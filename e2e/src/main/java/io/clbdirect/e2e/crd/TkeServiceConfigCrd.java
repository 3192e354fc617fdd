package io.clbdirect.e2e.crd;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.e2e.Await;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.yaml.snakeyaml.Yaml;

/**
 * The TkeServiceConfig CRD exactly as {@code manifests/crd/} ships it, installed and removed on a
 * cluster.
 */
public final class TkeServiceConfigCrd {

  public static final String NAME = "tkeserviceconfigs.cloud.tencent.com";

  private TkeServiceConfigCrd() {}

  /** Creates the CRD (an existing one is kept) and waits until it is Established. */
  public static void install(ApiClient admin, Path repository, Duration timeout) {
    Path file = repository.resolve("manifests").resolve("crd").resolve(NAME + ".yaml");
    JsonObject json;
    try {
      // Sent as the file's own JSON: client-java's CRD model would rewrite the schema's numbers and
      // x-kubernetes-* keys.
      json = new Gson().toJsonTree(new Yaml().load(Files.readString(file))).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DynamicKubernetesApi crds = api(admin);
    KubernetesApiResponse<DynamicKubernetesObject> created =
        crds.create(new DynamicKubernetesObject(json));
    if (!created.isSuccess() && created.getHttpStatusCode() != 409) {
      throw new IllegalStateException("creating " + NAME + " failed: " + created.getStatus());
    }
    Await.until(
        timeout,
        "CRD " + NAME + " Established",
        () -> crds.get(NAME).getObject(),
        crd ->
            crd != null
                && crd.getRaw().has("status")
                && crd.getRaw().getAsJsonObject("status").has("conditions")
                && crd
                    .getRaw()
                    .getAsJsonObject("status")
                    .getAsJsonArray("conditions")
                    .asList()
                    .stream()
                    .map(JsonElement::getAsJsonObject)
                    .anyMatch(
                        c ->
                            "Established".equals(c.get("type").getAsString())
                                && "True".equals(c.get("status").getAsString())));
  }

  /**
   * Deletes the CRD (and so every TkeServiceConfig) and waits until the API server no longer serves
   * it.
   */
  public static void uninstall(ApiClient admin, Duration timeout) {
    DynamicKubernetesApi crds = api(admin);
    crds.delete(NAME);
    Await.until(
        timeout,
        "CRD " + NAME + " gone",
        () -> crds.get(NAME).getHttpStatusCode(),
        code -> code == 404);
  }

  private static DynamicKubernetesApi api(ApiClient admin) {
    return new DynamicKubernetesApi(
        "apiextensions.k8s.io", "v1", "customresourcedefinitions", admin);
  }
}
