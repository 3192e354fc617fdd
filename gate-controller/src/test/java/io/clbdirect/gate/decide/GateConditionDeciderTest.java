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
  })
  void eachStateHasItsReason(BackendObservation.State state, GateReason reason, boolean status) {
    GateCondition condition = continuous.decide(List.of(on(state)), null);
    assertThat(condition.reason()).isEqualTo(reason);
    assertThat(condition.status()).isEqualTo(status);
  }

  @Test
  void trueOnlyWhenEveryListenerIsHealthyAndTheWorstReasonWins() {
    BackendObservation http = new BackendObservation("Service web", "lb-1", "lbl-80", HEALTH_ALIVE, null);
    BackendObservation grpc = new BackendObservation("Service web", "lb-1", "lbl-9090", HEALTH_UNKNOWN, null);
    BackendObservation ingress = new BackendObservation("Ingress shop (Service web)", "lb-2", null, NOT_BOUND, null);

    assertThat(continuous.decide(List.of(http, grpc), null).reason()).isEqualTo(GateReason.HealthCheckPending);
    GateCondition worst = continuous.decide(List.of(http, grpc, ingress), null);
    assertThat(worst.reason()).isEqualTo(GateReason.TargetNotBound);
    assertThat(worst.message()).isEqualTo("Not yet registered as a backend of Ingress shop (Service web) on load balancer lb-2.");
    assertThat(continuous.decide(List.of(http, http), null).message()).contains("2 load balancer listeners");
  }

  @Test
  void neverTrueOnAnApiError() {
    BackendObservation error = new BackendObservation("Service web", "lb-1", "lbl-80", API_ERROR, "RequestLimitExceeded");
    GateCondition condition = continuous.decide(List.of(on(HEALTH_ALIVE), error), null);
    assertThat(condition.status()).isFalse();
    assertThat(condition.message()).contains("lb-1").contains("lbl-80").contains("RequestLimitExceeded");
  }

  @Test
  void initialModeKeepsTrueThroughHealthFlapsButNotWhenUnbound() {
    GateCondition ready = initial.decide(List.of(on(HEALTH_ALIVE)), null);
    assertThat(ready.status()).isTrue();

    assertThat(initial.decide(List.of(on(HEALTH_DEAD)), ready)).isEqualTo(ready);
    assertThat(continuous.decide(List.of(on(HEALTH_DEAD)), ready).status()).isFalse();
    assertThat(initial.decide(List.of(on(NOT_BOUND)), ready).reason()).isEqualTo(GateReason.TargetNotBound);
    assertThat(initial.decide(List.of(on(HEALTH_DEAD)), null).status()).as("never True before it first was").isFalse();
  }

  @Test
  void aRefusedLoadBalancerHoldsNewPodsNamingWhyButNeverUnreadiesAServingOne() {
    BackendObservation refused = new BackendObservation("Service web", null, null, REFUSED,
        "load balancer lb-9 is in VPC vpc-a but the cluster is in VPC vpc-b");

    GateCondition held = initial.decide(List.of(refused), null);
    assertThat(held.status()).isFalse();
    assertThat(held.reason()).isEqualTo(GateReason.LoadBalancerUnusable);
    assertThat(held.message()).isEqualTo("Not bound: Service web cannot be served: load balancer lb-9 is in VPC vpc-a but the cluster is "
        + "in VPC vpc-b.");
    assertThat(continuous.decide(List.of(refused, on(HEALTH_ALIVE)), null).reason()).as("the worst reason").isEqualTo(GateReason.LoadBalancerUnusable);
    GateCondition ready = initial.decide(List.of(on(HEALTH_ALIVE)), null);
    assertThat(initial.decide(List.of(refused, on(HEALTH_ALIVE)), ready)).isEqualTo(ready);
    assertThat(continuous.decide(List.of(refused), ready)).as("clb-direct deregistered nothing").isEqualTo(ready);
    assertThat(continuous.decide(List.of(refused, on(HEALTH_DEAD)), ready).status()).isFalse();
  }

  @Test
  void noFrontendLeftReleasesTheGate() {
    GateCondition released = initial.decide(List.of(), new GateCondition(false, GateReason.HealthCheckPending, "x"));
    assertThat(released.status()).isTrue();
    assertThat(released.reason()).isEqualTo(GateReason.DirectAccessReleased);
  }

  @Test
  void statusAndReasonMustAgree() {
    assertThatThrownBy(() -> new GateCondition(true, GateReason.CloudApiError, "x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(GateMode.fromConfigValue(" Continuous ")).isEqualTo(GateMode.CONTINUOUS);
    assertThatThrownBy(() -> GateMode.fromConfigValue("sometimes")).hasMessageContaining("initial or continuous");
  }
}
