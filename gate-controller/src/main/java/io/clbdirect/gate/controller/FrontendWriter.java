package io.clbdirect.gate.controller;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.NetworkingV1Api;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The few writes clb-direct makes to Services and Ingresses: its finalizer, the load-balancer id
 * annotations and the VIP in {@code status.loadBalancer}. JSON merge patches, so nothing else is
 * touched; the finalizer patch carries the resourceVersion so it cannot drop someone else's
 * finalizer.
 */
class FrontendWriter {

  private final ApiClient client;
  private final CoreV1Api core;
  private final NetworkingV1Api networking;

  FrontendWriter(ApiClient client) {
    this.client = client;
    this.core = new CoreV1Api(client);
    this.networking = new NetworkingV1Api(client);
  }

  static boolean hasFinalizer(KubernetesObject object, String finalizer) {
    return object.getMetadata().getFinalizers() != null
        && object.getMetadata().getFinalizers().contains(finalizer);
  }

  void setFinalizer(KubernetesObject object, String finalizer, boolean present)
      throws ApiException {
    List<String> finalizers =
        new ArrayList<>(
            object.getMetadata().getFinalizers() == null
                ? List.of()
                : object.getMetadata().getFinalizers());
    finalizers.remove(finalizer);
    if (present) {
      finalizers.add(finalizer);
    }
    JsonObject metadata = new JsonObject();
    JsonArray list = new JsonArray();
    finalizers.forEach(list::add);
    metadata.add("finalizers", list);
    metadata.addProperty("resourceVersion", object.getMetadata().getResourceVersion());
    JsonObject patch = new JsonObject();
    patch.add("metadata", metadata);
    patchMetadata(object, patch);
  }

  /** Sets (value non-null) or removes (null) annotations; writes only when something changes. */
  void annotate(KubernetesObject object, Map<String, String> values) throws ApiException {
    Map<String, String> current =
        object.getMetadata().getAnnotations() == null
            ? Map.of()
            : object.getMetadata().getAnnotations();
    JsonObject annotations = new JsonObject();
    values.forEach(
        (key, value) -> {
          if (value == null && current.containsKey(key)) {
            annotations.add(key, JsonNull.INSTANCE);
          } else if (value != null && !value.equals(current.get(key))) {
            annotations.addProperty(key, value);
          }
        });
    if (annotations.size() == 0) {
      return;
    }
    JsonObject metadata = new JsonObject();
    metadata.add("annotations", annotations);
    JsonObject patch = new JsonObject();
    patch.add("metadata", metadata);
    patchMetadata(object, patch);
  }

  /**
   * {@code status.loadBalancer.ingress} = [{ip: vip}], or cleared for null; written only when it
   * differs.
   */
  void setVip(KubernetesObject object, String vip) throws ApiException {
    if (vip != null && vip.equals(currentVip(object))) {
      return;
    }
    JsonObject loadBalancer = new JsonObject();
    if (vip == null) {
      loadBalancer.add("ingress", JsonNull.INSTANCE);
    } else {
      JsonObject entry = new JsonObject();
      entry.addProperty("ip", vip);
      JsonArray ingress = new JsonArray();
      ingress.add(entry);
      loadBalancer.add("ingress", ingress);
    }
    JsonObject status = new JsonObject();
    status.add("loadBalancer", loadBalancer);
    JsonObject patch = new JsonObject();
    patch.add("status", status);
    String ns = object.getMetadata().getNamespace();
    String name = object.getMetadata().getName();
    V1Patch body = new V1Patch(patch.toString());
    if (object instanceof V1Service) {
      io.kubernetes.client.util.PatchUtils.patch(
          V1Service.class,
          () -> core.patchNamespacedServiceStatus(name, ns, body).buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
          client);
    } else {
      io.kubernetes.client.util.PatchUtils.patch(
          V1Ingress.class,
          () -> networking.patchNamespacedIngressStatus(name, ns, body).buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
          client);
    }
  }

  private static String currentVip(KubernetesObject object) {
    if (object instanceof V1Service service) {
      var status = service.getStatus() == null ? null : service.getStatus().getLoadBalancer();
      return status == null || status.getIngress() == null || status.getIngress().size() != 1
          ? null
          : status.getIngress().get(0).getIp();
    }
    V1Ingress ingress = (V1Ingress) object;
    var status = ingress.getStatus() == null ? null : ingress.getStatus().getLoadBalancer();
    return status == null || status.getIngress() == null || status.getIngress().size() != 1
        ? null
        : status.getIngress().get(0).getIp();
  }

  private void patchMetadata(KubernetesObject object, JsonObject patch) throws ApiException {
    String ns = object.getMetadata().getNamespace();
    String name = object.getMetadata().getName();
    V1Patch body = new V1Patch(patch.toString());
    if (object instanceof V1Service) {
      io.kubernetes.client.util.PatchUtils.patch(
          V1Service.class,
          () -> core.patchNamespacedService(name, ns, body).buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
          client);
    } else if (object instanceof V1Ingress) {
      io.kubernetes.client.util.PatchUtils.patch(
          V1Ingress.class,
          () -> networking.patchNamespacedIngress(name, ns, body).buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
          client);
    } else {
      throw new IllegalArgumentException(
          "not a Service or Ingress: " + object.getClass().getSimpleName());
    }
  }
}
