package io.clbdirect.gate.controller;

import com.google.gson.JsonObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;

/**
 * A TkeServiceConfig as the informer caches it: typed metadata, the spec kept as JSON for the pure
 * parser. (client-java's DynamicKubernetesObject cannot back an informer: its list loses the list's
 * resourceVersion.)
 */
final class TkeServiceConfigResource implements KubernetesObject {

  private String apiVersion;
  private String kind;
  private V1ObjectMeta metadata;
  private JsonObject spec;

  @Override
  public V1ObjectMeta getMetadata() {
    return metadata;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public String getKind() {
    return kind;
  }

  /** The resource in the shape the parser reads: its spec, under {@code spec}. */
  JsonObject asJson() {
    JsonObject resource = new JsonObject();
    if (spec != null) {
      resource.add("spec", spec.deepCopy());
    }
    return resource;
  }
}
