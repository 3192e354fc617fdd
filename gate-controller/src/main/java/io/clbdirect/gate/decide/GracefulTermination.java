package io.clbdirect.gate.decide;

import io.clbdirect.core.Annotations;
import io.clbdirect.core.WellKnown;
import java.util.Map;
import java.util.Optional;

/**
 * How a direct-access Service or Ingress takes a deleted Pod out of service, from TKE's switches.
 * Pure.
 *
 * <p>TKE has two: {@code enable-grace-shutdown} (weight 0 on deletion instead of deregistering) and
 * {@code enable-grace-deletion} (the same weight 0, plus TKE's patched kubelet holding the Pod's
 * containers until that change has landed). The second is an annotation on the frontend, or the
 * cluster default {@code EnablePodGracefulDeletion} in {@code
 * kube-system/tke-service-controller-config}, which the annotation overrides both ways. clb-direct
 * runs on any kubelet, so it honours graceful deletion as far as it can: weight 0 exactly as
 * graceful shutdown, and the wait is the preStop sleep its webhook injects (a fixed time, not
 * "until the change landed"). {@link #note()} says so to the user.
 *
 * @param graceShutdown {@code enable-grace-shutdown} is "true"
 * @param graceDeletion whether graceful deletion is on, and what turned it on or off
 * @param annotation the frontend's grace-deletion annotation name (its kind's spelling)
 * @param invalidValue the annotation's value when it is neither "true" nor "false" (then the
 *     cluster default applies), else null
 */
public record GracefulTermination(
    boolean graceShutdown, GraceDeletion graceDeletion, String annotation, String invalidValue) {

  /** Where graceful deletion's on or off came from. */
  public enum GraceDeletion {
    /** Not asked for: no annotation, and the cluster default off (or unknown). */
    OFF,
    /** The frontend's annotation is "false": off even though the cluster default is on. */
    OFF_BY_ANNOTATION,
    /** The frontend's annotation is "true". */
    ON_BY_ANNOTATION,
    /** No annotation (or an invalid one) and {@code EnablePodGracefulDeletion: "true"}. */
    ON_BY_CLUSTER_DEFAULT;

    public boolean on() {
      return this == ON_BY_ANNOTATION || this == ON_BY_CLUSTER_DEFAULT;
    }
  }

  /** Service annotation: terminating Pods go to weight 0 before being deregistered. */
  public static final String GRACE_SHUTDOWN_ANNOTATION =
      "service.cloud.tencent.com/enable-grace-shutdown";

  /** The same switch on a direct-access Ingress, under TKE's Ingress name. */
  public static final String INGRESS_GRACE_SHUTDOWN_ANNOTATION =
      "ingress.cloud.tencent.com/enable-grace-shutdown";

  /** TKE's graceful deletion on a Service. */
  public static final String GRACE_DELETION_ANNOTATION =
      "service.cloud.tencent.com/enable-grace-deletion";

  /** TKE's graceful deletion on an Ingress. */
  public static final String INGRESS_GRACE_DELETION_ANNOTATION =
      "ingress.cloud.tencent.com/enable-grace-deletion";

  /**
   * Graceful shutdown and deletion off, as for a frontend without TKE's annotations in a cluster
   * without the default.
   */
  public static GracefulTermination none(FrontendAnnotations kind) {
    return new GracefulTermination(false, GraceDeletion.OFF, graceDeletionAnnotation(kind), null);
  }

  /**
   * @param kind which spelling of the grace-deletion annotation the frontend is read with
   * @param annotations the Service's or Ingress's annotations (null for none)
   * @param clusterDefault {@code EnablePodGracefulDeletion} is "true" in TKE's ConfigMap
   */
  public static GracefulTermination of(
      FrontendAnnotations kind, Map<String, String> annotations, boolean clusterDefault) {
    // Either spelling of grace shutdown on either kind, as clb-direct has always read it.
    boolean shutdown =
        Annotations.isTrue(annotations, GRACE_SHUTDOWN_ANNOTATION)
            || Annotations.isTrue(annotations, INGRESS_GRACE_SHUTDOWN_ANNOTATION);
    // Grace deletion only in the kind's own spelling, as TKE's controllers read it.
    String name = graceDeletionAnnotation(kind);
    String value = annotations == null ? null : annotations.get(name);
    GraceDeletion deletion;
    String invalid = null;
    if (Annotations.isTrue(annotations, name)) {
      deletion = GraceDeletion.ON_BY_ANNOTATION;
    } else if (Annotations.isFalse(annotations, name)) {
      deletion = GraceDeletion.OFF_BY_ANNOTATION;
    } else {
      invalid = value; // null when absent
      deletion = clusterDefault ? GraceDeletion.ON_BY_CLUSTER_DEFAULT : GraceDeletion.OFF;
    }
    return new GracefulTermination(shutdown, deletion, name, invalid);
  }

  static String graceDeletionAnnotation(FrontendAnnotations kind) {
    return kind == FrontendAnnotations.INGRESS
        ? INGRESS_GRACE_DELETION_ANNOTATION
        : GRACE_DELETION_ANNOTATION;
  }

  /**
   * A deleted Pod's targets go to weight 0 and stay until the Pod object is gone, instead of being
   * deregistered at once.
   */
  public boolean drainsDeletedPods() {
    return graceShutdown || graceDeletion.on();
  }

  /**
   * What clb-direct does instead of TKE's kubelet wait, for a Normal Event once per frontend: empty
   * when graceful deletion is off.
   */
  public Optional<String> note() {
    if (!graceDeletion.on()) {
      return Optional.empty();
    }
    String source =
        graceDeletion == GraceDeletion.ON_BY_ANNOTATION
            ? annotation + ": \"true\""
            : WellKnown.POD_GRACEFUL_DELETION_KEY
                + ": \"true\" in "
                + WellKnown.TKE_CONFIG_NAMESPACE
                + "/"
                + WellKnown.TKE_CONFIG_NAME;
    return Optional.of(
        "graceful deletion is on ("
            + source
            + "): a deleted Pod's targets go to weight 0 at once and are "
            + "deregistered when the Pod is gone, as on TKE; but no kubelet here waits for the weight change to land: the wait is "
            + "the preStop sleep clb-direct's webhook injects (clb-direct.webhook.drain.seconds, a fixed time), so a Pod without it "
            + "("
            + WellKnown.POD_DRAIN_ANNOTATION
            + ": \"false\", the drain off for the cluster, or created before the webhook) "
            + "waits only as long as its own preStop hook");
  }

  /**
   * The annotation's value is neither "true" nor "false", for a Warning: empty when it is fine or
   * absent.
   */
  public Optional<String> problem() {
    if (invalidValue == null) {
      return Optional.empty();
    }
    String shown =
        invalidValue.length() > 40 ? invalidValue.substring(0, 40) + "..." : invalidValue;
    return Optional.of(
        annotation
            + ": \""
            + shown
            + "\" is neither \"true\" nor \"false\"; the cluster default ("
            + WellKnown.POD_GRACEFUL_DELETION_KEY
            + " in "
            + WellKnown.TKE_CONFIG_NAMESPACE
            + "/"
            + WellKnown.TKE_CONFIG_NAME
            + ") applies: graceful deletion is "
            + (graceDeletion.on() ? "on" : "off"));
  }
}
