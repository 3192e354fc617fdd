package io.clbdirect.webhook.mutation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
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
 * <p>Every operation is an {@code add} whose path is computed from the Pod exactly as it was sent,
 * so the patch applies to the original JSON; running the mutator again on the patched Pod yields no
 * operations.
 */
public final class PodMutator {

  /** Prefix so users can tell which webhook spoke; the API server shows warnings verbatim. */
  static final String WARNING_PREFIX = "clb-direct: ";

  private final DrainSettings drain;

  /** With the default drain, as a cluster with no settings gets it. */
  public PodMutator() {
    this(DrainSettings.DEFAULTS);
  }

  public PodMutator(DrainSettings drain) {
    this.drain = java.util.Objects.requireNonNull(drain, "drain");
  }

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
          WARNING_PREFIX
              + "hostNetwork Pods cannot be direct-access backends; "
              + frontends
              + " will not gate this Pod");
    }
    NetworkPlan plan = snapshot.networkPlan();
    if (plan == NetworkPlan.UNAVAILABLE) {
      return PodMutation.warning(
          WARNING_PREFIX
              + "direct access is unavailable in global-router mode until "
              + WellKnown.GLOBAL_ROUTE_DIRECT_ACCESS_KEY
              + " is \"true\" in "
              + WellKnown.TKE_CONFIG_NAMESPACE
              + "/"
              + WellKnown.TKE_CONFIG_NAME
              + "; no readiness gate added for "
              + frontends);
    }

    List<PatchOperation> patch = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    addReadinessGate(admitted, spec, patch);
    if (plan == NetworkPlan.GATE_AND_ENI) {
      addEni(admitted, metadata, spec, patch, warnings);
    }
    if (drain.enabled()) {
      addDrain(admitted, annotations, spec, patch, warnings);
    }
    return new PodMutation(patch, warnings);
  }

  /**
   * A {@code preStop} {@code sleep} on each regular container that has no {@code preStop}, so that
   * a deleted Pod keeps serving until the CLB has stopped sending it new connections. A user's hook
   * is never replaced; init containers and native sidecars are left alone (a sidecar is stopped
   * only after every regular container has exited, so it outlives the drain anyway).
   *
   * <p>The API server rejects a sleep longer than {@code terminationGracePeriodSeconds}, and this
   * webhook never blocks a Pod: with a shorter grace period the sleep is cut to it (and 0 gets
   * none), with a warning.
   */
  private void addDrain(
      AdmittedPod admitted,
      Map<String, String> annotations,
      V1PodSpec spec,
      List<PatchOperation> patch,
      List<String> warnings) {
    String optOut = annotations == null ? null : annotations.get(WellKnown.POD_DRAIN_ANNOTATION);
    if (optOut != null) {
      String value = optOut.trim();
      if (value.equalsIgnoreCase("false")) {
        return;
      }
      if (!value.equalsIgnoreCase("true")) {
        warnings.add(
            WARNING_PREFIX
                + "annotation "
                + WellKnown.POD_DRAIN_ANNOTATION
                + ": \""
                + shortValue(optOut)
                + "\" is neither \"true\" nor \"false\"; draining as by default (set \"false\" to opt out)");
      }
    }
    List<Integer> bare = new ArrayList<>();
    List<Integer> withLifecycle = new ArrayList<>();
    for (int i = 0; i < spec.getContainers().size(); i++) {
      JsonElement container = admitted.find("spec", "containers", i);
      if (container == null || !container.isJsonObject()) {
        continue;
      }
      JsonElement lifecycle = admitted.find("spec", "containers", i, "lifecycle");
      if (lifecycle == null) {
        bare.add(i);
      } else if (lifecycle.isJsonObject()
          && admitted.find("spec", "containers", i, "lifecycle", "preStop") == null) {
        withLifecycle.add(i);
      }
    }
    if (bare.isEmpty() && withLifecycle.isEmpty()) {
      return; // every container has its own preStop (or this is our own output again)
    }
    long grace =
        spec.getTerminationGracePeriodSeconds() == null
            ? DrainSettings.DEFAULT_GRACE_PERIOD_SECONDS
            : spec.getTerminationGracePeriodSeconds();
    if (grace <= 0) {
      warnings.add(
          WARNING_PREFIX
              + "terminationGracePeriodSeconds ("
              + grace
              + " s) leaves no time for the "
              + drain.seconds()
              + " s drain: no preStop added, so the load balancer may still send new connections as the Pod stops;"
              + " set it above "
              + drain.seconds()
              + " (drain plus shutdown time)");
      return;
    }
    long seconds = Math.min(drain.seconds(), grace);
    if (grace <= drain.seconds()) {
      warnings.add(
          WARNING_PREFIX
              + "terminationGracePeriodSeconds ("
              + grace
              + " s) is not longer than the drain ("
              + drain.seconds()
              + " s): the containers would be killed as the "
              + seconds
              + " s preStop sleep ends; set it above "
              + drain.seconds()
              + " (drain plus shutdown time) or opt out with "
              + WellKnown.POD_DRAIN_ANNOTATION
              + ": \"false\"");
    }
    for (int i = 0; i < spec.getContainers().size(); i++) {
      if (bare.contains(i)) {
        JsonObject lifecycle = new JsonObject();
        lifecycle.add("preStop", sleep(seconds));
        patch.add(
            PatchOperation.add(JsonPointer.of("spec", "containers", i, "lifecycle"), lifecycle));
      } else if (withLifecycle.contains(i)) {
        patch.add(
            PatchOperation.add(
                JsonPointer.of("spec", "containers", i, "lifecycle", "preStop"), sleep(seconds)));
      }
    }
  }

  /**
   * {@code {"sleep": {"seconds": n}}}, the native action (GA in Kubernetes 1.34, on by default
   * since 1.30).
   */
  private static JsonObject sleep(long seconds) {
    JsonObject action = new JsonObject();
    action.addProperty("seconds", seconds);
    JsonObject handler = new JsonObject();
    handler.add("sleep", action);
    return handler;
  }

  private static String shortValue(String value) {
    String oneLine = value.replaceAll("\\s+", " ");
    return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 37) + "...";
  }

  private static String describe(List<DirectAccessFrontend> selectedBy) {
    return selectedBy.stream()
        .map(DirectAccessFrontend::describe)
        .collect(Collectors.joining(", "));
  }

  private static void addReadinessGate(
      AdmittedPod admitted, V1PodSpec spec, List<PatchOperation> patch) {
    List<V1PodReadinessGate> gates = spec.getReadinessGates();
    JsonObject gate = new JsonObject();
    gate.addProperty("conditionType", WellKnown.READINESS_GATE);
    if (!admitted.has("spec", "readinessGates")) {
      JsonArray array = new JsonArray();
      array.add(gate);
      patch.add(PatchOperation.add("/spec/readinessGates", array));
    } else if (gates == null
        || gates.stream().noneMatch(g -> WellKnown.READINESS_GATE.equals(g.getConditionType()))) {
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
    String network =
        annotations == null ? null : annotations.get(WellKnown.ENI_NETWORKS_ANNOTATION);
    if (network != null && !WellKnown.ENI_NETWORKS_VALUE.equals(network)) {
      // The user chose another network on purpose. Overriding it is not ours to do; the gate stays,
      // so the rollout waits (old Pods keep serving) instead of moving to Pods the CLB cannot
      // reach.
      warnings.add(
          WARNING_PREFIX
              + "Pod asks for network \""
              + network
              + "\" but direct access in a mixed"
              + " cluster needs "
              + WellKnown.ENI_NETWORKS_ANNOTATION
              + ": "
              + WellKnown.ENI_NETWORKS_VALUE
              + "; left unchanged, so the CLB cannot bind it");
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
    List<V1Container> init =
        spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
    return Stream.concat(spec.getContainers().stream(), init.stream())
        .map(V1Container::getResources)
        .anyMatch(
            resources ->
                resources != null
                    && (containsEni(resources.getRequests())
                        || containsEni(resources.getLimits())));
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
    addQuantity(
        resourcesPath,
        "requests",
        admitted.has("spec", "containers", 0, "resources", "requests"),
        patch);
    addQuantity(
        resourcesPath,
        "limits",
        admitted.has("spec", "containers", 0, "resources", "limits"),
        patch);
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
