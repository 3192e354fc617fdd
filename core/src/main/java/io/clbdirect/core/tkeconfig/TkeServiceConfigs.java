package io.clbdirect.core.tkeconfig;

import java.util.Map;
import java.util.Optional;

/**
 * Names of TKE's TkeServiceConfig resource and of the annotations that reference it. Spelled
 * exactly as TKE documents them, so configs written for TKE keep working.
 */
public final class TkeServiceConfigs {

  public static final String GROUP = "cloud.tencent.com";

  public static final String VERSION = "v1alpha1";

  public static final String KIND = "TkeServiceConfig";

  public static final String PLURAL = "tkeserviceconfigs";

  /** On a Service: the name of a TkeServiceConfig in the Service's namespace. */
  public static final String SERVICE_ANNOTATION = "service.cloud.tencent.com/tke-service-config";

  /** On an Ingress: the name of a TkeServiceConfig in the Ingress's namespace. */
  public static final String INGRESS_ANNOTATION = "ingress.cloud.tencent.com/tke-service-config";

  private TkeServiceConfigs() {}

  /**
   * The config name an object references under {@code annotationKey}, surrounding blanks removed.
   * Empty when the annotation is absent or blank: a blank value is how users switch a reference off
   * without deleting the annotation, so it is no reference rather than a bad one.
   */
  public static Optional<String> referencedName(
      Map<String, String> annotations, String annotationKey) {
    if (annotations == null) {
      return Optional.empty();
    }
    String value = annotations.get(annotationKey);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
