package io.clbdirect.gate.controller;

import io.clbdirect.core.DirectAccessRequest;
import io.clbdirect.core.LabelSelectors;
import io.clbdirect.core.WellKnown;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.clb.ClbTargets;
import io.clbdirect.gate.clb.LoadBalancerRefused;
import io.clbdirect.gate.decide.CallPlan;
import io.clbdirect.gate.decide.IngressRoutes;
import io.clbdirect.gate.decide.TargetAddress;
import io.clbdirect.gate.decide.TargetChanges;
import io.clbdirect.gate.decide.TerminatingPod;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.extended.event.EventType;
import io.kubernetes.client.extended.event.legacy.EventRecorder;
import io.kubernetes.client.informer.cache.Caches;
import io.kubernetes.client.informer.cache.Indexer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What Service and Ingress reconciles share: Pod lookup, target convergence and de-duplicated
 * Events.
 */
final class FrontendSupport {

  private final Indexer<V1Pod> pods;
  private final ClbTargets targets;
  private final FrontendWriter writer;
  private final EventRecorder recorder;
  private final DeletionToClbChange deletionToChange;

  /** TKE's live cluster default for graceful deletion (EnablePodGracefulDeletion). */
  private final java.util.function.BooleanSupplier podGracefulDeletion;

  /**
   * Last message per (object UID, reason), so a reconcile every few seconds does not repeat an
   * Event.
   */
  private final Map<String, String> announced = new ConcurrentHashMap<>();

  private final CertificateSecrets certificates;

  FrontendSupport(
      Indexer<V1Pod> pods,
      ClbTargets targets,
      FrontendWriter writer,
      EventRecorder recorder,
      DeletionToClbChange deletionToChange,
      java.util.function.BooleanSupplier podGracefulDeletion) {
    this(
        pods,
        targets,
        writer,
        recorder,
        deletionToChange,
        podGracefulDeletion,
        CertificateSecrets.NONE);
  }

  FrontendSupport(
      Indexer<V1Pod> pods,
      ClbTargets targets,
      FrontendWriter writer,
      EventRecorder recorder,
      DeletionToClbChange deletionToChange,
      java.util.function.BooleanSupplier podGracefulDeletion,
      CertificateSecrets certificates) {
    this.certificates = certificates;
    this.deletionToChange = deletionToChange;
    this.podGracefulDeletion = podGracefulDeletion;
    this.pods = pods;
    this.targets = targets;
    this.writer = writer;
    this.recorder = recorder;
  }

  FrontendWriter writer() {
    return writer;
  }

  ClbTargets targets() {
    return targets;
  }

  CertificateSecrets certificates() {
    return certificates;
  }

  /** The Ingress's rules, its HTTPS hosts judged by the certificate Secrets they name. */
  IngressRoutes routes(V1Ingress ingress, String vip) {
    String namespace = ingress.getMetadata().getNamespace();
    return IngressRoutes.of(ingress, vip, secret -> certificates.problem(namespace, secret));
  }

  /** Pods by namespace and each of their labels ({@code ns/key=value}). */
  static final String LABEL_INDEX = "clb-direct-labels";

  static String labelIndexValue(String namespace, String key, String value) {
    return namespace + "/" + key + "=" + value;
  }

  /** The label index's values of a Pod. */
  static List<String> labelIndex(V1Pod pod) {
    Map<String, String> labels = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
    if (labels == null || labels.isEmpty()) {
      return List.of();
    }
    List<String> values = new ArrayList<>(labels.size());
    labels.forEach((k, v) -> values.add(labelIndexValue(pod.getMetadata().getNamespace(), k, v)));
    return values;
  }

  List<V1Pod> selected(V1Service service) {
    Map<String, String> selector =
        service.getSpec() == null ? null : service.getSpec().getSelector();
    List<V1Pod> selected = new ArrayList<>();
    if (selector == null || selector.isEmpty()) {
      return selected; // a Service without selector has hand-made endpoints, not Pods to bind
    }
    String namespace = service.getMetadata().getNamespace();
    // With the label index, only the Pods carrying one of the selector's labels are looked at, not
    // every
    // Pod of the namespace: a load balancer's reconcile selects for each of its frontends.
    Map.Entry<String, String> first = selector.entrySet().iterator().next();
    List<V1Pod> candidates =
        pods.getIndexers().containsKey(LABEL_INDEX)
            ? pods.byIndex(
                LABEL_INDEX, labelIndexValue(namespace, first.getKey(), first.getValue()))
            : pods.byIndex(Caches.NAMESPACE_INDEX, namespace);
    for (V1Pod pod : candidates) {
      if (LabelSelectors.selects(selector, pod.getMetadata().getLabels())) {
        selected.add(pod);
      }
    }
    return selected;
  }

