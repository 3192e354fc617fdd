package io.clbdirect.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodExitTest {

  static final Instant POD_STARTED = Instant.parse("2026-01-01T00:00:00Z");

  /** Volumes took 2 s to mount. */
  static final Instant RUNNING = POD_STARTED.plusSeconds(2);

  static java.util.Optional<PodExit.Planned> plan(V1Pod pod) {
    return PodExit.plan(pod, POD_STARTED, RUNNING);
  }

  static V1Pod pod(String exitAfter, String restartPolicy, Long deadline) {
    V1ObjectMeta meta = new V1ObjectMeta().name("p");
    if (exitAfter != null) {
      meta.setAnnotations(Map.of(PodExit.EXIT_AFTER_ANNOTATION, exitAfter));
    }
    return new V1Pod()
        .metadata(meta)
        .spec(new V1PodSpec().restartPolicy(restartPolicy).activeDeadlineSeconds(deadline));
  }

  @Test
  void runsUntilDeletedWithoutAnnotationOrDeadline() {
    assertThat(plan(pod(null, "Never", null))).isEmpty();
  }

  @Test
  void exitAfterCompletesPodsThatAreNotRestarted() {
    assertThat(plan(pod("3s", "Never", null)))
        .hasValue(new PodExit.Planned(RUNNING.plusSeconds(3), PodExit.Cause.COMPLETED));
    assertThat(plan(pod("500ms", "OnFailure", null)))
        .hasValue(new PodExit.Planned(RUNNING.plusMillis(500), PodExit.Cause.COMPLETED));
  }

  @Test
  void exitAfterIsIgnoredWhereAKubeletWouldRestartTheContainer() {
    assertThat(plan(pod("3s", "Always", null))).isEmpty();
    assertThat(plan(pod("3s", null, null))).as("Always is the API's default").isEmpty();
  }

  @Test
  void theEarlierOfExitAndDeadlineWins() {
    assertThat(plan(pod("2m", "Never", 30L)))
        .hasValue(
            new PodExit.Planned(POD_STARTED.plusSeconds(30), PodExit.Cause.DEADLINE_EXCEEDED));
    assertThat(plan(pod("1s", "Never", 30L)))
        .hasValue(new PodExit.Planned(RUNNING.plusSeconds(1), PodExit.Cause.COMPLETED));
    assertThat(plan(pod("1s", "Always", 30L)))
        .hasValue(
            new PodExit.Planned(POD_STARTED.plusSeconds(30), PodExit.Cause.DEADLINE_EXCEEDED));
    assertThat(plan(pod("29s", "Never", 30L)))
        .as("the deadline counts from the Pod's start, the exit from the containers'")
        .hasValue(
            new PodExit.Planned(POD_STARTED.plusSeconds(30), PodExit.Cause.DEADLINE_EXCEEDED));
  }

  @Test
  void aValueThatIsNotADurationIsRefusedNamingTheAnnotation() {
    assertThatThrownBy(() -> plan(pod("soon", "Never", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(PodExit.EXIT_AFTER_ANNOTATION)
        .hasMessageContaining("soon");
    assertThat(PodExit.parse(" 2 m ")).isEqualTo(Duration.ofMinutes(2));
    assertThat(PodExit.parse("1h")).isEqualTo(Duration.ofHours(1));
  }
}
