package io.clbdirect.gate.informers;

import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Lists and watches every Pod for the gate-controller's cache, with less memory: the list comes in
 * pages of {@link #PAGE} (one response of 10,000 Pods is a string of tens of MiB, parsed whole),
 * and each Pod's {@code managedFields} — server-side-apply bookkeeping nothing in clb-direct reads,
 * often the largest part of a Pod — are dropped before the Pod reaches the cache. client-java's
 * informers have no transform hook (client-go's {@code SetTransform}), hence this lister-watcher.
 */
public final class LeanPodListerWatcher implements ListerWatcher<V1Pod, V1PodList> {

  /** Pods per list page. */
  public static final int PAGE = 500;

  private final GenericKubernetesApi<V1Pod, V1PodList> api;

  public LeanPodListerWatcher(GenericKubernetesApi<V1Pod, V1PodList> api) {
    this.api = api;
  }

  @Override
  public V1PodList list(CallGeneratorParams params) throws ApiException {
    List<V1Pod> items = new ArrayList<>();
    String next = null;
    V1ListMeta first = null;
    do {
      ListOptions options = new ListOptions();
      options.setLimit(PAGE);
      options.setContinue(next);
      options.setTimeoutSeconds(params.timeoutSeconds);
      if (next == null) {
        // Only the first page may name a resourceVersion; the continue token carries it after that.
        options.setResourceVersion(params.resourceVersion);
      }
      V1PodList page = api.list(options).throwsApiException().getObject();
      if (first == null) {
        first = page.getMetadata();
      }
      for (V1Pod pod : page.getItems()) {
        items.add(lean(pod));
      }
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    // The resourceVersion of a paginated list is the first page's: the snapshot all pages belong
    // to.
    return new V1PodList()
        .metadata(
            new V1ListMeta().resourceVersion(first == null ? null : first.getResourceVersion()))
        .items(items);
  }

  @Override
  public Watchable<V1Pod> watch(CallGeneratorParams params) throws ApiException {
    ListOptions options = new ListOptions();
    options.setResourceVersion(params.resourceVersion);
    options.setTimeoutSeconds(params.timeoutSeconds);
    Watchable<V1Pod> watch = api.watch(options);
    return new Watchable<>() {
      @Override
      public boolean hasNext() {
        return watch.hasNext();
      }

      @Override
      public Watch.Response<V1Pod> next() {
        Watch.Response<V1Pod> response = watch.next();
        if (response != null && response.object != null) {
          lean(response.object);
        }
        return response;
      }

      @Override
      public Iterator<Watch.Response<V1Pod>> iterator() {
        return this;
      }

      @Override
      public void close() throws IOException {
        watch.close();
      }
    };
  }

  /** The Pod without what no part of clb-direct reads. */
  static V1Pod lean(V1Pod pod) {
    if (pod.getMetadata() != null) {
      pod.getMetadata().setManagedFields(null);
    }
    return pod;
  }
}
