package io.clbdirect.gate.controller;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.openapi.models.V1ListMeta;
import java.util.List;

/** A page of TkeServiceConfigs, as list calls return them. */
final class TkeServiceConfigResourceList implements KubernetesListObject {

  private String apiVersion;
  private String kind;
  private V1ListMeta metadata;
  private List<TkeServiceConfigResource> items;

  @Override
  public V1ListMeta getMetadata() {
    return metadata;
  }

  @Override
  public List<TkeServiceConfigResource> getItems() {
    return items == null ? List.of() : items;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public String getKind() {
    return kind;
  }
}
