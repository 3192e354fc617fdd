package io.clbdirect.webhook.mutation;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.clbdirect.core.Annotations;
import io.clbdirect.core.DirectAccessFrontend;
import io.clbdirect.core.NetworkPlan;
import io.clbdirect.core.WellKnown;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Decides how a Pod being created must change to be a safe direct-access backend. Pure: a Pod and a
 * snapshot in, JSON patch operations and warnings out.
 *
 * <p>Every operation is an {@code add} whose path is computed from the Pod exactly as it was sent, so
 * the patch applies to the original JSON; running the mutator again on the patched Pod yields no
 * operations.
 */
public final class PodMutator {

  /** Prefix so users can tell which webhook spoke; the API server shows warnings verbatim. */
  static final String WARNING_PREFIX = "clb-direct: ";

  public PodMutation mutate(AdmittedPod admitted, TopologySnapshot snapshot) {
    V1Pod pod = admitted.model();
    V1ObjectMeta metadata = pod.getMetadata();
    V1PodSpec spec = pod.getSpec();
    if (spec == null || spec.getContainers() == null || spec.getContainers().isEmpty()) {
      // Nothing could be patched safely; the API server will reject such a Pod on its own anyway.
      return PodMutation.none();
    }
    Map<String, String> labels = metadata == null ? null : metadata.getLabels();
    List<DirectAccessFrontend> selectedBy =
        snapshot.frontends().stream().filter(frontend -> frontend.selects(labels)).toList();
    if (selectedBy.isEmpty()) {
      return PodMutation.none();
    }
    Map<String, String> annotations = metadata.getAnnotations();
    if (Annotations.isFalse(annotations, WellKnown.POD_INJECT_ANNOTATION)) {
      return PodMutation.none();
    }
    String frontends = describe(selectedBy);
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      return PodMutation.warning(
          WARNING_PREFIX + "hostNetwork Pods cannot be direct-access backends; " + frontends
              + " will not gate this Pod");
    }
    NetworkPlan plan = snapshot.networkPlan();
    if (plan == NetworkPlan.UNAVAILABLE) {
      return PodMutation.warning(
          WARNING_PREFIX + "direct access is unavailable in global-router mode until "
              + WellKnown.GLOBAL_ROUTE_DIRECT_ACCESS_KEY + " is \"true\" in "
              + WellKnown.TKE_CONFIG_NAMESPACE + "/" + WellKnown.TKE_CONFIG_NAME
              + "; no readiness gate added for " + frontends);
    }

    List<PatchOperation> patch = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    addReadinessGate(admitted, spec, patch);
    if (plan == NetworkPlan.GATE_AND_ENI) {
      addEni(admitted, metadata, spec, patch, warnings);
    }
    return new PodMutation(patch, warnings);
  }

  private static String describe(List<DirectAccessFrontend> selectedBy) {
    return selectedBy.stream().map(DirectAccessFrontend::describe).collect(Collectors.joining(", "));
  }

  private static void addReadinessGate(AdmittedPod admitted, V1PodSpec spec, List<PatchOperation> patch) {
    List<V1PodReadinessGate> gates = spec.getReadinessGates();
    JsonObject gate = new JsonObject();
    gate.addProperty("conditionType", WellKnown.READINESS_GATE);
    if (!admitted.has("spec", "readinessGates")) {
      JsonArray array = new JsonArray();
      array.add(gate);
      patch.add(PatchOperation.add("/spec/readinessGates", array));
    } else if (gates == null || gates.stream().noneMatch(g -> WellKnown.READINESS_GATE.equals(g.getConditionType()))) {
      patch.add(PatchOperation.add("/spec/readinessGates/-", gate));
    }
  }

  private static void addEni(
      AdmittedPod admitted,
      V1ObjectMeta metadata,
      V1PodSpec spec,
      List<PatchOperation> patch,
      List<String> warnings) {
    Map<String, String> annotations = metadata.getAnnotations();
    String network = annotations == null ? null : annotations.get(WellKnown.ENI_NETWORKS_ANNOTATION);
    if (network != null && !WellKnown.ENI_NETWORKS_VALUE.equals(network)) {
      // The user chose another network on purpose. Overriding it is not ours to do; the gate stays,
      // so the rollout waits (old Pods keep serving) instead of moving to Pods the CLB cannot reach.
      warnings.add(
          WARNING_PREFIX + "Pod asks for network \"" + network + "\" but direct access in a mixed"
              + " cluster needs " + WellKnown.ENI_NETWORKS_ANNOTATION + ": "
              + WellKnown.ENI_NETWORKS_VALUE + "; left unchanged, so the CLB cannot bind it");
      return;
    }
    if (network == null) {
      if (!admitted.has("metadata", "annotations")) {
        JsonObject value = new JsonObject();
        value.addProperty(WellKnown.ENI_NETWORKS_ANNOTATION, WellKnown.ENI_NETWORKS_VALUE);
        patch.add(PatchOperation.add("/metadata/annotations", value));
      } else {
        patch.add(
            PatchOperation.add(
                JsonPointer.of("metadata", "annotations", WellKnown.ENI_NETWORKS_ANNOTATION),
                new JsonPrimitive(WellKnown.ENI_NETWORKS_VALUE)));
      }
    }
    if (!anyContainerAsksForEni(spec)) {
      addEniResource(admitted, patch);
    }
  }

  /** Init and sidecar containers count: the Pod's effective request includes them. */
  private static boolean anyContainerAsksForEni(V1PodSpec spec) {
    List<V1Container> init = spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
    return Stream.concat(spec.getContainers().stream(), init.stream())
        .map(V1Container::getResources)
        .anyMatch(
            resources ->
                resources != null
                    && (containsEni(resources.getRequests()) || containsEni(resources.getLimits())));
  }

  private static boolean containsEni(Map<String, ?> quantities) {
    return quantities != null && quantities.containsKey(WellKnown.ENI_IP_RESOURCE);
  }

  private static void addEniResource(AdmittedPod admitted, List<PatchOperation> patch) {
    String resourcesPath = "/spec/containers/0/resources";
    if (!admitted.has("spec", "containers", 0, "resources")) {
      JsonObject value = new JsonObject();
      value.add("requests", eniQuantity());
      value.add("limits", eniQuantity());
      patch.add(PatchOperation.add(resourcesPath, value));
      return;
    }
    addQuantity(resourcesPath, "requests", admitted.has("spec", "containers", 0, "resources", "requests"), patch);
    addQuantity(resourcesPath, "limits", admitted.has("spec", "containers", 0, "resources", "limits"), patch);
  }

  private static void addQuantity(
      String resourcesPath, String field, boolean mapExists, List<PatchOperation> patch) {
    if (mapExists) {
      patch.add(
          PatchOperation.add(
              resourcesPath + "/" + field + "/" + JsonPointer.escape(WellKnown.ENI_IP_RESOURCE),
              new JsonPrimitive("1")));
    } else {
      patch.add(PatchOperation.add(resourcesPath + "/" + field, eniQuantity()));
    }
  }

  private static JsonObject eniQuantity() {
    JsonObject quantity = new JsonObject();
    quantity.addProperty(WellKnown.ENI_IP_RESOURCE, "1");
    return quantity;
  }
}
