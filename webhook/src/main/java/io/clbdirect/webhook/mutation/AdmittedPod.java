package io.clbdirect.webhook.mutation;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.core.json.TolerantModelJson;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;

/**
 * A Pod as the API server sent it: the model for decisions, the raw JSON for patch paths.
 *
 * <p>Both are needed because client-java's models initialise lists and maps to empty, so the model
 * cannot tell a missing {@code readinessGates} from an empty one, yet a JSON patch must add the
 * whole array in the first case and append in the second, or the API server rejects the patch and
 * with it the Pod.
 */
public record AdmittedPod(V1Pod model, JsonObject json) {

  /**
   * Maps the patch may add a key to. Gson also reads a JSON array ({@code []}, {@code [[k, v]]}) as
   * a Map, so the model would show a map where the JSON has an array and the patch's path into it
   * could not be applied: such a Pod is refused as unreadable instead.
   */
  private static final List<Object[]> PATCHED_MAPS =
      List.of(
          new Object[] {"metadata", "annotations"},
          new Object[] {"spec", "containers", 0, "resources", "requests"},
          new Object[] {"spec", "containers", 0, "resources", "limits"});

  /** Reads the object of an AdmissionReview; throws a runtime exception when it is not a Pod. */
  public static AdmittedPod read(JsonElement object) {
    if (!(object instanceof JsonObject json)) {
      throw new IllegalArgumentException("object is not a JSON object");
    }
    AdmittedPod pod = new AdmittedPod(TolerantModelJson.read(json, V1Pod.class), json);
    for (Object[] path : PATCHED_MAPS) {
      JsonElement value = pod.find(path);
      if (value != null && !value.isJsonObject()) {
        throw new IllegalArgumentException(describe(path) + " is not a JSON object");
      }
    }
    return pod;
  }

  /** True when the member at the path exists in the sent JSON and is not {@code null}. */
  public boolean has(Object... path) {
    return find(path) != null;
  }

  /**
   * The member at the path in the sent JSON, or null when it (or a step on the way) is absent or
   * null.
   */
  JsonElement find(Object... path) {
    JsonElement current = json;
    for (Object step : path) {
      if (step instanceof Integer index) {
        if (!current.isJsonArray() || current.getAsJsonArray().size() <= index) {
          return null;
        }
        current = current.getAsJsonArray().get(index);
      } else {
        if (!current.isJsonObject()) {
          return null;
        }
        current = current.getAsJsonObject().get((String) step);
        if (current == null) {
          return null;
        }
      }
      if (current.isJsonNull()) {
        return null;
      }
    }
    return current;
  }

  private static String describe(Object[] path) {
    StringBuilder out = new StringBuilder();
    for (Object step : path) {
      if (step instanceof Integer index) {
        out.append('[').append(index).append(']');
      } else {
        out.append(out.isEmpty() ? "" : ".").append(step);
      }
    }
    return out.toString();
  }
}
