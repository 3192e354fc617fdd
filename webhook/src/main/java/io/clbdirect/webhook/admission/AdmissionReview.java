package io.clbdirect.webhook.admission;

/**
 * {@code admission.k8s.io/v1} AdmissionReview. client-java publishes no model for it, so these
 * records carry exactly the fields clb-direct reads or writes; Gson skips the rest.
 */
public record AdmissionReview(
    String apiVersion, String kind, AdmissionRequest request, AdmissionResponse response) {

  public static final String KIND = "AdmissionReview";
  public static final String V1 = "admission.k8s.io/v1";
  public static final String V1BETA1 = "admission.k8s.io/v1beta1";

  /** A reply in the same apiVersion the request came in, as the API server requires. */
  public AdmissionReview reply(AdmissionResponse answer) {
    return new AdmissionReview(apiVersion, KIND, null, answer);
  }
}
