package io.clbdirect.gate.decide;

import static io.clbdirect.gate.decide.BackendObservation.State.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GateConditionDeciderTest {

  static BackendObservation on(BackendObservation.State state) {
    return new BackendObservation("Service web", "lb-1", "lbl-80", state, null);
  }

  final GateConditionDecider initial = new GateConditionDecider(GateMode.INITIAL);
  final GateConditionDecider continuous = new GateConditionDecider(GateMode.CONTINUOUS);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "LISTENER_MISSING, ListenerMissing, false",
    "NOT_BOUND,        TargetNotBound, false",
    "QUOTA_EXCEEDED,   BackendQuotaExceeded, false",
    "API_ERROR,        CloudApiError, false",
    "HEALTH_UNKNOWN,   HealthCheckPending, false",
    "HEALTH_DEAD,      HealthCheckFailing, false",
    "HEALTH_ALIVE,     LoadBalancerNetworkGroupReady, true",
    "HEALTH_CHECK_OFF, LoadBalancerNetworkGroupReady, true",
    "REFUSED,          LoadBalancerUnusable, false",
    "LOAD_BALANCER_NOT_FOUND, LoadBalancerNotFound, false",
  })
  void eachStateHasItsReason(BackendObservation.State state, GateReason reason, boolean status) {
    GateCondition condition = continuous.decide(List.of(on(state)), null);
    assertThat(condition.reason()).isEqualTo(reason);
    assertThat(condition.status()).isEqualTo(status);
  }

  @Test
  void trueOnlyWhenEveryListenerIsHealthyAndTheWorstReasonWins() {
    BackendObservation http =
        new BackendObservation("Service web", "lb-1", "lbl-80", HEALTH_ALIVE, null);
    BackendObservation grpc =
        new BackendObservation("Service web", "lb-1", "lbl-9090", HEALTH_UNKNOWN, null);
    BackendObservation ingress =
        new BackendObservation("Ingress shop (Service web)", "lb-2", null, NOT_BOUND, null);

    assertThat(continuous.decide(List.of(http, grpc), null).reason())
        .isEqualTo(GateReason.HealthCheckPending);
    GateCondition worst = continuous.decide(List.of(http, grpc, ingress), null);
    assertThat(worst.reason()).isEqualTo(GateReason.TargetNotBound);
    assertThat(worst.message())
        .isEqualTo(
            "Not yet registered as a backend of Ingress shop (Service web) on load balancer lb-2.");
    assertThat(continuous.decide(List.of(http, http), null).message())
        .contains("2 load balancer listeners");
  }

  @Test
  void neverTrueOnAnApiError() {
    BackendObservation error =
        new BackendObservation("Service web", "lb-1", "lbl-80", API_ERROR, "RequestLimitExceeded");
    GateCondition condition = continuous.decide(List.of(on(HEALTH_ALIVE), error), null);
    assertThat(condition.status()).isFalse();
    assertThat(condition.message())
        .contains("lb-1")
        .contains("lbl-80")
        .contains("RequestLimitExceeded");
  }

  @Test
  void initialModeKeepsTrueThroughHealthFlapsButNotWhenUnbound() {
    GateCondition ready = initial.decide(List.of(on(HEALTH_ALIVE)), null);
    assertThat(ready.status()).isTrue();

    assertThat(initial.decide(List.of(on(HEALTH_DEAD)), ready)).isEqualTo(ready);
    assertThat(continuous.decide(List.of(on(HEALTH_DEAD)), ready).status()).isFalse();
    assertThat(initial.decide(List.of(on(NOT_BOUND)), ready).reason())
        .isEqualTo(GateReason.TargetNotBound);
    assertThat(initial.decide(List.of(on(HEALTH_DEAD)), null).status())
        .as("never True before it first was")
        .isFalse();
  }

  @Test
  void aRefusedLoadBalancerHoldsNewPodsNamingWhyButNeverUnreadiesAServingOne() {
    BackendObservation refused =
        new BackendObservation(
            "Service web",
            null,
            null,
            REFUSED,
            "load balancer lb-9 is in VPC vpc-a but the cluster is in VPC vpc-b");

    GateCondition held = initial.decide(List.of(refused), null);
    assertThat(held.status()).isFalse();
    assertThat(held.reason()).isEqualTo(GateReason.LoadBalancerUnusable);
    assertThat(held.message())
        .isEqualTo(
            "Not bound: Service web cannot be served: load balancer lb-9 is in VPC vpc-a but the cluster is "
                + "in VPC vpc-b.");
    assertThat(continuous.decide(List.of(refused, on(HEALTH_ALIVE)), null).reason())
        .as("the worst reason")
        .isEqualTo(GateReason.LoadBalancerUnusable);
    GateCondition ready = initial.decide(List.of(on(HEALTH_ALIVE)), null);
    assertThat(initial.decide(List.of(refused, on(HEALTH_ALIVE)), ready)).isEqualTo(ready);
    assertThat(continuous.decide(List.of(refused), ready))
        .as("clb-direct deregistered nothing")
        .isEqualTo(ready);
    assertThat(continuous.decide(List.of(refused, on(HEALTH_DEAD)), ready).status()).isFalse();
  }

  @Test
  void aMissingLoadBalancerNamesTheIdAndTheAnnotationAndNeverUnreadiesAServingPod() {
    BackendObservation missing =
        new BackendObservation(
            "Service nolb",
            null,
            null,
            LOAD_BALANCER_NOT_FOUND,
            "load balancer lb-typo named by service.kubernetes.io/tke-existed-lbid does not exist");

    GateCondition held = initial.decide(List.of(missing), null);
    assertThat(held.status()).isFalse();
    assertThat(held.reason()).isEqualTo(GateReason.LoadBalancerNotFound);
    assertThat(held.message())
        .isEqualTo(
            "Not bound: Service nolb: load balancer lb-typo named by service.kubernetes.io/tke-existed-lbid "
                + "does not exist.");
    assertThat(continuous.decide(List.of(missing, on(API_ERROR)), null).reason())
        .isEqualTo(GateReason.LoadBalancerNotFound);
    assertThat(continuous.decide(List.of(missing, on(REFUSED)), null).reason())
        .as("unusable stays the worst")
        .isEqualTo(GateReason.LoadBalancerUnusable);
    GateCondition ready = initial.decide(List.of(on(HEALTH_ALIVE)), null);
    assertThat(continuous.decide(List.of(missing), ready))
        .as("a typo in the annotation deregistered nothing")
        .isEqualTo(ready);
  }

  @Test
  void aReleasedPodSelectedAgainStopsSayingReleasedAtOnceAndStaysTrueUntilHealthy() {
    GateCondition released = initial.decide(List.of(), null);

    GateCondition resumed = initial.decide(List.of(on(HEALTH_UNKNOWN)), released);
    assertThat(resumed.status()).as("a serving Pod is not taken out of its Service").isTrue();
    assertThat(resumed.reason()).isEqualTo(GateReason.DirectAccessResumed);
    assertThat(resumed.message())
        .contains(
            "Now: Registered with Service web on load balancer lb-1 listener lbl-80; waiting for the "
                + "health check's first verdict.");
    assertThat(initial.decide(List.of(on(HEALTH_DEAD)), resumed).message())
        .as("says what it waits for")
        .contains("health check fails");
    assertThat(initial.decide(List.of(on(HEALTH_ALIVE)), resumed).reason())
        .isEqualTo(GateReason.LoadBalancerNetworkGroupReady);
    assertThat(initial.decide(List.of(on(NOT_BOUND)), released).reason())
        .as("not bound: as any Pod")
        .isEqualTo(GateReason.TargetNotBound);
    assertThat(continuous.decide(List.of(on(HEALTH_UNKNOWN)), released).reason())
        .as("continuous follows health")
        .isEqualTo(GateReason.HealthCheckPending);
    assertThat(
            continuous
                .decide(
                    List.of(new BackendObservation("Service web", null, null, REFUSED, "x")),
                    released)
                .reason())
        .isEqualTo(GateReason.DirectAccessResumed);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "LoadBalancerNetworkGroupReady, NORMAL",
    "DirectAccessReleased,          NORMAL",
    "DirectAccessResumed,           NORMAL",
    "TargetNotBound,                NORMAL",
    "HealthCheckPending,            NORMAL",
    "ListenerMissing,               NORMAL",
    "HealthCheckFailing,            WARNING",
    "BackendQuotaExceeded,          WARNING",
    "CloudApiError,                 WARNING",
    "LoadBalancerNotFound,          WARNING",
    "LoadBalancerUnusable,          WARNING",
  })
  void normalProgressIsNormalAndProblemsAreWarnings(
      GateReason reason, GateReason.Severity severity) {
    assertThat(reason.severity()).isEqualTo(severity);
  }

  @Test
  void everyReasonHasASeverityAndReadyOnesRankLowest() {
    for (GateReason reason : GateReason.values()) {
      assertThat(reason.severity()).isNotNull();
      assertThat(reason.rank() == 0).as(reason.name()).isEqualTo(reason.ready());
      if (reason.ready()) {
        assertThat(reason.severity()).isEqualTo(GateReason.Severity.NORMAL);
      }
    }
  }

  @Test
  void noFrontendLeftReleasesTheGate() {
    GateCondition released =
        initial.decide(List.of(), new GateCondition(false, GateReason.HealthCheckPending, "x"));
    assertThat(released.status()).isTrue();
    assertThat(released.reason()).isEqualTo(GateReason.DirectAccessReleased);
  }

  @Test
  void statusAndReasonMustAgree() {
    assertThatThrownBy(() -> new GateCondition(true, GateReason.CloudApiError, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(GateMode.fromConfigValue(" Continuous ")).isEqualTo(GateMode.CONTINUOUS);
    assertThatThrownBy(() -> GateMode.fromConfigValue("sometimes"))
        .hasMessageContaining("initial or continuous");
  }
}