  /**
   * Sends the calls that bring the targets to the changes' desired state, in the planned order, and
   * times each terminating Pod's change as it lands.
   *
   * @return listener ids that refused targets for quota
   */
  Set<String> execute(List<TargetChanges> changes, Map<TargetAddress, TerminatingPod> terminating)
      throws ClbOperationException {
    Set<String> quotaFull = new HashSet<>();
    DeletionToClbChange.Round drained = deletionToChange.round(terminating);
    try {
      for (CallPlan.Call call : CallPlan.plan(changes)) {
        quotaFull.addAll(targets.execute(call));
        drained.landed(call); // execute returns once the batch call answered or its task completed
      }
    } finally {
      drained.record();
    }
    return quotaFull;
  }

  /**
   * Warns, once per frontend, about selected Pods without the gate that the webhook would have
   * given them: created before the frontend became direct-access (or while the webhook was down).
   * Pods opted out ({@code clb-direct.io/inject: "false"}) and host-network Pods are left out on
   * purpose. The message holds no count, so one restart of the workload (the count falling Pod by
   * Pod) is one Event; it is given again should ungated Pods come back after none were left.
   */
  void warnUngated(KubernetesObject frontend, Collection<V1Pod> selected) {
    boolean ungated =
        selected.stream()
            .anyMatch(
                p ->
                    !gated(p)
                        && p.getMetadata().getDeletionTimestamp() == null
                        && !Boolean.TRUE.equals(
                            p.getSpec() == null ? null : p.getSpec().getHostNetwork())
                        && !"false"
                            .equalsIgnoreCase(
                                String.valueOf(
                                        p.getMetadata().getAnnotations() == null
                                            ? null
                                            : p.getMetadata()
                                                .getAnnotations()
                                                .get(WellKnown.POD_INJECT_ANNOTATION))
                                    .trim()));
    if (!ungated) {
      resolved(frontend, "PodsWithoutReadinessGate");
      return;
    }
    // Still bound (traffic must reach them), but their rollouts will not wait for the CLB.
    announceOnce(
        frontend,
        "PodsWithoutReadinessGate",
        "Pods selected by this direct-access "
            + (frontend instanceof V1Service ? "Service" : "Ingress")
            + " have no readiness gate (created before it was direct-access, "
            + "or while the webhook was unavailable); restart the workload (kubectl rollout restart) so that its rollouts wait for "
            + "the load balancer");
  }

  /**
   * Says, once per cause, why an object that asks for direct access is not served (an invalid
   * annotation value, a Service type without a load balancer, an Ingress class clb-direct does not
   * serve), and forgets the other causes, so each is said again should it come back.
   */
  void judge(KubernetesObject frontend, DirectAccessRequest request) {
    for (DirectAccessRequest.Problem problem : DirectAccessRequest.Problem.values()) {
      if (problem == request.problem()) {
        announceOnce(frontend, problem.eventReason(), request.message());
      } else {
        resolved(frontend, problem.eventReason());
      }
    }
  }

  /**
   * The first steps of every reconcile of a frontend that asks for direct access: in global-router
   * mode without TKE's GlobalRouteDirectAccess the CLB cannot reach the Pods (and the webhook gave
   * them no gate), so nothing is bound and an Event says why; otherwise the finalizer is put in
   * place.
   *
   * @return whether to go on binding
   */
  boolean admit(KubernetesObject frontend, boolean directAccessAvailable, boolean finalized)
      throws ApiException {
    if (!directAccessAvailable) {
      announceOnce(
          frontend,
          "DirectAccessUnavailable",
          "direct access is unavailable in global-router mode until GlobalRouteDirectAccess is \"true\" in "
              + "kube-system/tke-service-controller-config; not binding Pods");
      return false;
    }
    resolved(frontend, "DirectAccessUnavailable");
    if (!finalized) {
      writer.setFinalizer(frontend, FrontendReconciler.FINALIZER, true);
    }
    return true;
  }

  /**
   * A Warning Event, unless the same reason with the same message was already given for this
   * object.
   */
  void announceOnce(KubernetesObject object, String reason, String message) {
    announceOnce(object, EventType.Warning, reason, message);
  }

