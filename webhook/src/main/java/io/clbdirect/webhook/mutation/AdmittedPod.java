package io.clbdirect.webhook.mutation;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.core.json.TolerantModelJson;
import io.kubernetes.client.openapi.models.V1Pod;

/**
 * A Pod as the API server sent it: the model for decisions, the raw JSON for patch paths.
 *
 * <p>Both are needed because client-java's models initialise lists and maps to empty, so the model
 * cannot tell a missing {@code readinessGates} from an empty one, yet a JSON patch must add the whole
 * array in the first case and append in the second, or the API server rejects the patch and with it
 * the Pod.
 */
public record AdmittedPod(V1Pod model, JsonObject json) {

  /** Reads the object of an AdmissionReview; throws a runtime exception when it is not a Pod. */
  public static AdmittedPod read(JsonElement object) {
    if (!(object instanceof JsonObject json)) {
      throw new IllegalArgumentException("object is not a JSON object");
    }
    return new AdmittedPod(TolerantModelJson.read(json, V1Pod.class), json);
  }

  /** True when the member at the path exists in the sent JSON and is not {@code null}. */
  public boolean has(Object... path) {
    JsonElement current = json;
    for (Object step : path) {
      if (step instanceof Integer index) {
        if (!current.isJsonArray() || current.getAsJsonArray().size() <= index) {
          return false;
        }
        current = current.getAsJsonArray().get(index);
      } else {
        if (!current.isJsonObject()) {
          return false;
        }
        current = current.getAsJsonObject().get((String) step);
        if (current == null) {
          return false;
        }
      }
      if (current.isJsonNull()) {
        return false;
      }
    }
    return true;
  }
}
