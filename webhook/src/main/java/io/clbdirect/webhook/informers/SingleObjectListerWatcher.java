package io.clbdirect.webhook.informers;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.options.ListOptions;

/**
 * Lists and watches one named object through a field selector, so an informer caches exactly that
 * object and RBAC can stay at that one name's neighbourhood.
 *
 * @param namespace the object's namespace, or null for a cluster-scoped object
 */
public record SingleObjectListerWatcher<T extends KubernetesObject, L extends KubernetesListObject>(
    GenericKubernetesApi<T, L> api, String namespace, String name) implements ListerWatcher<T, L> {

  @Override
  public L list(CallGeneratorParams params) throws ApiException {
    ListOptions options = options(params);
    return (namespace == null ? api.list(options) : api.list(namespace, options))
        .throwsApiException()
        .getObject();
  }

  @Override
  public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
    ListOptions options = options(params);
    return namespace == null ? api.watch(options) : api.watch(namespace, options);
  }

  private ListOptions options(CallGeneratorParams params) {
    ListOptions options = new ListOptions();
    options.setFieldSelector("metadata.name=" + name);
    options.setResourceVersion(params.resourceVersion);
    options.setTimeoutSeconds(params.timeoutSeconds);
    return options;
  }
}
