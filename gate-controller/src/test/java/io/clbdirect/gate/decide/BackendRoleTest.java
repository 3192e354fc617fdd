package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.core.WellKnown;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendRoleTest {

  static final GracefulTermination PLAIN = GracefulTermination.none(FrontendAnnotations.SERVICE);
  static final GracefulTermination GRACEFUL =
      GracefulTermination.of(
          FrontendAnnotations.SERVICE,
          Map.of(GracefulTermination.GRACE_SHUTDOWN_ANNOTATION, "true"),
          false);
  static final GracefulTermination GRACE_DELETION_BY_DEFAULT =
      GracefulTermination.of(FrontendAnnotations.SERVICE, Map.of(), true);

  static V1Pod pod(String ready, String containersReady, String... gates) {
    V1PodSpec spec = new V1PodSpec();
    for (String gate : gates) {
      spec.addReadinessGatesItem(new V1PodReadinessGate().conditionType(gate));
    }
    V1PodStatus status =
        new V1PodStatus()
            .phase("Running")
            .podIP("10.0.0.7")
            .addConditionsItem(new V1PodCondition().type("Ready").status(ready))
            .addConditionsItem(
                new V1PodCondition().type("ContainersReady").status(containersReady));
    return new V1Pod().metadata(new V1ObjectMeta().name("p")).spec(spec).status(status);
  }

  @Test
  void readyPodsServe() {
    assertThat(BackendRole.of(pod("True", "True", WellKnown.READINESS_GATE), PLAIN))
        .isEqualTo(BackendRole.SERVE);
  }

  @Test
  void aPodHeldBackOnlyByOurGateIsRegisteredSoTheGateCanOpen() {
    assertThat(BackendRole.of(pod("False", "True", WellKnown.READINESS_GATE), PLAIN))
        .isEqualTo(BackendRole.SERVE);
  }

  @Test
  void anotherPendingGateOrUnreadyContainersKeepItOut() {
    assertThat(
            BackendRole.of(
                pod("False", "True", WellKnown.READINESS_GATE, "example.com/warm"), PLAIN))
        .isEqualTo(BackendRole.REMOVE);
    assertThat(BackendRole.of(pod("False", "False", WellKnown.READINESS_GATE), PLAIN))
        .isEqualTo(BackendRole.REMOVE);
    assertThat(BackendRole.of(pod("False", "True"), PLAIN))
        .as("not ready and no gate of ours")
        .isEqualTo(BackendRole.REMOVE);
  }

  @Test
  void terminatingPodsDrainWithGracefulShutdownOrDeletionElseLeaveAtOnce() {
    V1Pod terminating = pod("True", "True", WellKnown.READINESS_GATE);
    terminating.getMetadata().setDeletionTimestamp(OffsetDateTime.now());
    assertThat(BackendRole.of(terminating, GRACEFUL)).isEqualTo(BackendRole.DRAIN);
    assertThat(BackendRole.of(terminating, GRACE_DELETION_BY_DEFAULT)).isEqualTo(BackendRole.DRAIN);
    assertThat(BackendRole.of(terminating, PLAIN)).isEqualTo(BackendRole.REMOVE);
    assertThat(
            BackendRole.of(
                pod("True", "True", WellKnown.READINESS_GATE), GRACE_DELETION_BY_DEFAULT))
        .as("a Pod not being deleted is not drained by the policy")
        .isEqualTo(BackendRole.SERVE);
  }

  @Test
  void podsWithoutAnIpOrOnTheHostNetworkCannotBeTargets() {
    V1Pod noIp = pod("False", "False");
    noIp.getStatus().setPodIP(null);
    assertThat(BackendRole.of(noIp, PLAIN)).isEqualTo(BackendRole.NONE);
    V1Pod host = pod("True", "True");
    host.getSpec().setHostNetwork(true);
    assertThat(BackendRole.of(host, PLAIN)).isEqualTo(BackendRole.NONE);
    V1Pod done = pod("False", "False");
    done.getStatus().setPhase("Succeeded");
    assertThat(BackendRole.of(done, PLAIN)).isEqualTo(BackendRole.REMOVE);
  }
}
