package io.clbdirect.webhook.bootstrap;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;

/**
 * Writes the serving-certificate Secret {@link ServingSecret#next} built: create, replace, or
 * delete and create.
 */
public final class ServingSecretWriter implements BootstrapReconciler.SecretWriter {

  private final CoreV1Api core;
  private final String namespace;
  private final String name;

  public ServingSecretWriter(CoreV1Api core, BootstrapSettings settings) {
    this.core = core;
    this.namespace = settings.namespace();
    this.name = settings.secretName();
  }

  @Override
  public V1Secret write(V1Secret existing, V1Secret next) throws ApiException {
    if (existing != null && !ServingSecret.TLS_TYPE.equals(existing.getType())) {
      // A Secret's type is immutable: replace it (Kyverno lost its webhooks to exactly this,
      // #6317).
      core.deleteNamespacedSecret(name, namespace).execute();
      existing = null;
    }
    if (existing == null) {
      return core.createNamespacedSecret(namespace, next).execute();
    }
    // next carries existing's resourceVersion: a stale write fails with 409, and the retry re-reads
    // from the cache.
    return core.replaceNamespacedSecret(name, namespace, next).execute();
  }
}
