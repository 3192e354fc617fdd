package io.clbdirect.webhook.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.clbdirect.certs.CaBundle;
import io.clbdirect.certs.CertificateAuthority;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookRegistrationTest {

  static final CaBundle BUNDLE =
      CaBundle.of(
          CertificateAuthority.generate("ca", Duration.ofDays(1), Clock.systemUTC()).certificate());
  static final CaBundle OTHER =
      CaBundle.of(
          CertificateAuthority.generate("ca", Duration.ofDays(1), Clock.systemUTC()).certificate());

  static RegistrationSettings service() {
    return new RegistrationSettings(
        "clb-direct",
        "pods.clb-direct.io",
        null,
        "clb-direct-system",
        "clb-direct",
        443,
        "Ignore",
        10,
        "clb-direct.io/webhook",
        Map.of("app.kubernetes.io/name", "clb-direct"));
  }

  /** What the API server would hand back: the apply document read into the model, plus defaults. */
  static V1MutatingWebhookConfiguration live(JsonObject document) {
    JsonObject webhook = document.getAsJsonArray("webhooks").get(0).getAsJsonObject();
    webhook.addProperty("matchPolicy", "Equivalent");
    webhook.addProperty("reinvocationPolicy", "Never");
    document.getAsJsonObject("metadata").addProperty("resourceVersion", "7");
    return new JSON().deserialize(document.toString(), V1MutatingWebhookConfiguration.class);
  }

  @Test
  void desiredDocumentCarriesEveryOwnedFieldForAServiceClientConfig() {
    JsonObject webhook =
        WebhookRegistration.desired(service(), BUNDLE)
            .getAsJsonArray("webhooks")
            .get(0)
            .getAsJsonObject();

    assertThat(webhook.getAsJsonObject("clientConfig").getAsJsonObject("service").toString())
        .isEqualTo(
            "{\"namespace\":\"clb-direct-system\",\"name\":\"clb-direct\",\"path\":\"/mutate-pods\",\"port\":443}");
    assertThat(webhook.get("sideEffects").getAsString()).isEqualTo("None");
    assertThat(webhook.get("failurePolicy").getAsString()).isEqualTo("Ignore");
    assertThat(webhook.get("timeoutSeconds").getAsInt()).isEqualTo(10);
    assertThat(webhook.getAsJsonArray("admissionReviewVersions").toString()).isEqualTo("[\"v1\"]");
    assertThat(webhook.getAsJsonArray("rules").toString())
        .isEqualTo(
            "[{\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods\"],\"scope\":\"Namespaced\"}]");
    assertThat(webhook.getAsJsonObject("namespaceSelector").toString())
        .isEqualTo(
            "{\"matchExpressions\":[{\"key\":\"kubernetes.io/metadata.name\",\"operator\":\"NotIn\",\"values\":[\"kube-system\",\"clb-direct-system\"]},"
                + "{\"key\":\"clb-direct.io/webhook\",\"operator\":\"NotIn\",\"values\":[\"disabled\"]}]}");
    assertThat(webhook.getAsJsonObject("objectSelector").toString())
        .isEqualTo(
            "{\"matchExpressions\":[{\"key\":\"app.kubernetes.io/name\",\"operator\":\"NotIn\",\"values\":[\"clb-direct\"]}]}");
  }

  @Test
  void urlClientConfigReplacesTheService() {
    RegistrationSettings url =
        new RegistrationSettings(
            "c",
            "w",
            "https://127.0.0.1:9443/mutate-pods",
            "ns",
            "svc",
            443,
            "Fail",
            5,
            "l",
            Map.of());
    JsonObject clientConfig =
        WebhookRegistration.desired(url, BUNDLE)
            .getAsJsonArray("webhooks")
            .get(0)
            .getAsJsonObject()
            .getAsJsonObject("clientConfig");
    assertThat(clientConfig.has("service")).isFalse();
    assertThat(clientConfig.get("url").getAsString())
        .isEqualTo("https://127.0.0.1:9443/mutate-pods");
  }

  @Test
  void aFreshlyAppliedObjectWithServerDefaultsHasNoDrift() {
    assertThat(
            WebhookRegistration.drift(
                live(WebhookRegistration.desired(service(), BUNDLE)), service(), BUNDLE))
        .isEmpty();
  }

  @Test
  void driftNamesEachOwnedFieldThatChanged() {
    V1MutatingWebhookConfiguration tampered = live(WebhookRegistration.desired(service(), BUNDLE));
    tampered.getWebhooks().get(0).setFailurePolicy("Fail");
    tampered
        .getWebhooks()
        .get(0)
        .getRules()
        .get(0)
        .setOperations(java.util.List.of("CREATE", "UPDATE"));
    tampered.getWebhooks().get(0).setNamespaceSelector(null);

    assertThat(WebhookRegistration.drift(tampered, service(), BUNDLE))
        .containsExactly("rules", "failurePolicy", "namespaceSelector");
    assertThat(
            WebhookRegistration.drift(
                live(WebhookRegistration.desired(service(), BUNDLE)), service(), OTHER))
        .containsExactly("clientConfig");
    assertThat(WebhookRegistration.drift(null, service(), BUNDLE)).containsExactly("missing");
    V1MutatingWebhookConfiguration renamed = live(WebhookRegistration.desired(service(), BUNDLE));
    renamed.getWebhooks().get(0).setName("someone-else");
    assertThat(WebhookRegistration.drift(renamed, service(), BUNDLE))
        .containsExactly("webhook-entry");
  }

  @Test
  void fieldsClbDirectDoesNotOwnAreNotDrift() {
    V1MutatingWebhookConfiguration labelled = live(WebhookRegistration.desired(service(), BUNDLE));
    labelled.getMetadata().putLabelsItem("team", "platform");
    labelled.getWebhooks().get(0).setReinvocationPolicy("IfNeeded");
    assertThat(WebhookRegistration.drift(labelled, service(), BUNDLE)).isEmpty();
  }

  @Test
  void settingsRefuseValuesTheApiServerWouldReject() {
    assertThatThrownBy(
            () ->
                new RegistrationSettings(
                    "c", "w", null, "ns", "s", 443, "Sometimes", 10, "l", Map.of()))
        .hasMessageContaining("failurePolicy must be Ignore or Fail");
    assertThatThrownBy(
            () ->
                new RegistrationSettings("c", "w", null, "ns", "s", 443, "Fail", 31, "l", Map.of()))
        .hasMessageContaining("timeoutSeconds must be 1..30");
    assertThatThrownBy(
            () ->
                new RegistrationSettings(
                    "c", "w", "http://x", "ns", "s", 443, "Fail", 10, "l", Map.of()))
        .hasMessageContaining("https://");
  }
}
