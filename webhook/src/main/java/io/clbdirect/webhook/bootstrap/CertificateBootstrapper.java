package io.clbdirect.webhook.bootstrap;

import io.clbdirect.core.KubernetesClients;
import io.clbdirect.runtime.CrashPoints;
import io.clbdirect.runtime.ForgettingReconciler;
import io.clbdirect.runtime.LeaderTerms;
import io.clbdirect.runtime.LeaseSettings;
import io.clbdirect.runtime.ManagedLifecycle;
import io.clbdirect.runtime.StartWhenSynced;
import io.clbdirect.runtime.TermQueue;
import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.controller.builder.ControllerBuilder;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.event.legacy.LegacyEventBroadcaster;
import io.kubernetes.client.extended.workqueue.RateLimitingQueue;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1EventSource;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the serving certificate and the webhook registration in place, by running these on
 * clb-direct's controller runtime:
 *
 * <ul>
 *   <li>on every replica, {@link SecretFollower} serves the Secret's leaf from memory;
 *   <li>on the Lease holder, a client-java-extended controller runs {@link BootstrapReconciler},
 *       which writes the Secret ({@link ServingSecretWriter}) and applies the webhook configuration
 *       ({@link WebhookConfigurationApplier}). {@link LeaderTerms} builds that controller afresh
 *       for each term.
 * </ul>
 *
 * <p>There is one work item. Any change to either object queues it; so does the start of each term.
 */
public final class CertificateBootstrapper implements ManagedLifecycle.Managed {

  private static final Logger log = LoggerFactory.getLogger(CertificateBootstrapper.class);
  private static final Request KEY = new Request("serving-certificate");

  private final SharedInformerFactory factory;
  private final BootstrapInformers informers;
  private final BootstrapSettings settings;
  private final LegacyEventBroadcaster events;
  private final BootstrapReconciler reconciler;

  /** Failures are retried after 100 ms, doubling up to 10 s. */
  private final TermQueue termQueue = new TermQueue(Duration.ofMillis(100), Duration.ofSeconds(10));

  private final LeaderTerms terms;

  public CertificateBootstrapper(
      KubernetesClients clients,
      SharedInformerFactory factory,
      BootstrapInformers informers,
      BootstrapSettings settings,
      ServedCertificate served,
      BootstrapMetrics metrics,
      Clock clock) {
    CrashPoints.warnIfArmed();
    this.factory = factory;
    this.informers = informers;
    this.settings = settings;
    CoreV1Api core = new CoreV1Api(clients.calling());
    this.events = new LegacyEventBroadcaster(core);
    this.reconciler =
        new BootstrapReconciler(
            informers,
            new ServingSecretWriter(core, settings),
            new WebhookConfigurationApplier(clients.calling(), settings.registration()),
            events.newRecorder(new V1EventSource().component("clb-direct")),
            metrics,
            settings,
            clock);
    informers.followSecret(new SecretFollower(served, metrics, settings, clock));
    informers.onChange(() -> termQueue.add(KEY));
    this.terms = new LeaderTerms(clients.calling(), lease(settings), this::newTerm);
  }

  /**
   * Lease 15 s and renew deadline 10 s as everywhere, but a 1 s retry period instead of 2 s: on a
   * first install nothing is served until the Lease holder has written the Secret, and
   * client-java's {@code LeaderElector} always sleeps one whole retry period before it notices that
   * its first attempt succeeded, even when nobody held the Lease (docs/benchmarks.md, item 6). The
   * price is the holder renewing the Lease once a second rather than every two seconds.
   */
  static LeaseSettings lease(BootstrapSettings settings) {
    return new LeaseSettings(
        settings.namespace(),
        settings.leaseName(),
        settings.identity(),
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(1));
  }

  /** A fresh controller on a fresh workqueue, which starts with the work item queued. */
  private Controller newTerm() {
    RateLimitingQueue<Request> queue = termQueue.newTerm();
    queue.add(KEY);
    Controller controller =
        ControllerBuilder.defaultBuilder(factory)
            .withName("clb-direct-bootstrap")
            .withWorkQueue(queue)
            .withReconciler(new ForgettingReconciler(queue, reconciler))
            .withWorkerCount(1)
            .build();
    // Not withReadyFunc: StartWhenSynced says why.
    return new Term(new StartWhenSynced(informers::hasSynced, controller), queue);
  }

  @Override
  public void start() {
    events.startRecording();
    terms.start();
  }

  @Override
  public void close() {
    terms.close();
    events.shutdown();
  }

  /**
   * One term, logged as the bootstrapper always has: operators and ManifestsEndToEndTest look for
   * these lines.
   */
  private final class Term implements Controller {
    private final Controller controller;
    private final RateLimitingQueue<Request> queue;

    Term(Controller controller, RateLimitingQueue<Request> queue) {
      this.controller = controller;
      this.queue = queue;
    }

    @Override
    public void run() {
      log.info(
          "{} leads: managing Secret {}/{} and webhook configuration {}",
          settings.identity(),
          settings.namespace(),
          settings.secretName(),
          settings.registration().configurationName());
      controller.run();
    }

    @Override
    public void shutdown() {
      termQueue.endTerm(queue);
      controller.shutdown();
      log.info("{} stopped leading", settings.identity());
    }
  }
}
