package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.core.WellKnown;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.model.TargetRef;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TKE's graceful deletion, as clb-direct honours it without TKE's kubelet: with {@code
 * enable-grace-deletion: "true"} on the Service, or {@code EnablePodGracefulDeletion: "true"} in
 * {@code kube-system/tke-service-controller-config} and no annotation, a deleted Pod's target goes
 * to weight 0 first and is deregistered only when the Pod object is gone; the annotation {@code
 * "false"} overrides the cluster default and the target is deregistered at once. The target's
 * weights are read from the emulator as each change lands (its change listener), not sampled. Each
 * Pod carries a finalizer of this test, so "the Pod object is gone" is a moment the test chooses,
 * well after the kubelet has stopped its containers; with the webhook's drain at 3 s a case takes
 * about 10 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GracefulDeletionEndToEndTest {

  static final String SYSTEM = "clb-direct-grace-e2e";
  static final String GATE = WellKnown.READINESS_GATE;
  static final String HOLD = "e2e.clb-direct.io/hold";
  static final String GRACE_DELETION = "service.cloud.tencent.com/enable-grace-deletion";
  static final int DRAIN_SECONDS = 3;
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .gateController(92)
          .args("--clb-direct.webhook.drain.seconds=" + DRAIN_SECONDS)
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-grace", 17))
          .beforeStart(
              plane ->
                  deleteTkeConfig(
                      new CoreV1Api(
                          plane.adminClient()))) // the first case runs without TKE's ConfigMap
          // Other test classes share this control plane: leave TKE's switches as they expect them
          // (absent).
          .afterStop(plane -> deleteTkeConfig(new CoreV1Api(plane.adminClient())))
          .build();

  @Test
  @Order(1)
  void theServiceAnnotationDrainsWithWeightZeroAndDeregistersWhenThePodIsGone() throws Exception {
    Workload web = workload("grace-annotation", Map.of(GRACE_DELETION, "true"));
    try {
      V1Pod pod = stack.pods().read(web.ns(), "web-0");
      assertThat(
              pod.getSpec()
                  .getContainers()
                  .get(0)
                  .getLifecycle()
                  .getPreStop()
                  .getSleep()
                  .getSeconds())
          .as("the wait that stands in for TKE's kubelet: the webhook's drain")
          .isEqualTo(DRAIN_SECONDS);
      CoreV1Event note = awaitEvent(web.ns(), "GracefulDeletionByDrain");
      assertThat(note.getType()).isEqualTo("Normal");
      assertThat(note.getMessage())
          .contains(GRACE_DELETION + ": \"true\"")
          .contains("no kubelet here waits");

      drainedThenDeregisteredWhenGone(web);
    } finally {
      release(web.ns());
    }
  }

  @Test
  @Order(2)
  void theClusterDefaultDrainsAServiceWithoutTheAnnotation() throws Exception {
    setPodGracefulDeletion("true");
    Thread.sleep(
        1000); // the informer carries the ConfigMap to clb-direct; the Event below proves it
    // arrived
    Workload web = workload("grace-default", Map.of());
    try {
      CoreV1Event note = awaitEvent(web.ns(), "GracefulDeletionByDrain");
      assertThat(note.getMessage())
          .contains(
              "EnablePodGracefulDeletion: \"true\" in kube-system/tke-service-controller-config");

      drainedThenDeregisteredWhenGone(web);
    } finally {
      release(web.ns());
    }
  }

  @Test
  @Order(3)
  void theAnnotationFalseOverridesTheClusterDefaultAndDeregistersAtOnce() throws Exception {
    setPodGracefulDeletion("true");
    Thread.sleep(1000);
    Workload web = workload("grace-override", Map.of(GRACE_DELETION, "false"));
    try {
      // A Service in the same namespace without the annotation proves the default has reached
      // clb-direct.
      V1Service probe = Fixtures.directAccessService("probe", "nothing-selected");
      probe.getSpec().getPorts().get(0).port(Fixtures.CONTAINER_PORT + 1);
      stack.core().createNamespacedService(web.ns(), probe).execute();
      Await.until(
          TIMEOUT,
          "GracefulDeletionByDrain on Service probe",
          () -> events(web.ns(), "GracefulDeletionByDrain"),
          list -> list.stream().anyMatch(e -> "probe".equals(e.getInvolvedObject().getName())));

      long deleted = System.nanoTime();
      stack.core().deleteNamespacedPod("web-0", web.ns()).execute();
      Await.until(
          TIMEOUT,
          "target " + web.target() + " deregistered",
          () -> web.history().current(web.target()),
          Objects::isNull);
      assertThat(web.history().since(web.target(), deleted))
          .as("weights after the deletion (null: deregistered)")
          .containsExactly((Integer) null);
      assertThat(stack.pods().read(web.ns(), "web-0").getMetadata().getDeletionTimestamp())
          .as("deregistered while the Pod still exists")
          .isNotNull();
      assertThat(events(web.ns(), "GracefulDeletionByDrain"))
          .noneMatch(e -> "web".equals(e.getInvolvedObject().getName()));
    } finally {
      release(web.ns());
    }
  }

  /**
   * Deletes the Pod, then: weight 0 first, kept through the drain and after the kubelet's final
   * delete (the finalizer keeps the object), deregistered only once the finalizer is gone. Also
   * checks the deletion-to-change metric counts from the delete call, not from deletionTimestamp
   * (which is the kill deadline: it would give a negative span, recorded as 0).
   */
  private static void drainedThenDeregisteredWhenGone(Workload web) throws Exception {
    double[] before = deletionToChange();
    long deleted = System.nanoTime();
    stack.core().deleteNamespacedPod("web-0", web.ns()).execute();

    Await.until(
        TIMEOUT,
        "target " + web.target() + " at weight 0",
        () -> web.history().current(web.target()),
        w -> Integer.valueOf(0).equals(w));
    assertThat(web.history().since(web.target(), deleted))
        .as("weights after the deletion")
        .containsExactly(0);
    Await.until(
        TIMEOUT,
        "the kubelet's final delete (grace period 0) after the drain",
        () -> stack.pods().read(web.ns(), "web-0").getMetadata().getDeletionGracePeriodSeconds(),
        grace -> Long.valueOf(0).equals(grace));
    Thread.sleep(1000);
    assertThat(web.history().current(web.target()))
        .as("still bound at weight 0 while the Pod object exists")
        .isEqualTo(0);

    long released = System.nanoTime();
    dropFinalizer(web.ns(), "web-0");
    Await.until(
        TIMEOUT,
        "target " + web.target() + " deregistered",
        () -> web.history().current(web.target()),
        Objects::isNull);
    assertThat(web.history().since(web.target(), deleted))
        .as("weights after the deletion (null: deregistered)")
        .containsExactly(0, null);
    assertThat(web.history().since(web.target(), released))
        .as("deregistered after the Pod went")
        .containsExactly((Integer) null);

    double[] after =
        Await.until(
            TIMEOUT,
            "a deletion-to-change sample",
            GracefulDeletionEndToEndTest::deletionToChange,
            now -> now[0] > before[0]);
    double seconds = (after[1] - before[1]) / (after[0] - before[0]);
    System.out.printf(
        "GRACE %s: deletion -> weight 0 landed in %.2f s (metric, whole-second deletion time)%n",
        web.ns(), seconds);
    assertThat(seconds)
        .as("counted from the delete call: positive, and under the Pod's 5 s grace period")
        .isPositive()
        .isLessThan(5);
  }

  /**
   * A direct-access Service with these annotations and one Pod held by the test's finalizer, gate
   * True.
   */
  private static Workload workload(String ns, Map<String, String> annotations) throws Exception {
    Namespaces.create(stack.core(), ns);
    V1Service service = Fixtures.directAccessService("web", "web");
    Map<String, String> all = new HashMap<>(service.getMetadata().getAnnotations());
    all.putAll(annotations);
    service.getMetadata().annotations(all);
    service.getSpec().getPorts().get(0).port(Fixtures.CONTAINER_PORT);
    stack.core().createNamespacedService(ns, service).execute();
    // The webhook decides from its caches: wait until they hold the Service, or the Pod may be
    // admitted without the gate.
    stack.pods().awaitGatedDryRun(ns, "web", TIMEOUT);
    V1Pod pod = Fixtures.pod("web-0", "web");
    pod.getMetadata().finalizers(List.of(HOLD));
    stack.core().createNamespacedPod(ns, pod).execute();
    try {
      V1Pod ready =
          Await.until(
              TIMEOUT,
              "web-0 gate True in " + ns,
              () -> stack.pods().read(ns, "web-0"),
              p -> Pods.condition(p, GATE).filter(c -> "True".equals(c.getStatus())).isPresent());
      String lbId =
          Await.until(
              TIMEOUT,
              "the load balancer of " + ns + "/web",
              () ->
                  Unchecked.get(() -> stack.core().readNamespacedService("web", ns).execute())
                      .getMetadata()
                      .getAnnotations()
                      .get("service.kubernetes.io/loadbalance-id"),
              Objects::nonNull);
      String target = ready.getStatus().getPodIP() + ":" + Fixtures.CONTAINER_PORT;
      TargetHistory history = new TargetHistory(stack.clb(), lbId);
      assertThat(history.current(target)).as("bound with the normal weight").isEqualTo(10);
      return new Workload(ns, lbId, target, history);
    } catch (Exception | AssertionError e) {
      release(ns); // the test's finalizer would otherwise keep the namespace from going
      throw e;
    }
  }

  record Workload(String ns, String lbId, String target, TargetHistory history) {}

  /**
   * One load balancer's target weights, read as each change lands: the emulator calls its change
   * listeners after every API call and every task it completes.
   */
  static final class TargetHistory {

    private record Change(long at, String target, Integer weight) {}

    private final ClbEmulator clb;
    private final String lbId;
    private final List<Change> changes = new ArrayList<>();
    private Map<String, Integer> last = Map.of();

    TargetHistory(ClbEmulator clb, String lbId) {
      this.clb = clb;
      this.lbId = lbId;
      clb.state().addChangeListener(this::sample);
      sample();
    }

    private synchronized void sample() {
      long at = System.nanoTime();
      Map<String, Integer> now =
          clb.state()
              .locked(
                  () -> {
                    Map<String, Integer> weights = new HashMap<>();
                    for (TargetRef ref : clb.state().targetSnapshot()) {
                      if (lbId.equals(ref.loadBalancer().loadBalancerId())) {
                        weights.put(
                            ref.target().eniIp() + ":" + ref.target().port(),
                            ref.target().weight());
                      }
                    }
                    return weights;
                  });
      for (String target : union(last.keySet(), now.keySet())) {
        if (!Objects.equals(last.get(target), now.get(target))) {
          changes.add(new Change(at, target, now.get(target)));
        }
      }
      last = now;
    }

    private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
      java.util.Set<String> all = new java.util.TreeSet<>(a);
      all.addAll(b);
      return List.copyOf(all);
    }

    /** The target's weight now; null when it is not bound. */
    synchronized Integer current(String target) {
      return last.get(target);
    }

    /** Each weight the target took after {@code nanoTime} (null: deregistered), in order. */
    synchronized List<Integer> since(String target, long nanoTime) {
      List<Integer> weights = new ArrayList<>();
      changes.stream()
          .filter(c -> c.target().equals(target) && c.at() >= nanoTime)
          .forEach(c -> weights.add(c.weight()));
      return weights;
    }
  }

  /** {count, sum} of clb_direct_gate_deletion_to_clb_change_seconds from clb-direct's metrics. */
  private static double[] deletionToChange() {
    double count = 0;
    double sum = 0;
    for (String line : stack.clbDirect().management("/actuator/prometheus").split("\n")) {
      if (line.startsWith("clb_direct_gate_deletion_to_clb_change_seconds_count")) {
        count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      } else if (line.startsWith("clb_direct_gate_deletion_to_clb_change_seconds_sum")) {
        sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return new double[] {count, sum};
  }

  private static CoreV1Event awaitEvent(String ns, String reason) {
    return Await.until(
            TIMEOUT,
            "a " + reason + " Event in " + ns,
            () -> events(ns, reason),
            list -> !list.isEmpty())
        .get(0);
  }

  private static List<CoreV1Event> events(String ns, String reason) {
    return Unchecked.get(() -> stack.core().listNamespacedEvent(ns).execute().getItems()).stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  /**
   * Drops the test's finalizer from every Pod of the namespace, so a failed case does not hold its
   * namespace's deletion.
   */
  private static void release(String ns) throws ApiException {
    for (V1Pod pod : stack.pods().list(ns)) {
      if (pod.getMetadata().getFinalizers() != null
          && pod.getMetadata().getFinalizers().contains(HOLD)) {
        dropFinalizer(ns, pod.getMetadata().getName());
      }
    }
  }

  private static void dropFinalizer(String ns, String name) throws ApiException {
    try {
      PatchUtils.patch(
          V1Pod.class,
          () ->
              stack
                  .core()
                  .patchNamespacedPod(name, ns, new V1Patch("{\"metadata\":{\"finalizers\":null}}"))
                  .buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
          stack.admin());
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private static void setPodGracefulDeletion(String value) throws ApiException {
    V1ConfigMap config =
        new V1ConfigMap()
            .metadata(new V1ObjectMeta().name(WellKnown.TKE_CONFIG_NAME))
            .data(Map.of(WellKnown.POD_GRACEFUL_DELETION_KEY, value));
    try {
      stack.core().createNamespacedConfigMap(WellKnown.TKE_CONFIG_NAMESPACE, config).execute();
    } catch (ApiException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      stack
          .core()
          .replaceNamespacedConfigMap(
              WellKnown.TKE_CONFIG_NAME, WellKnown.TKE_CONFIG_NAMESPACE, config)
          .execute();
    }
  }

  private static void deleteTkeConfig(CoreV1Api core) throws ApiException {
    try {
      core.deleteNamespacedConfigMap(WellKnown.TKE_CONFIG_NAME, WellKnown.TKE_CONFIG_NAMESPACE)
          .execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }
}
