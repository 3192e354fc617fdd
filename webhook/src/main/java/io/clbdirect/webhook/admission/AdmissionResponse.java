package io.clbdirect.webhook.admission;

import java.util.List;

/**
 * {@code response}. {@code patch} is the base64 of a JSON patch document, which is how Go encodes
 * the {@code []byte} field the API server expects.
 */
public record AdmissionResponse(
    String uid, boolean allowed, String patchType, String patch, List<String> warnings) {

  public static final String JSON_PATCH = "JSONPatch";

  public static AdmissionResponse allow(String uid, List<String> warnings) {
    return new AdmissionResponse(
        uid, true, null, null, warnings.isEmpty() ? null : List.copyOf(warnings));
  }

  public static AdmissionResponse allowWithPatch(
      String uid, String base64Patch, List<String> warnings) {
    return new AdmissionResponse(
        uid, true, JSON_PATCH, base64Patch, warnings.isEmpty() ? null : List.copyOf(warnings));
  }
}
