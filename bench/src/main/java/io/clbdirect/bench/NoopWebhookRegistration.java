package io.clbdirect.bench;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A no-op mutating webhook registered exactly like clb-direct's, the floor of the Pod-creation
 * benchmark (issue 19, item 4): a copy of the webhook entry clb-direct's bootstrapper registered,
 * read back from the API server, so the same caBundle (and thus the same TLS server, certificate
 * and connection), timeout, failurePolicy, rules, sideEffects, admissionReviewVersions,
 * matchPolicy, reinvocationPolicy and objectSelector. Three things differ:
 *
 * <ul>
 *   <li>the name ({@value #WEBHOOK_NAME}), so the API server's metrics tell the two apart;
 *   <li>the url's path: {@code /noop} on the same server, which reads the review, echoes its uid
 *       and allows the Pod unchanged ({@code NoopAdmissionController}, on with {@code
 *       clb-direct.webhook.benchmark-noop-endpoint=true});
 *   <li>the namespaceSelector's label requirement: {@code In} an opt-in label instead of {@code
 *       NotIn} clb-direct's opt-out label (the {@code kubernetes.io/metadata.name} requirement is
 *       kept), so it applies to the benchmark's namespace only and to nothing else on a shared
 *       control plane. Same shape, same cost for the API server.
 * </ul>
 *
 * Closing deletes it.
 */
final class NoopWebhookRegistration implements AutoCloseable {

  static final String WEBHOOK_NAME = "noop.bench.clb-direct.io";
  static final String OPT_IN_LABEL = "bench.clb-direct.io/noop-webhook";
  static final String OPT_IN_VALUE = "enabled";

  private final ApiClient client;
  private final String name;

  private NoopWebhookRegistration(ApiClient client, String name) {
    this.client = client;
    this.name = name;
  }

  /** Registers as {@code name} a copy of the one webhook in {@code clbDirectConfiguration}. */
  static NoopWebhookRegistration copyOf(
      ApiClient client, String clbDirectConfiguration, String name) throws ApiException {
    AdmissionregistrationV1Api api = new AdmissionregistrationV1Api(client);
    V1MutatingWebhookConfiguration registered =
        api.readMutatingWebhookConfiguration(clbDirectConfiguration).execute();
    if (registered.getWebhooks() == null || registered.getWebhooks().size() != 1) {
      throw new IllegalStateException(
          clbDirectConfiguration + " should hold clb-direct's one webhook: " + registered);
    }
    api.createMutatingWebhookConfiguration(
            new V1MutatingWebhookConfiguration()
                .metadata(new V1ObjectMeta().name(name))
                .webhooks(List.of(noop(registered.getWebhooks().get(0)))))
        .execute();
    return new NoopWebhookRegistration(client, name);
  }

  /** clb-direct's webhook entry, pointed at /noop and at the opt-in namespace. */
  static V1MutatingWebhook noop(V1MutatingWebhook clbDirect) {
    AdmissionregistrationV1WebhookClientConfig config = clbDirect.getClientConfig();
    if (config.getUrl() == null) {
      throw new IllegalStateException("clb-direct registered no url: " + config);
    }
    URI url = URI.create(config.getUrl());
    List<V1LabelSelectorRequirement> requirements = new ArrayList<>();
    boolean replaced = false;
    for (V1LabelSelectorRequirement r : clbDirect.getNamespaceSelector().getMatchExpressions()) {
      if (r.getKey().equals(PodCreationBenchmark.OPT_OUT_LABEL)) {
        requirements.add(
            new V1LabelSelectorRequirement()
                .key(OPT_IN_LABEL)
                .operator("In")
                .values(List.of(OPT_IN_VALUE)));
        replaced = true;
      } else {
        requirements.add(r);
      }
    }
    if (!replaced) {
      throw new IllegalStateException(
          "no " + PodCreationBenchmark.OPT_OUT_LABEL + " requirement in " + clbDirect);
    }
    return new V1MutatingWebhook()
        .name(WEBHOOK_NAME)
        .clientConfig(
            new AdmissionregistrationV1WebhookClientConfig()
                .caBundle(config.getCaBundle())
                .url(url.resolve(WebhookBenchmark.NOOP).toString()))
        .rules(clbDirect.getRules())
        .admissionReviewVersions(clbDirect.getAdmissionReviewVersions())
        .sideEffects(clbDirect.getSideEffects())
        .timeoutSeconds(clbDirect.getTimeoutSeconds())
        .failurePolicy(clbDirect.getFailurePolicy())
        .matchPolicy(clbDirect.getMatchPolicy())
        .reinvocationPolicy(clbDirect.getReinvocationPolicy())
        .objectSelector(clbDirect.getObjectSelector())
        .namespaceSelector(new V1LabelSelector().matchExpressions(requirements));
  }

  @Override
  public void close() {
    try {
      new AdmissionregistrationV1Api(client).deleteMutatingWebhookConfiguration(name).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        System.err.println(
            "could not delete MutatingWebhookConfiguration " + name + ": " + e.getCode());
      }
    }
  }
}
