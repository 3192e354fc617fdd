package io.clbdirect.e2e.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment the kubelet would give the clb-direct container of a rendered Deployment, for
 * running clb-direct as a local process on exactly that configuration (there is no container
 * runtime here): downward-API fields, the credentials Secret's keys, plain values, with each
 * ConfigMap volume's files written to a local directory standing in for its mount path.
 *
 * @param namespace the Pod's namespace (metadata.namespace)
 * @param podName the Pod's name (metadata.name)
 * @param secretName the Secret the credentials must come from
 * @param secretData that Secret's keys and values
 */
public record PodEnvironment(
    String namespace, String podName, String secretName, Map<String, String> secretData) {

  /**
   * @param mounts where the ConfigMap volumes' files are written, one directory per mount path
   */
  public Map<String, String> of(Rendered objects, JsonObject deployment, Path mounts)
      throws IOException {
    JsonObject podSpec = Rendered.podSpec(deployment);
    JsonObject container = Rendered.container(deployment);
    Map<String, String> mountPaths = new LinkedHashMap<>();
    for (Map.Entry<String, JsonObject> mount :
        Rendered.mountedVolumes(podSpec, container).entrySet()) {
      if (mount.getValue().has("configMap")) {
        JsonObject configMap =
            objects.one(
                "ConfigMap",
                mount.getValue().getAsJsonObject("configMap").get("name").getAsString());
        Path dir =
            Files.createDirectories(
                mounts.resolve(mount.getKey().replaceAll("[^A-Za-z0-9]+", "_")));
        for (Map.Entry<String, String> file :
            Rendered.strings(configMap.getAsJsonObject("data")).entrySet()) {
          Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
        mountPaths.put(mount.getKey(), dir.toString());
      }
    }
    Map<String, String> environment = new LinkedHashMap<>();
    for (Map.Entry<String, JsonObject> variable : Rendered.env(container).entrySet()) {
      environment.put(variable.getKey(), value(variable.getKey(), variable.getValue(), mountPaths));
    }
    return environment;
  }

  private String value(String name, JsonObject definition, Map<String, String> mountPaths) {
    if (definition.has("value")) {
      String value = definition.get("value").getAsString();
      for (Map.Entry<String, String> mount : mountPaths.entrySet()) {
        value = value.replace("file:" + mount.getKey(), "file:" + mount.getValue());
      }
      return value;
    }
    JsonObject valueFrom = definition.getAsJsonObject("valueFrom");
    if (valueFrom != null && valueFrom.has("fieldRef")) {
      String field = valueFrom.getAsJsonObject("fieldRef").get("fieldPath").getAsString();
      return switch (field) {
        case "metadata.name" -> podName;
        case "metadata.namespace" -> namespace;
        default ->
            throw new UnsupportedOperationException(
                "fieldRef " + field + " is not emulated by this test");
      };
    }
    if (valueFrom != null && valueFrom.has("secretKeyRef")) {
      JsonObject ref = valueFrom.getAsJsonObject("secretKeyRef");
      assertThat(ref.get("name").getAsString()).as(name + "'s Secret").isEqualTo(secretName);
      String value = secretData.get(ref.get("key").getAsString());
      assertThat(value).as("Secret key " + ref.get("key")).isNotNull();
      return value;
    }
    throw new UnsupportedOperationException(
        "env " + name + " is not emulated by this test: " + definition);
  }
}
