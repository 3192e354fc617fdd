package io.clbdirect.gate.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.gate.decide.BackendGroup;
import io.clbdirect.gate.decide.BackendObservation;
import io.clbdirect.gate.decide.Binding;
import io.clbdirect.gate.decide.TargetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which reconciles ask for a prompt health pass, so Pods' reasons follow within the reconcile. */
class FrontendStateTest {

  static Map<String, List<Binding>> bound(String... pods) {
    Map<String, List<Binding>> bindings = new java.util.HashMap<>();
    for (String pod : pods) {
      bindings.put(
          "shop/" + pod,
          List.of(
              new Binding(
                  "Service web",
                  "lb-1",
                  "lbl-80",
                  new BackendGroup("lb-1", "lbl-80", null),
                  new TargetAddress("127.16.0.1", 8080))));
    }
    return bindings;
  }

  final FrontendState serving = new FrontendState("lb-1", bound("a"), Set.of(), null);

  @Test
  void releaseFirstBindingAndAnotherLoadBalancerChangeReasons() {
    assertThat(FrontendState.changesReasons(null, null))
        .as("a Service that never was direct-access")
        .isFalse();
    assertThat(FrontendState.changesReasons(serving, null)).as("released").isTrue();
    assertThat(FrontendState.changesReasons(null, serving)).as("enabled or re-enabled").isTrue();
    assertThat(
            FrontendState.changesReasons(
                serving, new FrontendState("lb-2", bound("a"), Set.of(), null)))
        .isTrue();
  }

  @Test
  void refusalsErrorsAndQuotaChangeReasonsButPodChurnDoesNot() {
    FrontendState.Refusal notFound =
        new FrontendState.Refusal(
            BackendObservation.State.LOAD_BALANCER_NOT_FOUND, "lb-typo does not exist");
    FrontendState refused = new FrontendState(null, bound("a"), Set.of(), null, notFound);
    assertThat(FrontendState.changesReasons(serving, refused)).isTrue();
    assertThat(
            FrontendState.changesReasons(
                refused, new FrontendState(null, bound("a", "b"), Set.of(), null, notFound)))
        .as("the same refusal, once more")
        .isFalse();
    assertThat(
            FrontendState.changesReasons(
                serving, new FrontendState(null, bound("a"), Set.of(), "InternalError")))
        .isTrue();
    assertThat(
            FrontendState.changesReasons(
                serving, new FrontendState("lb-1", bound("a"), Set.of("lbl-80"), null)))
        .isTrue();
    assertThat(
            FrontendState.changesReasons(
                serving, new FrontendState("lb-1", bound("a", "b"), Set.of(), null)))
        .as("a rollout's Pod churn keeps the regular pace")
        .isFalse();
  }
}
