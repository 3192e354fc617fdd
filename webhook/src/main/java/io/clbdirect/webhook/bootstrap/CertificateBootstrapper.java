package io.clbdirect.webhook.bootstrap;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.certs.CertificateChecks;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.certs.rotation.RotationPlanner;
import io.clbdirect.certs.rotation.RotationPlanner.Plan;
import io.clbdirect.certs.rotation.RotationPlanner.RotateRequest;
import io.clbdirect.certs.rotation.SecretCodec;
import io.clbdirect.certs.rotation.SecretCodec.MalformedSecretException;
import io.clbdirect.certs.rotation.ServingMaterial;
import io.clbdirect.core.InformerSync;
import io.clbdirect.core.KubernetesClients;
import io.clbdirect.webhook.informers.SingleObjectListerWatcher;
import io.clbdirect.webhook.topology.TopologyInformers;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.extended.event.EventType;
import io.kubernetes.client.extended.event.legacy.EventRecorder;
import io.kubernetes.client.extended.event.legacy.LegacyEventBroadcaster;
import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue;
import io.kubernetes.client.extended.workqueue.RateLimitingQueue;
import io.kubernetes.client.extended.workqueue.ratelimiter.ItemExponentialFailureRateLimiter;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfigurationList;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretList;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the serving certificate and the webhook registration in place.
 *
 * <ul>
 *   <li>Every replica watches the Secret and serves its leaf from memory ({@link ServedCertificate}).
 *   <li>One replica, the Lease holder, writes: it creates, renews and rotates the Secret
 *       ({@link RotationPlanner} decides), and restores the MutatingWebhookConfiguration by server-side
 *       apply whenever a field it owns drifts or the object disappears.
 *   <li>Informers on both objects (each by name) trigger the work; a workqueue serialises it and retries
 *       failures with backoff; conflicts simply lead to a re-read.
 * </ul>
 */
public final class CertificateBootstrapper implements InformerSync, AutoCloseable {

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "clb-direct";
  /** Set to {@code leaf} or {@code ca} on the Secret to rotate now; clb-direct removes it when done. */
  public static final String ROTATE_ANNOTATION = "clb-direct.io/rotate";

  private static final Logger log = LoggerFactory.getLogger(CertificateBootstrapper.class);
  private static final String KEY = "serving-certificate";

