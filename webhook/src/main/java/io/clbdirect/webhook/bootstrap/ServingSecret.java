package io.clbdirect.webhook.bootstrap;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.certs.rotation.RotationPlanner.Current;
import io.clbdirect.certs.rotation.RotationPlanner.RotateRequest;
import io.clbdirect.certs.rotation.SecretCodec;
import io.clbdirect.certs.rotation.SecretCodec.MalformedSecretException;
import io.clbdirect.certs.rotation.ServingMaterial;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** How clb-direct reads its serving-certificate Secret and what it writes there next. Pure. */
public final class ServingSecret {

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "clb-direct";

  /**
   * Set to {@code leaf} or {@code ca} on the Secret to rotate now; clb-direct removes it when done.
   */
  public static final String ROTATE_ANNOTATION = "clb-direct.io/rotate";

  public static final String TLS_TYPE = "kubernetes.io/tls";

  private ServingSecret() {}

  /** Labelled as clb-direct's: it writes it. Anything else (e.g. cert-manager's) is only read. */
  public static boolean managed(V1Secret secret) {
    Map<String, String> labels = secret.getMetadata().getLabels();
    return labels != null && MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY_LABEL));
  }

  /**
   * A managed (or missing) Secret as the rotation planner sees it: its material, or the problem
   * that leaves none ({@code missing}, {@code wrong-type}, {@code malformed: ...}), and any rotate
   * request.
   *
   * @param secret the Secret, or null when there is none
   * @param published the caBundle the webhook configuration carries now, or null
   */
  public static Current current(V1Secret secret, CaBundle published) {
    if (secret == null) {
      return new Current(null, "missing", RotateRequest.NONE, published);
    }
    RotateRequest request = rotateRequest(secret);
    if (!TLS_TYPE.equals(secret.getType())) {
      return new Current(null, "wrong-type", request, published);
    }
    try {
      return new Current(
          SecretCodec.decode(secret.getData(), annotations(secret)), null, request, published);
    } catch (MalformedSecretException e) {
      return new Current(null, "malformed: " + e.getMessage(), request, published);
    }
  }

  static RotateRequest rotateRequest(V1Secret secret) {
    String value = annotations(secret).get(ROTATE_ANNOTATION);
    if (value == null) {
      return RotateRequest.NONE;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "ca" -> RotateRequest.CA;
      case "leaf", "true", "" -> RotateRequest.LEAF;
      default -> RotateRequest.NONE;
    };
  }

  /**
   * The Secret to write for {@code material}. An existing {@code kubernetes.io/tls} Secret keeps
   * its other labels, annotations and owners, and its resourceVersion, so a write from a stale
   * cache fails with 409; a missing one, or one of another type (the type is immutable, it must be
   * replaced), is written afresh.
   *
   * @param clearRequest whether the rotate annotation is done with and goes
   */
  public static V1Secret next(
      String namespace,
      String name,
      V1Secret existing,
      ServingMaterial material,
      boolean clearRequest) {
    SecretCodec.SecretContent content = SecretCodec.encode(material);
    if (existing == null || !TLS_TYPE.equals(existing.getType())) {
      return new V1Secret()
          .metadata(
              new V1ObjectMeta()
                  .name(name)
                  .namespace(namespace)
                  .labels(Map.of(MANAGED_BY_LABEL, MANAGED_BY_VALUE))
                  .annotations(content.annotations()))
          .type(TLS_TYPE)
          .data(content.data());
    }
    Map<String, String> annotations = new HashMap<>(annotations(existing));
    annotations.remove(SecretCodec.CA_PUBLISHED_AT);
    annotations.remove(SecretCodec.LEAF_SWITCHED_AT);
    if (clearRequest) {
      annotations.remove(ROTATE_ANNOTATION);
    }
    annotations.putAll(content.annotations());
    Map<String, String> labels =
        new HashMap<>(
            existing.getMetadata().getLabels() == null
                ? Map.of()
                : existing.getMetadata().getLabels());
    labels.put(MANAGED_BY_LABEL, MANAGED_BY_VALUE);
    return new V1Secret()
        .metadata(
            new V1ObjectMeta()
                .name(name)
                .namespace(namespace)
                .resourceVersion(existing.getMetadata().getResourceVersion())
                .labels(labels)
                .annotations(annotations)
                .ownerReferences(existing.getMetadata().getOwnerReferences()))
        .type(TLS_TYPE)
        .data(content.data());
  }

  static Map<String, String> annotations(V1Secret secret) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }
}
