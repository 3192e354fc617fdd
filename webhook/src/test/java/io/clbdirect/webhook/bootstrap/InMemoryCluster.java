package io.clbdirect.webhook.bootstrap;

import io.clbdirect.certs.CaBundle;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1Secret;
import java.util.ArrayList;
import java.util.List;

/**
 * The two objects in memory, in place of the API server and the informers: what the reconciler
 * writes or applies is what it reads next, as the watch would bring it back. Records every write,
 * and fails the next one when told to.
 */
final class InMemoryCluster
    implements BootstrapReconciler.Cache,
        BootstrapReconciler.SecretWriter,
        BootstrapReconciler.ConfigurationApplier {

  private final RegistrationSettings registration;
  V1Secret secret;
  V1MutatingWebhookConfiguration configuration;
  final List<V1Secret> secretWrites = new ArrayList<>();
  final List<CaBundle> applied = new ArrayList<>();

  /** Thrown by the next write or apply, then cleared. */
  Throwable failNext;

  private long resourceVersion = 1;

  InMemoryCluster(RegistrationSettings registration) {
    this.registration = registration;
  }

  @Override
  public V1Secret secret() {
    return secret;
  }

  @Override
  public V1MutatingWebhookConfiguration configuration() {
    return configuration;
  }

  @Override
  public V1Secret write(V1Secret existing, V1Secret next) throws ApiException {
    failIfTold();
    if (existing != secret) {
      throw new AssertionError("the writer must be given the Secret as cached");
    }
    next.getMetadata().resourceVersion(Long.toString(++resourceVersion));
    secretWrites.add(next);
    secret = next;
    return next;
  }

  @Override
  public void apply(CaBundle bundle) throws ApiException {
    failIfTold();
    applied.add(bundle);
    configuration = WebhookRegistrationTest.live(WebhookRegistration.desired(registration, bundle));
  }

  private void failIfTold() throws ApiException {
    Throwable failure = failNext;
    failNext = null;
    if (failure instanceof ApiException api) {
      throw api;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
  }
}
