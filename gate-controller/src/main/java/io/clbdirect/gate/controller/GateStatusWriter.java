package io.clbdirect.gate.controller;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.clbdirect.core.WellKnown;
import io.clbdirect.gate.decide.GateCondition;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.util.PatchUtils;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Writes the gate condition, and only it, to {@code pods/status} (strategic merge: conditions merge
 * by type). No-op patches are skipped; lastTransitionTime moves only when the status changes.
 */
public final class GateStatusWriter {

  private final ApiClient client;
  private final CoreV1Api core;

  public GateStatusWriter(ApiClient client) {
    this.client = client;
    this.core = new CoreV1Api(client);
  }

  /** The condition the Pod carries now, or null. */
  public static GateCondition current(V1Pod pod) {
    V1PodCondition condition = find(pod);
    if (condition == null || condition.getReason() == null) {
      return null;
    }
    try {
      return new GateCondition(
          "True".equals(condition.getStatus()),
          io.clbdirect.gate.decide.GateReason.valueOf(condition.getReason()),
          Objects.toString(condition.getMessage(), ""));
    } catch (IllegalArgumentException e) {
      return null; // written by someone else (or an older version): ours will replace it
    }
  }

  /**
   * @return whether a patch was sent
   */
  /** Whether the Pod's condition differs from the wanted one (status, reason or message). */
  public static boolean differs(V1Pod pod, GateCondition wanted) {
    V1PodCondition existing = find(pod);
    return existing == null
        || !wanted.statusString().equals(existing.getStatus())
        || !wanted.reason().name().equals(existing.getReason())
        || !wanted.message().equals(existing.getMessage());
  }

  public boolean write(V1Pod pod, GateCondition wanted) throws ApiException {
    if (!differs(pod, wanted)) {
      return false;
    }
    V1PodCondition existing = find(pod);
    boolean sameStatus = existing != null && wanted.statusString().equals(existing.getStatus());
    String transition =
        sameStatus && existing.getLastTransitionTime() != null
            ? existing.getLastTransitionTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            : OffsetDateTime.now(ZoneOffset.UTC)
                .truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    JsonObject condition = new JsonObject();
    condition.addProperty("type", WellKnown.READINESS_GATE);
    condition.addProperty("status", wanted.statusString());
    condition.addProperty("reason", wanted.reason().name());
    condition.addProperty("message", wanted.message());
    condition.addProperty("lastTransitionTime", transition);
    JsonArray conditions = new JsonArray();
    conditions.add(condition);
    JsonObject status = new JsonObject();
    status.add("conditions", conditions);
    JsonObject patch = new JsonObject();
    patch.add("status", status);
    PatchUtils.patch(
        V1Pod.class,
        () ->
            core.patchNamespacedPodStatus(
                    pod.getMetadata().getName(),
                    pod.getMetadata().getNamespace(),
                    new V1Patch(patch.toString()))
                .buildCall(null),
        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        client);
    return true;
  }

  private static V1PodCondition find(V1Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> WellKnown.READINESS_GATE.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }
}
