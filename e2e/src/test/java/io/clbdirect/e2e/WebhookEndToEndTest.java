package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.ApiResponse;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1HTTPGetAction;
import io.kubernetes.client.openapi.models.V1Lifecycle;
import io.kubernetes.client.openapi.models.V1LifecycleHandler;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The webhook as the real API server calls it: over HTTPS, trusting the caBundle clb-direct's own
 * bootstrapper registered in the MutatingWebhookConfiguration, for Pods the ReplicaSet controller
 * creates. The fake kubelet runs the Pods and keeps gated ones NotReady until the gate condition is
 * True.
 */
class WebhookEndToEndTest {

  static final String GATE = "cloud.tencent.com/load-balancer-backendgroup-ready";
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final String NAMESPACE = "clb-direct-webhook-e2e";

  // The bootstrapper creates the Secret and registers the webhook by url, with Fail so that any
  // call failure shows up as a failed creation here instead of a silently unmutated Pod.
  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(NAMESPACE)
          .args("--clb-direct.network-mode=mixed", "--clb-direct.bootstrap.failure-policy=Fail")
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-1", 1))
          .build();

  /**
   * The API server honours a new webhook configuration "within a few seconds": probe with dry runs.
   */
  @BeforeAll
  static void awaitWebhookInEffect() throws ApiException {
    Namespaces.create(stack.core(), "webhook-probe");
    stack
        .core()
        .createNamespacedService("webhook-probe", Fixtures.directAccessService("probe", "probe"))
        .execute();
    stack.pods().awaitGatedDryRun("webhook-probe", "probe", TIMEOUT);
  }

