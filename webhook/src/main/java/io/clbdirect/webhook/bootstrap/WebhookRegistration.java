package io.clbdirect.webhook.bootstrap;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.certs.CaBundle;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The MutatingWebhookConfiguration clb-direct wants, as a server-side-apply document holding only
 * the fields it owns, and the check of a live object against it. Pure.
 */
public final class WebhookRegistration {

  /** Field manager for server-side apply: other managers' fields are never touched. */
  public static final String FIELD_MANAGER = "clb-direct";

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "clb-direct";

  /** The fields of the webhook entry clb-direct owns and restores when they drift. */
  static final List<String> OWNED_FIELDS =
      List.of(
          "clientConfig",
          "rules",
          "admissionReviewVersions",
          "sideEffects",
          "timeoutSeconds",
          "failurePolicy",
          "namespaceSelector",
          "objectSelector");

  private WebhookRegistration() {}

  /** The apply document. */
  public static JsonObject desired(RegistrationSettings settings, CaBundle caBundle) {
    JsonObject metadata = new JsonObject();
    metadata.addProperty("name", settings.configurationName());
    JsonObject labels = new JsonObject();
    labels.addProperty(MANAGED_BY_LABEL, MANAGED_BY_VALUE);
    metadata.add("labels", labels);
    JsonObject configuration = new JsonObject();
    configuration.addProperty("apiVersion", "admissionregistration.k8s.io/v1");
    configuration.addProperty("kind", "MutatingWebhookConfiguration");
    configuration.add("metadata", metadata);
    JsonArray webhooks = new JsonArray();
    webhooks.add(webhook(settings, caBundle));
    configuration.add("webhooks", webhooks);
    return configuration;
  }

  static JsonObject webhook(RegistrationSettings settings, CaBundle caBundle) {
    JsonObject webhook = new JsonObject();
    webhook.addProperty("name", settings.webhookName());
    JsonObject clientConfig = new JsonObject();
    if (settings.usesUrl()) {
      clientConfig.addProperty("url", settings.url());
    } else {
      JsonObject service = new JsonObject();
      service.addProperty("namespace", settings.serviceNamespace());
      service.addProperty("name", settings.serviceName());
      service.addProperty("path", RegistrationSettings.PATH);
      service.addProperty("port", settings.servicePort());
      clientConfig.add("service", service);
    }
    clientConfig.addProperty(
        "caBundle",
        Base64.getEncoder().encodeToString(caBundle.pem().getBytes(StandardCharsets.UTF_8)));
    webhook.add("clientConfig", clientConfig);
    JsonObject rule = new JsonObject();
    rule.add("operations", strings("CREATE"));
    rule.add("apiGroups", strings(""));
    rule.add("apiVersions", strings("v1"));
    rule.add("resources", strings("pods"));
    // Explicit, so the API server's defaulting never looks like drift.
    rule.addProperty("scope", "Namespaced");
    JsonArray rules = new JsonArray();
    rules.add(rule);
    webhook.add("rules", rules);
    webhook.add("admissionReviewVersions", strings("v1"));
    webhook.addProperty("sideEffects", "None");
    webhook.addProperty("timeoutSeconds", settings.timeoutSeconds());
    webhook.addProperty("failurePolicy", settings.failurePolicy());
    webhook.add(
        "namespaceSelector",
        selector(
            requirement(
                "kubernetes.io/metadata.name", "NotIn", "kube-system", settings.serviceNamespace()),
            requirement(settings.optOutLabel(), "NotIn", RegistrationSettings.OPT_OUT_VALUE)));
    List<JsonObject> own = new ArrayList<>();
    new TreeMap<>(settings.ownPodLabels())
        .forEach((key, value) -> own.add(requirement(key, "NotIn", value)));
    webhook.add("objectSelector", selector(own.toArray(JsonObject[]::new)));
    return webhook;
  }

  /**
   * Owned fields of the live object that differ from what clb-direct wants; empty when none.
   * "missing" when the object or its webhook entry is gone.
   */
  public static List<String> drift(
      V1MutatingWebhookConfiguration actual, RegistrationSettings settings, CaBundle caBundle) {
    if (actual == null) {
      return List.of("missing");
    }
    V1MutatingWebhook entry =
        actual.getWebhooks() == null
            ? null
            : actual.getWebhooks().stream()
                .filter(w -> settings.webhookName().equals(w.getName()))
                .findFirst()
                .orElse(null);
    if (entry == null) {
      return List.of("webhook-entry");
    }
    JsonObject live = new JSON().getGson().toJsonTree(entry).getAsJsonObject();
    JsonObject want = webhook(settings, caBundle);
    List<String> drifted = new ArrayList<>();
    for (String field : OWNED_FIELDS) {
      if (!sameOwned(want.get(field), live.get(field))) {
        drifted.add(field);
      }
    }
    return drifted;
  }

  /**
   * The caBundle the API server currently uses for clb-direct's webhook entry, or null when there
   * is none or it is unreadable.
   */
  public static CaBundle publishedBundle(
      V1MutatingWebhookConfiguration configuration, RegistrationSettings settings) {
    if (configuration == null || configuration.getWebhooks() == null) {
      return null;
    }
    for (V1MutatingWebhook webhook : configuration.getWebhooks()) {
      if (settings.webhookName().equals(webhook.getName())
          && webhook.getClientConfig() != null
          && webhook.getClientConfig().getCaBundle() != null) {
        try {
          return CaBundle.parse(
              new String(webhook.getClientConfig().getCaBundle(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  /**
   * Only the keys we set are compared; the server may add defaulted ones (e.g. matchLabels: {}).
   */
  private static boolean sameOwned(JsonElement want, JsonElement live) {
    if (want == null) {
      return true;
    }
    if (live == null || live.isJsonNull()) {
      return false;
    }
    if (want.isJsonObject()) {
      if (!live.isJsonObject()) {
        return false;
      }
      for (Map.Entry<String, JsonElement> field : want.getAsJsonObject().entrySet()) {
        if (!sameOwned(field.getValue(), live.getAsJsonObject().get(field.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (want.isJsonArray()) {
      if (!live.isJsonArray() || live.getAsJsonArray().size() != want.getAsJsonArray().size()) {
        return false;
      }
      for (int i = 0; i < want.getAsJsonArray().size(); i++) {
        if (!sameOwned(want.getAsJsonArray().get(i), live.getAsJsonArray().get(i))) {
          return false;
        }
      }
      return true;
    }
    return want.equals(live)
        || want.getAsString().equals(live.isJsonPrimitive() ? live.getAsString() : null);
  }

  private static JsonObject selector(JsonObject... requirements) {
    JsonArray expressions = new JsonArray();
    for (JsonObject requirement : requirements) {
      expressions.add(requirement);
    }
    JsonObject selector = new JsonObject();
    selector.add("matchExpressions", expressions);
    return selector;
  }

  private static JsonObject requirement(String key, String operator, String... values) {
    JsonObject requirement = new JsonObject();
    requirement.addProperty("key", key);
    requirement.addProperty("operator", operator);
    requirement.add("values", strings(values));
    return requirement;
  }

  private static JsonArray strings(String... values) {
    JsonArray array = new JsonArray();
    for (String value : values) {
      array.add(value);
    }
    return array;
  }
}