  private final KubernetesClients clients;
  private final BootstrapSettings settings;
  private final ServedCertificate served;
  private final BootstrapMetrics metrics;
  private final Clock clock;
  private final RotationPlanner planner = new RotationPlanner();
  private final SharedIndexInformer<V1Secret> secrets;
  private final SharedIndexInformer<V1MutatingWebhookConfiguration> configurations;
  private final CoreV1Api core;
  private final AdmissionregistrationV1Api admission;
  private final LegacyEventBroadcaster events;
  private final EventRecorder recorder;
  private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "clb-direct-bootstrap");
    thread.setDaemon(true);
    return thread;
  });
  private volatile RateLimitingQueue<String> queue;
  private volatile boolean running;
  private volatile LeaderElector elector;

  public CertificateBootstrapper(KubernetesClients clients, SharedInformerFactory factory, BootstrapSettings settings,
      ServedCertificate served, BootstrapMetrics metrics, Clock clock) {
    this.clients = clients;
    this.settings = settings;
    this.served = served;
    this.metrics = metrics;
    this.clock = clock;
    this.core = new CoreV1Api(clients.calling());
    this.admission = new AdmissionregistrationV1Api(clients.calling());
    this.events = new LegacyEventBroadcaster(core);
    this.recorder = events.newRecorder(new V1EventSource().component("clb-direct"));
    this.secrets = factory.sharedIndexInformerFor(
        new SingleObjectListerWatcher<>(new GenericKubernetesApi<>(V1Secret.class, V1SecretList.class, "", "v1", "secrets",
            clients.watching()), settings.namespace(), settings.secretName()),
        V1Secret.class, 0, TopologyInformers::logListWatchFailure);
    this.configurations = factory.sharedIndexInformerFor(
        new SingleObjectListerWatcher<>(new GenericKubernetesApi<>(V1MutatingWebhookConfiguration.class,
            V1MutatingWebhookConfigurationList.class, "admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations",
            clients.watching()), null, settings.registration().configurationName()),
        V1MutatingWebhookConfiguration.class, 0, TopologyInformers::logListWatchFailure);
    secrets.addEventHandler(handler(true));
    configurations.addEventHandler(handler(false));
  }

  private <T extends io.kubernetes.client.common.KubernetesObject> ResourceEventHandler<T> handler(boolean secret) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        changed(secret ? (V1Secret) object : null);
      }

      @Override
      public void onUpdate(T old, T object) {
        changed(secret ? (V1Secret) object : null);
      }

      @Override
      public void onDelete(T object, boolean unknownFinalState) {
        changed(null);
      }
    };
  }

  private void changed(V1Secret secret) {
    if (secret != null) {
      serveFrom(secret);
    }
    RateLimitingQueue<String> leaderQueue = queue;
    if (leaderQueue != null) {
      leaderQueue.add(KEY);
    }
  }

  /** Every replica: serve the Secret's leaf when it is valid now. */
  private void serveFrom(V1Secret secret) {
    try {
      ServingCertificate leaf = SecretCodec.readLeaf(secret.getData());
      if (CertificateChecks.validAt(leaf.certificate(), clock.instant())) {
        served.serve(leaf);
      } else {
        log.warn("Secret {}/{} holds an expired certificate; still serving the previous one", settings.namespace(), settings.secretName());
      }
      if (managed(secret)) {
        ServingMaterial material = SecretCodec.decode(secret.getData(), annotations(secret));
        metrics.observe(material.signingCa().certificate(), material.leaf().certificate());
      } else {
        metrics.observe(leaf.issuer(), leaf.certificate());
      }
    } catch (MalformedSecretException e) {
      log.warn("Secret {}/{} cannot be served: {}", settings.namespace(), settings.secretName(), e.getMessage());
    }
  }

  public void start() {
    running = true;
    events.startRecording();
    threads.submit(this::electLoop);
  }

  private void electLoop() {
    while (running) {
      LeaseLock lock = new LeaseLock(settings.namespace(), settings.leaseName(), settings.identity(), clients.calling());
      LeaderElector current = new LeaderElector(new LeaderElectionConfig(lock, Duration.ofSeconds(15), Duration.ofSeconds(10),
          Duration.ofSeconds(2)), error -> log.warn("leader election: {}", error.toString()));
      elector = current;
      current.run(this::lead, this::stopLeading);
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void lead() {
    log.info("{} leads: managing Secret {}/{} and webhook configuration {}", settings.identity(), settings.namespace(),
        settings.secretName(), settings.registration().configurationName());
    RateLimitingQueue<String> leaderQueue = new DefaultRateLimitingQueue<>(Executors.newSingleThreadExecutor(),
        new ItemExponentialFailureRateLimiter<>(Duration.ofMillis(100), Duration.ofSeconds(10)));
    queue = leaderQueue;
    leaderQueue.add(KEY);
    threads.submit(() -> work(leaderQueue));
  }

  private void stopLeading() {
    RateLimitingQueue<String> leaderQueue = queue;
    queue = null;
    if (leaderQueue != null) {
      leaderQueue.shutDown();
    }
    log.info("{} stopped leading", settings.identity());
  }

  private void work(RateLimitingQueue<String> leaderQueue) {
    while (running && !leaderQueue.isShuttingDown()) {
      String key;
      try {
        key = leaderQueue.get();
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        return;
      }
      try {
        if (!secrets.hasSynced() || !configurations.hasSynced()) {
          leaderQueue.addAfter(key, Duration.ofMillis(200));
          continue;
        }
        Instant recheckAt = reconcile();
        leaderQueue.forget(key);
        Duration wait = Duration.between(clock.instant(), recheckAt);
        leaderQueue.addAfter(key, wait.isNegative() ? Duration.ZERO : min(wait, Duration.ofMinutes(1)));
      } catch (ApiException e) {
        log.warn("bootstrap reconcile failed ({}), retrying: {}", e.getCode(), e.getResponseBody());
        leaderQueue.addRateLimited(key);
      } catch (RuntimeException e) {
        log.warn("bootstrap reconcile failed, retrying", e);
        leaderQueue.addRateLimited(key);
      } catch (Error e) {
        // E.g. a class missing because the jar changed under the process: say so loudly every time, rather
        // than let this thread die quietly while the Lease keeps the other replicas from taking over.
        log.error("bootstrap reconcile failed with {}, retrying; this replica likely needs a restart", e, e);
        leaderQueue.addRateLimited(key);
      } finally {
        leaderQueue.done(key);
      }
    }
  }

  /** One pass: Secret first (the caBundle comes from it), then the webhook configuration. */
  Instant reconcile() throws ApiException {
    Instant now = clock.instant();
    V1Secret secret = secrets.getIndexer().getByKey(settings.namespace() + "/" + settings.secretName());
    V1MutatingWebhookConfiguration configuration = configurations.getIndexer().getByKey(settings.registration().configurationName());
    CaBundle published = publishedBundle(configuration);
    CaBundle bundle;
    Instant recheckAt;
    V1Secret subject = secret;
    if (secret != null && !managed(secret)) {
      // Bring-your-own certificates (e.g. cert-manager): read, never write.
      try {
        bundle = SecretCodec.readBundle(secret.getData());
      } catch (MalformedSecretException e) {
        log.warn("Secret {}/{} is not managed by clb-direct and has no usable ca.crt: {}", settings.namespace(),
            settings.secretName(), e.getMessage());
        return now.plus(Duration.ofMinutes(1));
      }
      recheckAt = now.plus(Duration.ofMinutes(1));
    } else {
      ServingMaterial material = null;
      String problem = secret == null ? "missing" : null;
      if (secret != null) {
        if (!"kubernetes.io/tls".equals(secret.getType())) {
          problem = "wrong-type";
        } else {
          try {
            material = SecretCodec.decode(secret.getData(), annotations(secret));
          } catch (MalformedSecretException e) {
            problem = "malformed: " + e.getMessage();
          }
        }
      }
      RotateRequest request = rotateRequest(secret);
      Plan plan = planner.plan(new RotationPlanner.Current(material, problem, request, published), settings.desired(), now);
      if (plan.writes()) {
        boolean requestDone = plan.reason().endsWith("-requested") || material == null;
        subject = writeSecret(secret, plan.next(), requestDone);
        material = plan.next();
        metrics.secretWritten(plan.reason());
        if (secret == null || material == null || problem != null) {
          metrics.repaired("secret");
        }
        log.info("serving-certificate Secret {}/{} written: {}", settings.namespace(), settings.secretName(), plan.reason());
        recorder.event(subject, EventType.Normal, reasonOf(plan.reason()), "serving certificate: %s", plan.reason());
      }
      bundle = material.bundle();
      recheckAt = plan.recheckAt();
    }
    List<String> drift = WebhookRegistration.drift(configuration, settings.registration(), bundle);
    if (!drift.isEmpty()) {
      apply(bundle);
      if (configuration != null || !drift.equals(List.of("missing")) || secret != null) {
        metrics.repaired("webhook-configuration");
      }
      log.info("webhook configuration {} applied (drifted: {})", settings.registration().configurationName(), drift);
      if (subject != null) {
        recorder.event(subject, EventType.Normal, "WebhookConfigurationRestored", "webhook configuration %s restored: %s",
            settings.registration().configurationName(), String.join(", ", drift));
      }
    }
    return recheckAt;
  }

  private V1Secret writeSecret(V1Secret existing, ServingMaterial material, boolean clearRequest) throws ApiException {
    SecretCodec.SecretContent content = SecretCodec.encode(material);
    if (existing != null && !"kubernetes.io/tls".equals(existing.getType())) {
      // A Secret's type is immutable: replace it (Kyverno lost its webhooks to exactly this, #6317).
      core.deleteNamespacedSecret(settings.secretName(), settings.namespace()).execute();
      existing = null;
    }
    if (existing == null) {
      V1Secret created = new V1Secret()
          .metadata(new V1ObjectMeta().name(settings.secretName()).namespace(settings.namespace())
              .labels(Map.of(MANAGED_BY_LABEL, MANAGED_BY_VALUE)).annotations(content.annotations()))
          .type("kubernetes.io/tls")
          .data(content.data());
      return core.createNamespacedSecret(settings.namespace(), created).execute();
    }
    Map<String, String> annotations = new HashMap<>(annotations(existing));
    annotations.remove(SecretCodec.CA_PUBLISHED_AT);
    annotations.remove(SecretCodec.LEAF_SWITCHED_AT);
    if (clearRequest) {
      annotations.remove(ROTATE_ANNOTATION);
    }
    annotations.putAll(content.annotations());
    Map<String, String> labels = new HashMap<>(existing.getMetadata().getLabels() == null ? Map.of() : existing.getMetadata().getLabels());
    labels.put(MANAGED_BY_LABEL, MANAGED_BY_VALUE);
    V1Secret updated = new V1Secret()
        .metadata(new V1ObjectMeta().name(settings.secretName()).namespace(settings.namespace())
            .resourceVersion(existing.getMetadata().getResourceVersion()).labels(labels).annotations(annotations)
            .ownerReferences(existing.getMetadata().getOwnerReferences()))
        .type("kubernetes.io/tls")
        .data(content.data());
    // resourceVersion makes a stale write fail with 409; the retry re-reads from the cache.
    return core.replaceNamespacedSecret(settings.secretName(), settings.namespace(), updated).execute();
  }

  private void apply(CaBundle bundle) throws ApiException {
    String document = WebhookRegistration.desired(settings.registration(), bundle).toString();
    PatchUtils.patch(V1MutatingWebhookConfiguration.class,
        () -> admission.patchMutatingWebhookConfiguration(settings.registration().configurationName(), new V1Patch(document))
            .fieldManager(WebhookRegistration.FIELD_MANAGER).force(true).buildCall(null),
        V1Patch.PATCH_FORMAT_APPLY_YAML, clients.calling());
  }

  /** The caBundle the API server currently uses for our webhook, or null. */
  public CaBundle publishedBundle() {
    return publishedBundle(configurations.getIndexer().getByKey(settings.registration().configurationName()));
  }

  private CaBundle publishedBundle(V1MutatingWebhookConfiguration configuration) {
    if (configuration == null || configuration.getWebhooks() == null) {
      return null;
    }
    for (V1MutatingWebhook webhook : configuration.getWebhooks()) {
      if (settings.registration().webhookName().equals(webhook.getName()) && webhook.getClientConfig() != null
          && webhook.getClientConfig().getCaBundle() != null) {
        try {
          return CaBundle.parse(new String(webhook.getClientConfig().getCaBundle(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static RotateRequest rotateRequest(V1Secret secret) {
    String value = secret == null ? null : annotations(secret).get(ROTATE_ANNOTATION);
    if (value == null) {
      return RotateRequest.NONE;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "ca" -> RotateRequest.CA;
      case "leaf", "true", "" -> RotateRequest.LEAF;
      default -> RotateRequest.NONE;
    };
  }

  static boolean managed(V1Secret secret) {
    Map<String, String> labels = secret.getMetadata().getLabels();
    return labels != null && MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY_LABEL));
  }

  private static Map<String, String> annotations(V1Secret secret) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  /** Event reasons are CamelCase by convention: leaf-renewed -> LeafRenewed. */
  private static String reasonOf(String planReason) {
    StringBuilder reason = new StringBuilder();
    for (String part : planReason.split("[^A-Za-z0-9]+")) {
      if (!part.isEmpty()) {
        reason.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return reason.length() > 0 ? reason.toString() : "CertificateChanged";
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public String name() {
    return "webhook-certificate";
  }

  @Override
  public boolean hasSynced() {
    return secrets.hasSynced() && configurations.hasSynced();
  }

  @Override
  public void close() {
    running = false;
    LeaderElector current = elector;
    if (current != null) {
      current.close();
    }
    stopLeading();
    events.shutdown();
    threads.shutdownNow();
  }
}
