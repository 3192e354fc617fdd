package io.clbdirect.gate.controller;

import io.clbdirect.core.KubernetesClients;
import io.clbdirect.core.tkeconfig.TkeServiceConfigs;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TkeServiceConfig resources (cloud.tencent.com/v1alpha1), cached by an informer, and what a
 * frontend's reference to one means for its listeners. A missing or invalid reference is reported as a
 * Warning Event on the frontend and changes nothing on the CLB; a change to a config reconciles the
 * frontends that name it.
 */
final class TkeServiceConfigInformer {

  private static final Logger log = LoggerFactory.getLogger(TkeServiceConfigInformer.class);

  /**
   * @param settings what to apply
   * @param version changes whenever the outcome may differ (the config's resourceVersion, or why none applies)
   */
  record Lookup(ListenerSettings settings, String version) {}

  private final LoadBalancers loadBalancers;
  private final FrontendSupport support;
  private final SharedIndexInformer<TkeServiceConfigResource> informer;

  /**
   * @param onChange called with namespace and name of a config that was added, changed or deleted
   */
  TkeServiceConfigInformer(KubernetesClients clients, SharedInformerFactory factory, LoadBalancers loadBalancers, FrontendSupport support,
      BiConsumer<String, String> onChange) {
    this.loadBalancers = loadBalancers;
    this.support = support;
    if (served(api(clients.calling()))) {
      this.informer = factory.sharedIndexInformerFor(api(clients.watching()), TkeServiceConfigResource.class, 0);
      informer.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(TkeServiceConfigResource config) {
          onChange.accept(config.getMetadata().getNamespace(), config.getMetadata().getName());
        }

        @Override
        public void onUpdate(TkeServiceConfigResource old, TkeServiceConfigResource config) {
          onChange.accept(config.getMetadata().getNamespace(), config.getMetadata().getName());
        }

        @Override
        public void onDelete(TkeServiceConfigResource config, boolean unknownFinalState) {
          onChange.accept(config.getMetadata().getNamespace(), config.getMetadata().getName());
        }
      });
    } else {
      this.informer = null;
      log.warn("the TkeServiceConfig CRD ({}.{}) is not installed: tke-service-config annotations are reported, not applied; "
          + "install manifests/crd and restart clb-direct to use them", TkeServiceConfigs.PLURAL, TkeServiceConfigs.GROUP);
    }
  }

  private static GenericKubernetesApi<TkeServiceConfigResource, TkeServiceConfigResourceList> api(ApiClient client) {
    return new GenericKubernetesApi<>(TkeServiceConfigResource.class, TkeServiceConfigResourceList.class, TkeServiceConfigs.GROUP,
        TkeServiceConfigs.VERSION, TkeServiceConfigs.PLURAL, client);
  }

  /**
   * One list call at start-up: without the CRD an informer would retry forever and never sync. An API
   * server that does not answer yet is asked again for up to 30 s; after that the CRD counts as absent
   * (logged), rather than keeping clb-direct from starting.
   */
  private static boolean served(GenericKubernetesApi<TkeServiceConfigResource, TkeServiceConfigResourceList> api) {
    ListOptions options = new ListOptions();
    options.setLimit(1);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        KubernetesApiResponse<TkeServiceConfigResourceList> response = api.list(options);
        if (response.getHttpStatusCode() < 500) {
          return response.getHttpStatusCode() != 404;
        }
        log.warn("looking for the TkeServiceConfig CRD: HTTP {}", response.getHttpStatusCode());
      } catch (RuntimeException e) {
        log.warn("looking for the TkeServiceConfig CRD: {}", e.toString());
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  boolean hasSynced() {
    return informer == null || informer.hasSynced();
  }

  /** The config a Service or Ingress names, or null. */
  static String referenceOf(KubernetesObject frontend) {
    return TkeServiceConfigs.referencedName(frontend.getMetadata().getAnnotations(),
        frontend instanceof V1Service ? TkeServiceConfigs.SERVICE_ANNOTATION : TkeServiceConfigs.INGRESS_ANNOTATION).orElse(null);
  }

  Lookup forFrontend(KubernetesObject frontend) {
    String name = referenceOf(frontend);
    if (name == null) {
      support.resolved(frontend, "TkeServiceConfigInvalid");
      return new Lookup(ListenerSettings.NONE, "");
    }
    if (informer == null) {
      support.announceOnce(frontend, "TkeServiceConfigInvalid", "TkeServiceConfig " + name + " cannot be applied: the "
          + TkeServiceConfigs.PLURAL + "." + TkeServiceConfigs.GROUP + " CRD was not installed when clb-direct started; listeners keep their current settings");
      return new Lookup(ListenerSettings.NONE, "unavailable");
    }
    TkeServiceConfigResource config = informer.getIndexer().getByKey(frontend.getMetadata().getNamespace() + "/" + name);
    if (config == null) {
      support.announceOnce(frontend, "TkeServiceConfigInvalid", "TkeServiceConfig " + name + " does not exist in namespace "
          + frontend.getMetadata().getNamespace() + "; listeners keep their current settings");
      return new Lookup(ListenerSettings.NONE, "missing:" + name);
    }
    String version = name + "@" + config.getMetadata().getResourceVersion();
    TkeListenerSettings.Parsed parsed = TkeListenerSettings.parse(config.asJson(), loadBalancers.gateway());
    if (parsed.settings() == null) {
      support.announceOnce(frontend, "TkeServiceConfigInvalid", "TkeServiceConfig " + name + " is invalid, listeners keep their "
          + "current settings: " + String.join("; ", parsed.errors()));
      return new Lookup(ListenerSettings.NONE, "invalid:" + version);
    }
    support.resolved(frontend, "TkeServiceConfigInvalid");
    return new Lookup(parsed.settings(), version);
  }
}
