package io.clbdirect.webhook.bootstrap;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How clb-direct registers itself with the API server. Built from configuration; see
 * docs/certificates.md for each field's meaning and default.
 *
 * @param configurationName the MutatingWebhookConfiguration's name
 * @param webhookName the webhook entry's name inside it
 * @param url for a url clientConfig (local runs, the sandbox); null for a service clientConfig
 * @param serviceNamespace namespace of the Service in front of clb-direct (also its own namespace)
 * @param serviceName that Service's name
 * @param servicePort that Service's port
 * @param failurePolicy {@code Ignore} or {@code Fail}
 * @param timeoutSeconds 1..30
 * @param optOutLabel namespace label key; namespaces labelled {@code disabled} are not sent to the
 *     webhook
 * @param ownPodLabels labels of clb-direct's own Pods, which are never sent to it (no
 *     self-deadlock)
 */
public record RegistrationSettings(
    String configurationName,
    String webhookName,
    String url,
    String serviceNamespace,
    String serviceName,
    int servicePort,
    String failurePolicy,
    int timeoutSeconds,
    String optOutLabel,
    Map<String, String> ownPodLabels) {

  public static final String PATH = "/mutate-pods";
  public static final String OPT_OUT_VALUE = "disabled";

  public RegistrationSettings {
    Objects.requireNonNull(configurationName, "configurationName");
    Objects.requireNonNull(webhookName, "webhookName");
    Objects.requireNonNull(serviceNamespace, "serviceNamespace");
    Objects.requireNonNull(serviceName, "serviceName");
    if (!Set.of("Ignore", "Fail").contains(failurePolicy)) {
      throw new IllegalArgumentException(
          "failurePolicy must be Ignore or Fail, got " + failurePolicy);
    }
    if (timeoutSeconds < 1 || timeoutSeconds > 30) {
      throw new IllegalArgumentException("timeoutSeconds must be 1..30, got " + timeoutSeconds);
    }
    if (url != null && !url.startsWith("https://")) {
      throw new IllegalArgumentException("webhook url must start with https://, got " + url);
    }
    ownPodLabels = Map.copyOf(ownPodLabels);
  }

  public boolean usesUrl() {
    return url != null;
  }
}