  @Test
  void podsOfADeploymentBehindADirectAccessServiceGetTheGateAndInMixedModeTheEni()
      throws Exception {
    String ns = "gate-and-eni";
    Namespaces.create(stack.core(), ns);
    stack.core().createNamespacedService(ns, Fixtures.directAccessService("web", "web")).execute();
    stack.apps().createNamespacedDeployment(ns, Fixtures.deployment("web", "web", 2)).execute();

    List<V1Pod> pods =
        Await.until(
            TIMEOUT,
            "2 Pods of Deployment web",
            () -> stack.pods().withApp(ns, "web"),
            list -> list.size() == 2);

    assertThat(pods)
        .allSatisfy(
            pod -> {
              assertThat(pod.getMetadata().getOwnerReferences())
                  .singleElement()
                  .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("ReplicaSet"));
              assertThat(Pods.hasGate(pod))
                  .as("readiness gate on %s", pod.getMetadata().getName())
                  .isTrue();
              assertThat(pod.getMetadata().getAnnotations())
                  .containsEntry("tke.cloud.tencent.com/networks", "tke-route-eni");
              Map<String, Quantity> requests =
                  pod.getSpec().getContainers().get(0).getResources().getRequests();
              Map<String, Quantity> limits =
                  pod.getSpec().getContainers().get(0).getResources().getLimits();
              assertThat(requests)
                  .containsEntry("tke.cloud.tencent.com/eni-ip", Quantity.fromString("1"));
              assertThat(limits)
                  .containsEntry("tke.cloud.tencent.com/eni-ip", Quantity.fromString("1"));
            });
  }

  /**
   * The drain, through the real API server (dry runs, so nothing runs): a plain container gets the
   * preStop sleep, a user's own hook is kept as it is, the opt-out annotation leaves the Pod alone,
   * and a grace period shorter than the drain comes back as an admission warning (and a sleep that
   * fits).
   */
  @Test
  void gatedPodsGetTheDrainUnlessTheyHaveAHookOrOptOutAndAShortGracePeriodIsWarned()
      throws Exception {
    String ns = "webhook-probe"; // a direct-access Service selects app=probe there
    V1Pod plain = Fixtures.pod("plain", "probe");
    plain.getSpec().terminationGracePeriodSeconds(30L); // Kubernetes' default; the fixtures use 5 s
    V1Pod drained = stack.core().createNamespacedPod(ns, plain).dryRun("All").execute();
    assertThat(
            drained
                .getSpec()
                .getContainers()
                .get(0)
                .getLifecycle()
                .getPreStop()
                .getSleep()
                .getSeconds())
        .as("clb-direct.webhook.drain.seconds, default 10")
        .isEqualTo(10L);

    V1Pod own = Fixtures.pod("own", "probe");
    own.getSpec()
        .getContainers()
        .get(0)
        .lifecycle(
            new V1Lifecycle()
                .preStop(
                    new V1LifecycleHandler()
                        .httpGet(
                            new V1HTTPGetAction()
                                .path("/quit")
                                .port(new IntOrString(Fixtures.CONTAINER_PORT)))));
    V1Pod kept = stack.core().createNamespacedPod(ns, own).dryRun("All").execute();
    assertThat(Pods.hasGate(kept)).isTrue();
    assertThat(kept.getSpec().getContainers().get(0).getLifecycle().getPreStop().getSleep())
        .isNull();
    assertThat(
            kept.getSpec()
                .getContainers()
                .get(0)
                .getLifecycle()
                .getPreStop()
                .getHttpGet()
                .getPath())
        .isEqualTo("/quit");

    V1Pod optedOut = Fixtures.pod("opted-out", "probe");
    optedOut.getMetadata().putAnnotationsItem("clb-direct.io/drain", "false");
    V1Pod undrained = stack.core().createNamespacedPod(ns, optedOut).dryRun("All").execute();
    assertThat(Pods.hasGate(undrained)).as("still gated").isTrue();
    assertThat(undrained.getSpec().getContainers().get(0).getLifecycle()).isNull();

    V1Pod hasty = Fixtures.pod("hasty", "probe");
    hasty.getSpec().terminationGracePeriodSeconds(4L);
    ApiResponse<V1Pod> answer =
        stack.core().createNamespacedPod(ns, hasty).dryRun("All").executeWithHttpInfo();
    assertThat(
            answer
                .getData()
                .getSpec()
                .getContainers()
                .get(0)
                .getLifecycle()
                .getPreStop()
                .getSleep()
                .getSeconds())
        .as("cut to the grace period, which the API server requires")
        .isEqualTo(4L);
    List<String> warnings =
        answer.getHeaders().entrySet().stream()
            .filter(e -> e.getKey().equalsIgnoreCase("Warning"))
            .flatMap(e -> e.getValue().stream())
            .toList();
    assertThat(warnings)
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("terminationGracePeriodSeconds")
                    .contains("4")
                    .contains("10"));
  }

  @Test
  void aPodNoDirectAccessServiceSelectsIsUntouched() throws Exception {
    String ns = "untouched";
    Namespaces.create(stack.core(), ns);
    stack.core().createNamespacedService(ns, Fixtures.directAccessService("web", "web")).execute();

    V1Pod created = stack.core().createNamespacedPod(ns, Fixtures.pod("other", "other")).execute();

    assertThat(created.getSpec().getReadinessGates()).isNullOrEmpty();
    assertThat(created.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(created.getSpec().getContainers().get(0).getResources().getRequests())
        .isNullOrEmpty();
    // And the kubelet makes it Ready with no gate to wait for.
    Await.until(
        TIMEOUT, "Pod other Ready", () -> stack.pods().withApp(ns, "other").get(0), Pods::isReady);
  }

  @Test
  void gatedPodsStayNotReadyAndTheDeploymentUnavailableUntilTheGateIsTrue() throws Exception {
    String ns = "gate-holds";
    Namespaces.create(stack.core(), ns);
    stack.core().createNamespacedService(ns, Fixtures.directAccessService("web", "web")).execute();
    stack.apps().createNamespacedDeployment(ns, Fixtures.deployment("web", "web", 2)).execute();

    List<V1Pod> running =
        Await.until(
            TIMEOUT,
            "2 Running Pods with ContainersReady",
            () -> stack.pods().withApp(ns, "web"),
            list ->
                list.size() == 2
                    && list.stream()
                        .allMatch(
                            pod ->
                                Pods.condition(pod, "ContainersReady")
                                        .map(c -> "True".equals(c.getStatus()))
                                        .orElse(false)
                                    && Pods.condition(pod, "Ready").isPresent()));
    for (V1Pod pod : running) {
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
      assertThat(pod.getStatus().getPodIP()).startsWith("127.1.");
      V1PodCondition ready = Pods.condition(pod, "Ready").orElseThrow();
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getReason()).isEqualTo("ReadinessGatesNotReady");
      assertThat(ready.getMessage())
          .isEqualTo(
              "corresponding condition of pod readiness gate \"" + GATE + "\" does not exist.");
    }
    Thread.sleep(1000); // give the Deployment controller time to (wrongly) count them
    V1Deployment held = stack.apps().readNamespacedDeployment("web", ns).execute();
    assertThat(held.getStatus().getAvailableReplicas()).isNull();
    assertThat(Deployments.available(held)).isFalse();

    setGate(running.get(0), "False");
    Await.until(
        TIMEOUT,
        "Ready message naming the False gate",
        () -> stack.pods().read(ns, running.get(0).getMetadata().getName()),
        pod ->
            Pods.condition(pod, "Ready")
                .map(
                    c ->
                        ("the status of pod readiness gate \""
                                + GATE
                                + "\" is not \"True\", but False")
                            .equals(c.getMessage()))
                .orElse(false));

    for (V1Pod pod : running) {
      setGate(pod, "True");
    }
    V1Deployment ready =
        Await.until(
            TIMEOUT,
            "Deployment web Available",
            () -> stack.deployments().read(ns, "web"),
            Deployments::available);
    assertThat(ready.getStatus().getAvailableReplicas()).isEqualTo(2);
    assertThat(stack.pods().withApp(ns, "web"))
        .allSatisfy(
            pod ->
                assertThat(Pods.condition(pod, "Ready").orElseThrow().getStatus())
                    .isEqualTo("True"));
  }

  /** What the gate-controller will do: a strategic-merge patch of one condition on pods/status. */
  static void setGate(V1Pod pod, String status) throws ApiException {
    String patch =
        """
        {"status":{"conditions":[{"type":"%s","status":"%s","reason":"E2eTest","message":"set by the test"}]}}
        """
            .formatted(GATE, status);
    PatchUtils.patch(
        V1Pod.class,
        () ->
            stack
                .core()
                .patchNamespacedPodStatus(
                    pod.getMetadata().getName(),
                    pod.getMetadata().getNamespace(),
                    new V1Patch(patch))
                .buildCall(null),
        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        stack.admin());
  }
}
