package io.clbdirect.e2e.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Install objects as a renderer printed them (kustomize's or helm's), with the look-ups the e2e
 * tests make: one object by kind and name, and the fields of the Deployment's Pod template.
 */
public record Rendered(List<JsonObject> objects) {

  public static String kind(JsonObject object) {
    return object.get("kind").getAsString();
  }

  /** The one object of this kind and name; fails the test when there is none or more. */
  public JsonObject one(String kind, String name) {
    List<JsonObject> found =
        objects.stream()
            .filter(o -> kind(o).equals(kind) && ApiResource.name(o).equals(name))
            .toList();
    assertThat(found).as(kind + " " + name + " in the rendered objects").hasSize(1);
    return found.get(0);
  }

  public List<JsonObject> ofKind(String kind) {
    return objects.stream().filter(o -> kind(o).equals(kind)).toList();
  }

  public static JsonObject podSpec(JsonObject deployment) {
    return deployment.getAsJsonObject("spec").getAsJsonObject("template").getAsJsonObject("spec");
  }

  /** The Deployment's first (clb-direct's only) container. */
  public static JsonObject container(JsonObject deployment) {
    return podSpec(deployment).getAsJsonArray("containers").get(0).getAsJsonObject();
  }

  public static Map<String, String> strings(JsonObject object) {
    Map<String, String> values = new LinkedHashMap<>();
    if (object != null) {
      object.entrySet().forEach(e -> values.put(e.getKey(), e.getValue().getAsString()));
    }
    return values;
  }

  /** Variable name -> its definition ({@code value} or {@code valueFrom}). */
  public static Map<String, JsonObject> env(JsonObject container) {
    Map<String, JsonObject> env = new LinkedHashMap<>();
    container
        .getAsJsonArray("env")
        .forEach(e -> env.put(e.getAsJsonObject().get("name").getAsString(), e.getAsJsonObject()));
    return env;
  }

  /** Mount path -> the volume mounted there. */
  public static Map<String, JsonObject> mountedVolumes(JsonObject podSpec, JsonObject container) {
    Map<String, JsonObject> volumes = new HashMap<>();
    podSpec
        .getAsJsonArray("volumes")
        .forEach(
            v -> volumes.put(v.getAsJsonObject().get("name").getAsString(), v.getAsJsonObject()));
    Map<String, JsonObject> mounted = new LinkedHashMap<>();
    container
        .getAsJsonArray("volumeMounts")
        .forEach(
            m ->
                mounted.put(
                    m.getAsJsonObject().get("mountPath").getAsString(),
                    volumes.get(m.getAsJsonObject().get("name").getAsString())));
    return mounted;
  }
}
