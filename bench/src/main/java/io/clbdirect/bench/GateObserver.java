package io.clbdirect.bench;

import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.model.HealthChange;
import io.clbdirect.emulator.model.HealthStatus;
import io.clbdirect.emulator.model.TargetRef;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Watches one namespace's Pods and the emulator's target health on the same clock (the emulator
 * runs in this JVM): when each target first turned Alive, when each Pod's readiness gate was first
 * seen True (watch delivery included), and every gate seen turning True while the CLB did not hold
 * its Pod's target Alive (a gate wrongly True: the rollout would go on before the load balancer can
 * serve the Pod); also when each Pod was first seen deleted.
 */
final class GateObserver implements AutoCloseable {

  /** One Pod's gate, as observed. */
  record Opened(String pod, String ip, Instant seenTrue) {}

  /**
   * A Pod first seen with a deletionTimestamp (watch delivery included, a few ms after the delete
   * call).
   */
  record Deleted(String pod, String ip, Instant seen) {}

  private final ClbEmulator clb;
  private final boolean checkEachGate;
  private final SharedInformerFactory informers;
  private final SharedIndexInformer<V1Pod> pods;
  private final Map<String, Instant> firstAlive = new ConcurrentHashMap<>();
  private final Map<String, Opened> opened = new ConcurrentHashMap<>();
  private final Map<String, Deleted> deleted = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> wronglyTrue = new ConcurrentLinkedQueue<>();

  /**
   * @param client a client with no read timeout (the watch stays open)
   */
  GateObserver(ApiClient client, String namespace, ClbEmulator clb) {
    this(client, namespace, clb, true);
  }

  /**
   * @param checkEachGate look up the Pod's targets in the emulator whenever a gate opens; a scale
   *     run turns it off (thousands of lookups of thousands of targets would compete with what it
   *     measures) and checks once at the end with {@link #targetsNotAlive}
   */
  GateObserver(ApiClient client, String namespace, ClbEmulator clb, boolean checkEachGate) {
    this.clb = clb;
    this.checkEachGate = checkEachGate;
    clb.state().addHealthListener(this::healthChanged);
    this.informers = new SharedInformerFactory(client);
    this.pods =
        informers.sharedIndexInformerFor(
            new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", client),
            V1Pod.class,
            0,
            namespace);
    pods.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(V1Pod pod) {
            seen(pod);
          }

          @Override
          public void onUpdate(V1Pod old, V1Pod pod) {
            seen(pod);
          }

          @Override
          public void onDelete(V1Pod pod, boolean unknownFinalState) {}
        });
    informers.startAllRegisteredInformers();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!pods.hasSynced()) {
      if (System.nanoTime() > deadline) {
        informers.stopAllRegisteredInformers();
        throw new IllegalStateException("Pod watch of " + namespace + " did not sync in 30 s");
      }
      Sleep.millis(20);
    }
  }

  private void healthChanged(HealthChange change) {
    if (change.to() == HealthStatus.Alive) {
      firstAlive.putIfAbsent(change.address() + ":" + change.port(), change.at());
    }
  }

  private void seen(V1Pod pod) {
    Instant now = Instant.now();
    String name = pod.getMetadata().getName();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      deleted.putIfAbsent(
          name,
          new Deleted(name, pod.getStatus() == null ? null : pod.getStatus().getPodIP(), now));
    }
    if (!gateTrue(pod) || opened.containsKey(name)) {
      return;
    }
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (opened.putIfAbsent(name, new Opened(name, ip, now)) == null && checkEachGate) {
      List<String> notAlive = targetsNotAlive(ip);
      if (!notAlive.isEmpty()) {
        wronglyTrue.add(name + " gate True while its targets were " + notAlive);
      }
    }
  }

  /**
   * The CLB's targets at {@code ip} that are not Alive right now; "none bound" when there is none.
   */
  List<String> targetsNotAlive(String ip) {
    List<String> notAlive = new ArrayList<>();
    boolean any = false;
    for (TargetRef ref : clb.state().targetSnapshot()) {
      if (ip != null && ip.equals(ref.target().eniIp())) {
        any = true;
        if (ref.target().health() != HealthStatus.Alive) {
          notAlive.add(
              ref.listener().listenerId() + "/" + ref.target().key() + "=" + ref.target().health());
        }
      }
    }
    return any ? notAlive : List.of("none bound");
  }

  static boolean gateTrue(V1Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(
                c -> WebhookWorkload.GATE.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** When the target {@code ip:port} first turned Alive, or null. */
  Instant firstAlive(String ip, int port) {
    return firstAlive.get(ip + ":" + port);
  }

  Map<String, Opened> opened() {
    return Map.copyOf(opened);
  }

  /** The Pod's deletion as first seen, or null. */
  Deleted deleted(String pod) {
    return deleted.get(pod);
  }

  int openedCount() {
    return opened.size();
  }

  List<String> wronglyTrue() {
    return List.copyOf(wronglyTrue);
  }

  List<V1Pod> pods() {
    return pods.getIndexer().list();
  }

  @Override
  public void close() {
    informers.stopAllRegisteredInformers();
  }
}
