package io.clbdirect.gate.controller;

import io.clbdirect.core.KubernetesClients;
import io.clbdirect.core.tkeconfig.TkeServiceConfigs;
import io.clbdirect.gate.clb.ListenerSettings;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TkeServiceConfig resources (cloud.tencent.com/v1alpha1), cached by an informer, and what a
 * frontend's reference to one means for its listeners. A missing or invalid reference is returned
 * as a problem (the load-balancer reconcile reports it as a Warning Event on the frontend) and
 * changes nothing on the CLB; a change to a config reconciles the frontends that name it. The CRD
 * may be installed after clb-direct started: until it is served, this looks for it every {@link
 * #CRD_RECHECK} and starts the informer when it appears, so no restart is needed.
 */
final class TkeServiceConfigInformer implements FrontendConfigs, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TkeServiceConfigInformer.class);

  /** How often a missing CRD is looked for again: one cheap list call. */
  static final Duration CRD_RECHECK = Duration.ofSeconds(10);

  /**
   * @param settings what to apply
   * @param version changes whenever the outcome may differ (the config's resourceVersion, or why
   *     none applies)
   * @param problem why the named config cannot be applied, for a Warning on the frontend; null when
   *     none
   */
  record Lookup(ListenerSettings settings, String version, String problem) {
    Lookup(ListenerSettings settings, String version) {
      this(settings, version, null);
    }
  }

  private final KubernetesClients clients;
  private final SharedInformerFactory factory;
  private final BiConsumer<String, String> onChange;
  private final Runnable onCrdAppeared;
  private final ScheduledExecutorService recheck;
  private volatile SharedIndexInformer<TkeServiceConfigResource> informer;

  /**
   * @param onChange called with namespace and name of a config that was added, changed or deleted
   * @param onCrdAppeared called once when the CRD shows up after start-up (frontends that named a
   *     config while it was missing are reconciled again by the informer's add events; this is for
   *     the rest)
   */
  TkeServiceConfigInformer(
      KubernetesClients clients,
      SharedInformerFactory factory,
      BiConsumer<String, String> onChange,
      Runnable onCrdAppeared) {
    this.clients = clients;
    this.factory = factory;
    this.onChange = onChange;
    this.onCrdAppeared = onCrdAppeared;
    this.recheck =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "clb-direct-tkeserviceconfig-crd");
              thread.setDaemon(true);
              return thread;
            });
    // One quick look now, so a cluster that has the CRD is served from the first reconcile; never a
    // long
    // wait in a constructor: an unreachable API server only means "look again shortly".
    if (served(api(clients.calling()))) {
      register();
    } else {
      log.warn(
          "the TkeServiceConfig CRD ({}.{}) is not served: tke-service-config annotations are reported, not applied, until it "
              + "is installed; looking for it every {} s",
          TkeServiceConfigs.PLURAL,
          TkeServiceConfigs.GROUP,
          CRD_RECHECK.toSeconds());
      recheck.scheduleWithFixedDelay(
          this::lookAgain, CRD_RECHECK.toMillis(), CRD_RECHECK.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void register() {
    SharedIndexInformer<TkeServiceConfigResource> created =
        factory.sharedIndexInformerFor(api(clients.watching()), TkeServiceConfigResource.class, 0);
    created.addEventHandler(
        new ResourceEventHandler<>() {
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
    informer = created;
  }

  private void lookAgain() {
    try {
      if (informer != null || !served(api(clients.calling()))) {
        return;
      }
      register();
      // Informers registered after the factory started are started by this call; running ones are
      // left alone.
      factory.startAllRegisteredInformers();
      log.info(
          "the TkeServiceConfig CRD ({}.{}) is now served: tke-service-config annotations apply",
          TkeServiceConfigs.PLURAL,
          TkeServiceConfigs.GROUP);
      onCrdAppeared.run();
      recheck.shutdown();
    } catch (RuntimeException e) {
      log.warn(
          "looking for the TkeServiceConfig CRD failed, trying again in {} s: {}",
          CRD_RECHECK.toSeconds(),
          e.toString());
    }
  }

  private static GenericKubernetesApi<TkeServiceConfigResource, TkeServiceConfigResourceList> api(
      ApiClient client) {
    return new GenericKubernetesApi<>(
        TkeServiceConfigResource.class,
        TkeServiceConfigResourceList.class,
        TkeServiceConfigs.GROUP,
        TkeServiceConfigs.VERSION,
        TkeServiceConfigs.PLURAL,
        client);
  }

  /**
   * One list call; anything but a definite answer (an error, a 5xx) counts as "not yet", to be
   * asked again.
   */
  private static boolean served(
      GenericKubernetesApi<TkeServiceConfigResource, TkeServiceConfigResourceList> api) {
    ListOptions options = new ListOptions();
    options.setLimit(1);
    try {
      KubernetesApiResponse<TkeServiceConfigResourceList> response = api.list(options);
      if (response.getHttpStatusCode() >= 500) {
        log.warn("looking for the TkeServiceConfig CRD: HTTP {}", response.getHttpStatusCode());
        return false;
      }
      return response.getHttpStatusCode() != 404;
    } catch (RuntimeException e) {
      log.warn("looking for the TkeServiceConfig CRD: {}", e.toString());
      return false;
    }
  }

  @Override
  public void close() {
    recheck.shutdownNow();
  }

  boolean hasSynced() {
    SharedIndexInformer<TkeServiceConfigResource> current = informer;
    return current == null || current.hasSynced();
  }

  /** The config a Service or Ingress names, or null. */
  static String referenceOf(KubernetesObject frontend) {
    return TkeServiceConfigs.referencedName(
            frontend.getMetadata().getAnnotations(),
            frontend instanceof V1Service
                ? TkeServiceConfigs.SERVICE_ANNOTATION
                : TkeServiceConfigs.INGRESS_ANNOTATION)
        .orElse(null);
  }

  /**
   * What the frontend's config reference means; a problem is returned, for its reconcile to report.
   */
  @Override
  public Lookup forFrontend(KubernetesObject frontend) {
    String name = referenceOf(frontend);
    if (name == null) {
      return new Lookup(ListenerSettings.NONE, "");
    }
    SharedIndexInformer<TkeServiceConfigResource> current = informer;
    if (current == null) {
      return new Lookup(
          ListenerSettings.NONE,
          "unavailable",
          "TkeServiceConfig "
              + name
              + " cannot be applied: the "
              + TkeServiceConfigs.PLURAL
              + "."
              + TkeServiceConfigs.GROUP
              + " CRD is not installed (kubectl apply -f manifests/crd/); "
              + "clb-direct applies it within "
              + CRD_RECHECK.toSeconds()
              + " s of its installation; listeners keep their current settings");
    }
    TkeServiceConfigResource config =
        current.getIndexer().getByKey(frontend.getMetadata().getNamespace() + "/" + name);
    if (config == null) {
      return new Lookup(
          ListenerSettings.NONE,
          "missing:" + name,
          "TkeServiceConfig "
              + name
              + " does not exist in namespace "
              + frontend.getMetadata().getNamespace()
              + "; listeners keep their current settings");
    }
    String version = name + "@" + config.getMetadata().getResourceVersion();
    TkeListenerSettings.Parsed parsed = TkeListenerSettings.parse(config.asJson());
    if (parsed.settings() == null) {
      return new Lookup(
          ListenerSettings.NONE,
          "invalid:" + version,
          "TkeServiceConfig "
              + name
              + " is invalid, listeners keep their "
              + "current settings: "
              + String.join("; ", parsed.errors()));
    }
    return new Lookup(parsed.settings(), version);
  }
}
