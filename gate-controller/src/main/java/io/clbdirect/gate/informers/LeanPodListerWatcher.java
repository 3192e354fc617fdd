package io.clbdirect.gate.informers;

import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;

/**
 * The gate-controller's Pod cache, with less memory: listed in pages of {@link
 * LeanListerWatcher#PAGE} (one response of 10,000 Pods is a string of tens of MiB, parsed whole),
 * and each Pod's {@code managedFields} — server-side-apply bookkeeping nothing in clb-direct reads,
 * often the largest part of a Pod — dropped before the Pod reaches the cache.
 */
public final class LeanPodListerWatcher {

  /** Pods per list page. */
  public static final int PAGE = LeanListerWatcher.PAGE;

  private LeanPodListerWatcher() {}

  public static LeanListerWatcher<V1Pod, V1PodList> create(
      GenericKubernetesApi<V1Pod, V1PodList> api) {
    return new LeanListerWatcher<>(
        api,
        V1PodList::getItems,
        (meta, items) -> new V1PodList().metadata(meta).items(items),
        LeanPodListerWatcher::lean);
  }

  /** The Pod without what no part of clb-direct reads. */
  static V1Pod lean(V1Pod pod) {
    if (pod.getMetadata() != null) {
      pod.getMetadata().setManagedFields(null);
    }
    return pod;
  }
}
