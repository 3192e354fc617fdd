package io.clbdirect.gate.informers;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Lists (in pages of {@link #PAGE}) and watches one kind for an informer, passing every object
 * through {@code lean} before it reaches the cache. client-java's informers have no transform hook
 * (client-go's {@code SetTransform}), hence this lister-watcher ({@link LeanPodListerWatcher},
 * {@link LeanSecretListerWatcher}).
 *
 * @param <T> the kind
 * @param <L> its list
 */
public final class LeanListerWatcher<T extends KubernetesObject, L extends KubernetesListObject>
    implements ListerWatcher<T, L> {

  /** Objects per list page: one response of thousands of objects is parsed whole. */
  public static final int PAGE = 500;

  private final GenericKubernetesApi<T, L> api;
  private final Function<L, List<T>> items;
  private final BiFunction<V1ListMeta, List<T>, L> assemble;
  private final UnaryOperator<T> lean;

  /**
   * @param items a list's items
   * @param assemble builds the list handed to the informer from its metadata and lean items
   * @param lean drops what the cache should not hold; may change and return its argument
   */
  public LeanListerWatcher(
      GenericKubernetesApi<T, L> api,
      Function<L, List<T>> items,
      BiFunction<V1ListMeta, List<T>, L> assemble,
      UnaryOperator<T> lean) {
    this.api = api;
    this.items = items;
    this.assemble = assemble;
    this.lean = lean;
  }

  @Override
  public L list(CallGeneratorParams params) throws ApiException {
    List<T> all = new ArrayList<>();
    String next = null;
    String resourceVersion = null;
    boolean first = true;
    do {
      ListOptions options = new ListOptions();
      options.setLimit(PAGE);
      options.setContinue(next);
      options.setTimeoutSeconds(params.timeoutSeconds);
      if (next == null) {
        // Only the first page may name a resourceVersion; the continue token carries it after that.
        options.setResourceVersion(params.resourceVersion);
      }
      L page = api.list(options).throwsApiException().getObject();
      V1ListMeta meta = page.getMetadata();
      if (first) {
        // A paginated list's resourceVersion is the first page's: the snapshot all pages share.
        resourceVersion = meta == null ? null : meta.getResourceVersion();
        first = false;
      }
      List<T> pageItems = items.apply(page);
      if (pageItems != null) {
        for (T item : pageItems) {
          all.add(lean.apply(item));
        }
      }
      next = meta == null ? null : meta.getContinue();
    } while (next != null && !next.isEmpty());
    return assemble.apply(new V1ListMeta().resourceVersion(resourceVersion), all);
  }

  @Override
  public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
    ListOptions options = new ListOptions();
    options.setResourceVersion(params.resourceVersion);
    options.setTimeoutSeconds(params.timeoutSeconds);
    Watchable<T> watch = api.watch(options);
    return new Watchable<>() {
      @Override
      public boolean hasNext() {
        return watch.hasNext();
      }

      @Override
      public Watch.Response<T> next() {
        Watch.Response<T> response = watch.next();
        if (response != null && response.object != null) {
          response.object = lean.apply(response.object);
        }
        return response;
      }

      @Override
      public Iterator<Watch.Response<T>> iterator() {
        return this;
      }

      @Override
      public void close() throws IOException {
        watch.close();
      }
    };
  }
}
