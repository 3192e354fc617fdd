package io.clbdirect.webhook.admission;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.webhook.mutation.AdmittedPod;
import io.clbdirect.webhook.mutation.PodMutation;
import io.clbdirect.webhook.mutation.PodMutator;
import io.clbdirect.webhook.mutation.TopologySnapshot;
import io.clbdirect.webhook.topology.DirectAccessTopology;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one AdmissionReview for a Pod. Never blocks a Pod because of clb-direct: anything it
 * cannot read or decide is allowed unchanged with a warning that says why.
 */
public final class PodAdmissionHandler {

  private static final Logger log = LoggerFactory.getLogger(PodAdmissionHandler.class);
  private static final String PREFIX = "clb-direct: ";

  private final DirectAccessTopology topology;
  private final PodMutator mutator;
  private final AdmissionReviewCodec codec;
  private final Consumer<Outcome> outcomes;

  /** What happened to one review, for metrics. */
  public enum Outcome {
    PATCHED,
    UNCHANGED,
    SKIPPED_NOT_A_POD,
    SKIPPED_UNREADABLE,
    SKIPPED_ERROR,
    NOT_SYNCED
  }

  public PodAdmissionHandler(
      DirectAccessTopology topology,
      PodMutator mutator,
      AdmissionReviewCodec codec,
      Consumer<Outcome> outcomes) {
    this.topology = topology;
    this.mutator = mutator;
    this.codec = codec;
    this.outcomes = outcomes;
  }

  /**
   * @throws TopologyNotSyncedException before the caches have synced: answering "no change" from a
   *     half-filled cache would let a direct-access Pod through without its gate, so the caller
   *     must fail the call and let the webhook's failurePolicy decide
   */
  public AdmissionReview handle(AdmissionReview review) {
    if (!topology.hasSynced()) {
      outcomes.accept(Outcome.NOT_SYNCED);
      throw new TopologyNotSyncedException();
    }
    AdmissionRequest request = review.request();
    return review.reply(respond(request));
  }

  private AdmissionResponse respond(AdmissionRequest request) {
    String uid = request.uid();
    if (!isPodRequest(request)) {
      outcomes.accept(Outcome.SKIPPED_NOT_A_POD);
      return AdmissionResponse.allow(
          uid,
          List.of(PREFIX + "expected a Pod, got " + describeKind(request) + "; left unchanged"));
    }
    if (!"CREATE".equals(request.operation())) {
      // Readiness gates can only be set at creation; other operations are not ours to touch.
      outcomes.accept(Outcome.UNCHANGED);
      return AdmissionResponse.allow(uid, List.of());
    }
    AdmittedPod pod;
    try {
      pod = AdmittedPod.read(request.object());
    } catch (RuntimeException e) {
      outcomes.accept(Outcome.SKIPPED_UNREADABLE);
      log.warn("admission {}: cannot read the Pod: {}", uid, e.getMessage());
      return AdmissionResponse.allow(
          uid,
          List.of(
              PREFIX + "could not read the Pod (" + shorten(e.getMessage()) + "); left unchanged"));
    }
    try {
      String namespace = namespaceOf(pod.model(), request);
      TopologySnapshot snapshot = topology.snapshot(namespace);
      PodMutation mutation = mutator.mutate(pod, snapshot);
      if (mutation.patch().isEmpty()) {
        outcomes.accept(Outcome.UNCHANGED);
        return AdmissionResponse.allow(uid, mutation.warnings());
      }
      outcomes.accept(Outcome.PATCHED);
      return AdmissionResponse.allowWithPatch(
          uid, codec.encodePatch(mutation.patch()), mutation.warnings());
    } catch (RuntimeException e) {
      outcomes.accept(Outcome.SKIPPED_ERROR);
      log.error("admission {}: failed to decide, Pod allowed unchanged", uid, e);
      return AdmissionResponse.allow(
          uid,
          List.of(PREFIX + "internal error (" + shorten(e.getMessage()) + "); left unchanged"));
    }
  }

  private static boolean isPodRequest(AdmissionRequest request) {
    if (request.kind() == null || !request.kind().isCorePod()) {
      return false;
    }
    JsonElement object = request.object();
    if (!(object instanceof JsonObject json)) {
      return false;
    }
    // The object's own kind, when present, must agree with the request's.
    JsonElement kind = json.get("kind");
    return kind == null
        || kind.isJsonNull()
        || "Pod".equals(kind.isJsonPrimitive() ? kind.getAsString() : null);
  }

  private static String describeKind(AdmissionRequest request) {
    if (request.kind() == null) {
      return "no kind";
    }
    if (request.object() == null || request.object().isJsonNull()) {
      return request.kind() + " without an object";
    }
    return request.kind().toString();
  }

  /** At CREATE the Pod often has no namespace yet; the request always has it. */
  private static String namespaceOf(V1Pod pod, AdmissionRequest request) {
    String namespace = pod.getMetadata() == null ? null : pod.getMetadata().getNamespace();
    return namespace == null || namespace.isEmpty() ? request.namespace() : namespace;
  }

  /** Warnings are shown to users verbatim; keep parser dumps out of them. */
  private static String shorten(String message) {
    if (message == null) {
      return "no detail";
    }
    String oneLine = message.replaceAll("\\s+", " ");
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
  }
}
