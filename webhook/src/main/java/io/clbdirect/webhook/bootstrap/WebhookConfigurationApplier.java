package io.clbdirect.webhook.bootstrap;

import io.clbdirect.certs.CaBundle;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.util.PatchUtils;

/**
 * Applies the MutatingWebhookConfiguration {@link WebhookRegistration#desired} describes by
 * server-side apply, as field manager {@value WebhookRegistration#FIELD_MANAGER}: it creates the
 * object when missing, restores the fields clb-direct owns, and leaves other managers' fields
 * alone.
 */
public final class WebhookConfigurationApplier implements BootstrapReconciler.ConfigurationApplier {

  private final ApiClient client;
  private final AdmissionregistrationV1Api admission;
  private final RegistrationSettings registration;

  public WebhookConfigurationApplier(ApiClient client, RegistrationSettings registration) {
    this.client = client;
    this.admission = new AdmissionregistrationV1Api(client);
    this.registration = registration;
  }

  @Override
  public void apply(CaBundle bundle) throws ApiException {
    String document = WebhookRegistration.desired(registration, bundle).toString();
    // force: clb-direct takes back the fields it owns from whoever changed them.
    PatchUtils.patch(
        V1MutatingWebhookConfiguration.class,
        () ->
            admission
                .patchMutatingWebhookConfiguration(
                    registration.configurationName(), new V1Patch(document))
                .fieldManager(WebhookRegistration.FIELD_MANAGER)
                .force(true)
                .buildCall(null),
        V1Patch.PATCH_FORMAT_APPLY_YAML,
        client);
  }
}