  void announceOnce(KubernetesObject object, EventType type, String reason, String message) {
    String key = object.getMetadata().getUid() + "/" + reason;
    if (!message.equals(announced.put(key, message))) {
      recorder.event(object, type, reason, "%s", message);
    }
  }

  /**
   * How the frontend takes deleted Pods out: its annotations and TKE's live cluster default, read
   * at each reconcile. Where graceful deletion is on, what differs from TKE is said once (Normal);
   * a value that is neither "true" nor "false" once (Warning).
   */
  io.clbdirect.gate.decide.GracefulTermination termination(
      KubernetesObject frontend, io.clbdirect.gate.decide.FrontendAnnotations kind) {
    io.clbdirect.gate.decide.GracefulTermination termination =
        io.clbdirect.gate.decide.GracefulTermination.of(
            kind, frontend.getMetadata().getAnnotations(), podGracefulDeletion.getAsBoolean());
    termination
        .note()
        .ifPresentOrElse(
            note -> announceOnce(frontend, EventType.Normal, "GracefulDeletionByDrain", note),
            () -> resolved(frontend, "GracefulDeletionByDrain"));
    termination
        .problem()
        .ifPresentOrElse(
            problem -> announceOnce(frontend, "InvalidGraceDeletionValue", problem),
            () -> resolved(frontend, "InvalidGraceDeletionValue"));
    return termination;
  }

  /** Forgets an announcement, so the problem is reported again should it come back. */
  void resolved(KubernetesObject object, String reason) {
    announced.remove(object.getMetadata().getUid() + "/" + reason);
  }

  /** Event reasons of a refused load balancer ({@link LoadBalancerRefused#eventReason()}). */
  static final java.util.List<String> REFUSALS =
      java.util.List.of(
          "LoadBalancerNetworkMismatch",
          "InvalidLoadBalancerParameters",
          "LoadBalancerCreationRefused",
          "LoadBalancerNotFound");

  /**
   * What the frontend's annotations ask clb-direct to create, with the annotations that cannot
   * apply here reported (once) instead of dropped.
   */
  io.clbdirect.gate.decide.LoadBalancerSpecs.Decision plan(
      KubernetesObject frontend,
      io.clbdirect.gate.decide.FrontendAnnotations names,
      boolean podIpsOutsideVpc) {
    io.clbdirect.gate.decide.LoadBalancerSpecs.Decision plan =
        io.clbdirect.gate.decide.LoadBalancerSpecs.decide(
            names, frontend.getMetadata().getAnnotations(), podIpsOutsideVpc);
    if (plan.ignored().isEmpty()) {
      resolved(frontend, "AnnotationIgnored");
    } else {
      announceOnce(frontend, "AnnotationIgnored", String.join("; ", plan.ignored()));
    }
    return plan;
  }

  /** TKE annotations clb-direct does not act on, announced once with what happens instead. */
  void announceUnserved(
      KubernetesObject frontend, io.clbdirect.gate.decide.FrontendAnnotations kind) {
    java.util.List<String> unserved =
        io.clbdirect.gate.decide.UnservedAnnotations.of(
            kind, frontend.getMetadata().getAnnotations());
    if (unserved.isEmpty()) {
      resolved(frontend, "AnnotationNotSupported");
    } else {
      announceOnce(frontend, "AnnotationNotSupported", String.join("; ", unserved));
    }
  }

  /**
   * The load balancer is in use: refusals are over, and creation parameters that no longer fit are
   * reported.
   */
  void loadBalancerAccepted(KubernetesObject frontend, String creationNote) {
    REFUSALS.forEach(reason -> resolved(frontend, reason));
    if (creationNote == null) {
      resolved(frontend, "CreationParametersNotApplied");
    } else {
      announceOnce(frontend, "CreationParametersNotApplied", creationNote);
    }
  }

  void warn(KubernetesObject object, String reason, String message) {
    recorder.event(object, EventType.Warning, reason, "%s", message);
  }

  void forgetAnnouncements() {
    announced.clear();
  }

  /** The object is gone: nothing of it needs remembering. */
  void forget(String uid) {
    announced.keySet().removeIf(key -> key.startsWith(uid + "/"));
  }

  static boolean gated(V1Pod pod) {
    return pod.getSpec() != null
        && pod.getSpec().getReadinessGates() != null
        && pod.getSpec().getReadinessGates().stream()
            .anyMatch(g -> WellKnown.READINESS_GATE.equals(g.getConditionType()));
  }
}
