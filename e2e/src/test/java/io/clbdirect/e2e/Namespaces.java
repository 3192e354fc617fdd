package io.clbdirect.e2e;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The namespaces a test class creates, deleted at its end as {@code kubectl delete namespace} does:
 * the namespace controller removes everything in them, the fake kubelet ends the Pods, clb-direct
 * deletes the load balancers behind its finalizers. So each class must delete them while its
 * kubelet and clb-direct still run, before it closes them: Pods left on a Node whose kubelet is
 * gone would be evicted by the node-lifecycle controller minutes later, and their Deployments'
 * replacements bound by a later class's kubelet, among its own Pods. Test classes run one after
 * another in one JVM.
 */
final class Namespaces {

  /**
   * Measured here: 5-15 s for a namespace with Pods and a direct-access Service (see
   * WorkloadsEndToEndTest).
   */
  static final Duration DELETION_BOUND = Duration.ofSeconds(90);

  private static final Set<String> created = ConcurrentHashMap.newKeySet();

  private Namespaces() {}

  /** Creates a namespace, remembered for {@link #deleteCreated}. */
  static void create(CoreV1Api core, String name) throws ApiException {
    core.createNamespace(Fixtures.namespace(name)).execute();
    created.add(name);
  }

  /**
   * Deletes every namespace {@link #create}d and not yet deleted, except {@code keep} (clb-direct's
   * own namespace, where its Leases live, until clb-direct has stopped), and waits until they are
   * gone.
   *
   * @throws AssertionError when one is still there after {@link #DELETION_BOUND}, naming what holds
   *     it
   */
  static void deleteCreatedAndAwait(CoreV1Api core, String... keep) {
    long started = System.nanoTime();
    List<String> names = deleteCreated(core, keep);
    for (String name : names) {
      Await.until(
          DELETION_BOUND,
          "namespace " + name + " deleted",
          () -> read(core, name),
          ns -> ns == null);
    }
    System.out.printf(
        "NAMESPACES %s deleted in %d ms%n",
        names, Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  /**
   * Deletes every namespace {@link #create}d and not yet deleted, except {@code keep}, without
   * waiting.
   */
  static List<String> deleteCreated(CoreV1Api core, String... keep) {
    List<String> names = new ArrayList<>(created);
    names.removeAll(List.of(keep));
    for (String name : names) {
      try {
        core.deleteNamespace(name).execute();
      } catch (ApiException e) {
        if (e.getCode() != 404) {
          throw new IllegalStateException(
              "deleting namespace " + name + ": " + e.getCode() + " " + e.getResponseBody(), e);
        }
      }
      created.remove(name);
    }
    return names;
  }

  /**
   * The namespace, or null once it is gone; its status conditions say what a deletion waits for.
   */
  static V1Namespace read(CoreV1Api core, String name) {
    try {
      return core.readNamespace(name).execute();
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw new IllegalStateException(e.getCode() + " " + e.getResponseBody(), e);
    }
  }
}
