package io.clbdirect.webhook.bootstrap;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.certs.rotation.RotationPlanner;
import io.clbdirect.certs.rotation.RotationPlanner.Current;
import io.clbdirect.certs.rotation.RotationPlanner.Plan;
import io.clbdirect.certs.rotation.SecretCodec;
import io.clbdirect.certs.rotation.SecretCodec.MalformedSecretException;
import io.clbdirect.runtime.CrashPoints;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.extended.event.EventType;
import io.kubernetes.client.extended.event.legacy.EventRecorder;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lease holder's one pass: the Secret first (the caBundle comes from it), then the webhook
 * configuration. {@link RotationPlanner} decides what the Secret needs, {@link
 * WebhookRegistration#drift} whether the configuration does; this class reads, orders the writes
 * and reports them.
 *
 * <p>It asks to be run again at the planner's recheck time, at most a minute away (the wall clock
 * is looked at again every minute); a failure is retried with the workqueue's backoff.
 */
public final class BootstrapReconciler implements Reconciler {

  /** The two objects as last seen: the informers' caches. */
  public interface Cache {
    /** The serving-certificate Secret, or null. */
    V1Secret secret();

    /** The MutatingWebhookConfiguration, or null. */
    V1MutatingWebhookConfiguration configuration();
  }

  /** Writes the Secret: {@link ServingSecretWriter}. */
  public interface SecretWriter {
    /**
     * @param existing the Secret as cached, or null
     * @param next what {@link ServingSecret#next} built to replace it
     * @return the Secret as written
     */
    V1Secret write(V1Secret existing, V1Secret next) throws ApiException;
  }

  /** Applies the webhook configuration: {@link WebhookConfigurationApplier}. */
  public interface ConfigurationApplier {
    void apply(CaBundle bundle) throws ApiException;
  }

  static final Duration LONGEST_WAIT = Duration.ofMinutes(1);
  private static final Logger log = LoggerFactory.getLogger(BootstrapReconciler.class);

  private final Cache cache;
  private final SecretWriter writer;
  private final ConfigurationApplier applier;
  private final EventRecorder recorder;
  private final BootstrapMetrics metrics;
  private final BootstrapSettings settings;
  private final Clock clock;
  private final RotationPlanner planner = new RotationPlanner();

  public BootstrapReconciler(
      Cache cache,
      SecretWriter writer,
      ConfigurationApplier applier,
      EventRecorder recorder,
      BootstrapMetrics metrics,
      BootstrapSettings settings,
      Clock clock) {
    this.cache = cache;
    this.writer = writer;
    this.applier = applier;
    this.recorder = recorder;
    this.metrics = metrics;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public Result reconcile(Request request) {
    try {
      Duration wait = Duration.between(clock.instant(), reconcileOnce());
      return new Result(true, wait.isNegative() ? Duration.ZERO : min(wait, LONGEST_WAIT));
    } catch (ApiException e) {
      log.warn("bootstrap reconcile failed ({}), retrying: {}", e.getCode(), e.getResponseBody());
    } catch (RuntimeException e) {
      log.warn("bootstrap reconcile failed, retrying", e);
    } catch (Error e) {
      // E.g. a class missing because the jar changed under the process: say so loudly every time,
      // rather
      // than let the work stop quietly while the Lease keeps the other replicas from taking over.
      log.error(
          "bootstrap reconcile failed with {}, retrying; this replica likely needs a restart",
          e,
          e);
    }
    return new Result(true);
  }

  /**
   * @return when to look again even if nothing changes
   */
  private Instant reconcileOnce() throws ApiException {
    Instant now = clock.instant();
    V1Secret secret = cache.secret();
    V1MutatingWebhookConfiguration configuration = cache.configuration();
    SecretOutcome outcome =
        secret != null && !ServingSecret.managed(secret)
            ? readOnly(secret, now)
            : keep(
                secret,
                WebhookRegistration.publishedBundle(configuration, settings.registration()),
                now);
    if (outcome.bundle() != null) {
      applyIfDrifted(configuration, outcome, secret);
    }
    return outcome.recheckAt();
  }

  /**
   * @param subject the Secret Events are recorded on, or null
   * @param bundle the caBundle to publish, or null when there is none to publish
   */
  private record SecretOutcome(V1Secret subject, CaBundle bundle, Instant recheckAt) {}

  /** Bring-your-own certificates (e.g. cert-manager's): read, never write. */
  private SecretOutcome readOnly(V1Secret secret, Instant now) {
    try {
      return new SecretOutcome(
          secret, SecretCodec.readBundle(secret.getData()), now.plus(LONGEST_WAIT));
    } catch (MalformedSecretException e) {
      log.warn(
          "Secret {}/{} is not managed by clb-direct and has no usable ca.crt: {}",
          settings.namespace(),
          settings.secretName(),
          e.getMessage());
      return new SecretOutcome(secret, null, now.plus(LONGEST_WAIT));
    }
  }

  /** clb-direct's own Secret: create, renew, rotate or repair it as the planner decides. */
  private SecretOutcome keep(V1Secret secret, CaBundle published, Instant now) throws ApiException {
    Current current = ServingSecret.current(secret, published);
    Plan plan = planner.plan(current, settings.desired(), now);
    if (!plan.writes()) {
      return new SecretOutcome(secret, current.material().bundle(), plan.recheckAt());
    }
    // A request is done once acted on; a Secret written afresh starts without one.
    boolean requestDone = plan.reason().endsWith("-requested") || current.material() == null;
    V1Secret written =
        writer.write(
            secret,
            ServingSecret.next(
                settings.namespace(), settings.secretName(), secret, plan.next(), requestDone));
    if (plan.reason().startsWith("ca-rotation")) {
      // The fault tests crash here: the Secret has the step, the webhook's caBundle not yet.
      CrashPoints.reached(CrashPoints.AFTER_CA_ROTATION_SECRET_WRITE);
    }
    metrics.secretWritten(plan.reason());
    if (current.material() == null) {
      metrics.repaired("secret");
    }
    log.info(
        "serving-certificate Secret {}/{} written: {}",
        settings.namespace(),
        settings.secretName(),
        plan.reason());
    recorder.event(
        written,
        EventType.Normal,
        reasonOf(plan.reason()),
        "serving certificate: %s",
        plan.reason());
    return new SecretOutcome(written, plan.next().bundle(), plan.recheckAt());
  }

  private void applyIfDrifted(
      V1MutatingWebhookConfiguration configuration, SecretOutcome outcome, V1Secret secret)
      throws ApiException {
    List<String> drift =
        WebhookRegistration.drift(configuration, settings.registration(), outcome.bundle());
    if (drift.isEmpty()) {
      return;
    }
    applier.apply(outcome.bundle());
    // A first install (neither object there yet) is no repair.
    if (configuration != null || secret != null) {
      metrics.repaired("webhook-configuration");
    }
    log.info(
        "webhook configuration {} applied (drifted: {})",
        settings.registration().configurationName(),
        drift);
    if (outcome.subject() != null) {
      recorder.event(
          outcome.subject(),
          EventType.Normal,
          "WebhookConfigurationRestored",
          "webhook configuration %s restored: %s",
          settings.registration().configurationName(),
          String.join(", ", drift));
    }
  }

  /** Event reasons are CamelCase by convention: leaf-renewed -> LeafRenewed. */
  static String reasonOf(String planReason) {
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
}
