package io.clbdirect.webhook.bootstrap;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.core.InformerSync;
import io.clbdirect.core.KubernetesClients;
import io.clbdirect.webhook.informers.SingleObjectListerWatcher;
import io.clbdirect.webhook.topology.TopologyInformers;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfigurationList;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;

/**
 * The two objects the bootstrapper keeps, each cached by its name on every replica: the
 * serving-certificate Secret and the MutatingWebhookConfiguration.
 */
public final class BootstrapInformers implements InformerSync, BootstrapReconciler.Cache {

  private final SharedIndexInformer<V1Secret> secrets;
  private final SharedIndexInformer<V1MutatingWebhookConfiguration> configurations;
  private final BootstrapSettings settings;

  private BootstrapInformers(
      SharedIndexInformer<V1Secret> secrets,
      SharedIndexInformer<V1MutatingWebhookConfiguration> configurations,
      BootstrapSettings settings) {
    this.secrets = secrets;
    this.configurations = configurations;
    this.settings = settings;
  }

  /** Registers both informers with the shared factory, which starts them. */
  public static BootstrapInformers create(
      KubernetesClients clients, SharedInformerFactory factory, BootstrapSettings settings) {
    SharedIndexInformer<V1Secret> secrets =
        factory.sharedIndexInformerFor(
            new SingleObjectListerWatcher<>(
                new GenericKubernetesApi<>(
                    V1Secret.class, V1SecretList.class, "", "v1", "secrets", clients.watching()),
                settings.namespace(),
                settings.secretName()),
            V1Secret.class,
            0,
            TopologyInformers::logListWatchFailure);
    SharedIndexInformer<V1MutatingWebhookConfiguration> configurations =
        factory.sharedIndexInformerFor(
            new SingleObjectListerWatcher<>(
                new GenericKubernetesApi<>(
                    V1MutatingWebhookConfiguration.class,
                    V1MutatingWebhookConfigurationList.class,
                    "admissionregistration.k8s.io",
                    "v1",
                    "mutatingwebhookconfigurations",
                    clients.watching()),
                null,
                settings.registration().configurationName()),
            V1MutatingWebhookConfiguration.class,
            0,
            TopologyInformers::logListWatchFailure);
    return new BootstrapInformers(secrets, configurations, settings);
  }

  /** Every add, update and delete of the Secret goes to {@code handler}. */
  public void followSecret(ResourceEventHandler<V1Secret> handler) {
    secrets.addEventHandler(handler);
  }

  /** Any change to either object runs {@code changed}. */
  public void onChange(Runnable changed) {
    secrets.addEventHandler(anyChange(changed));
    configurations.addEventHandler(anyChange(changed));
  }

  private static <T extends KubernetesObject> ResourceEventHandler<T> anyChange(Runnable changed) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        changed.run();
      }

      @Override
      public void onUpdate(T old, T object) {
        changed.run();
      }

      @Override
      public void onDelete(T object, boolean unknownFinalState) {
        changed.run();
      }
    };
  }

  @Override
  public V1Secret secret() {
    return secrets.getIndexer().getByKey(settings.namespace() + "/" + settings.secretName());
  }

  @Override
  public V1MutatingWebhookConfiguration configuration() {
    return configurations.getIndexer().getByKey(settings.registration().configurationName());
  }

  /** The caBundle the API server currently uses for clb-direct's webhook, or null. */
  public CaBundle publishedBundle() {
    return WebhookRegistration.publishedBundle(configuration(), settings.registration());
  }

  @Override
  public String name() {
    return "webhook-certificate";
  }

  @Override
  public boolean hasSynced() {
    return secrets.hasSynced() && configurations.hasSynced();
  }
}
