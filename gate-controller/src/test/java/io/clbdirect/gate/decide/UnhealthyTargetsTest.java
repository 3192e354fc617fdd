package io.clbdirect.gate.decide;

import static io.clbdirect.gate.decide.BackendObservation.State.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnhealthyTargetsTest {

  static final UnhealthyTargets.FrontendId WEB =
      new UnhealthyTargets.FrontendId("shop", "service/web");
  static final UnhealthyTargets.FrontendId SHOP =
      new UnhealthyTargets.FrontendId("shop", "ingress/shop");
  static final TargetAddress A = new TargetAddress("127.16.0.1", 8080);
  static final TargetAddress B = new TargetAddress("127.16.0.2", 8080);
  static final Instant T0 = Instant.parse("2025-01-01T10:00:00.250Z");

  final UnhealthyTargets targets = new UnhealthyTargets();

  static UnhealthyTargets.Sighting seen(
      String pod, TargetAddress target, BackendObservation.State state) {
    return new UnhealthyTargets.Sighting(
        "shop/" + pod,
        WEB,
        target,
        new BackendObservation("Service web", "lb-1", "lbl-80", state, null));
  }

  static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void deadAfterAliveIsAnnouncedOnceAndItsRecoveryOnce() {
    assertThat(targets.observe(List.of(seen("a", A, HEALTH_UNKNOWN)), at(0)).changes()).isEmpty();
    assertThat(targets.observe(List.of(seen("a", A, HEALTH_ALIVE)), at(1)).changes()).isEmpty();

    UnhealthyTargets.Pass dead = targets.observe(List.of(seen("a", A, HEALTH_DEAD)), at(30));
    assertThat(dead.changes())
        .singleElement()
        .satisfies(
            change -> {
              assertThat(change.kind()).isEqualTo(UnhealthyTargets.Kind.TURNED_UNHEALTHY);
              assertThat(change.pod()).isEqualTo("shop/a");
              assertThat(change.eventReason()).isEqualTo("TargetUnhealthy");
              assertThat(change.message())
                  .isEqualTo(
                      "The CLB health check fails for target 127.16.0.1:8080 of Service web on load balancer lb-1 "
                          + "listener lbl-80 since 2025-01-01T10:00:30Z (it was Alive): the load balancer sends this Pod no new connections until it "
                          + "passes again.");
            });
    assertThat(dead.dead()).containsExactly(Map.entry(WEB, 1));
    assertThat(targets.observe(List.of(seen("a", A, HEALTH_DEAD)), at(60)).changes())
        .as("once")
        .isEmpty();
    assertThat(targets.observe(List.of(seen("a", A, API_ERROR)), at(61)).dead())
        .as("a failed read changes nothing")
        .containsExactly(Map.entry(WEB, 1));

    UnhealthyTargets.Pass recovered = targets.observe(List.of(seen("a", A, HEALTH_ALIVE)), at(90));
    assertThat(recovered.changes())
        .singleElement()
        .satisfies(
            change -> {
              assertThat(change.kind()).isEqualTo(UnhealthyTargets.Kind.RECOVERED);
              assertThat(change.eventReason()).isEqualTo("TargetHealthy");
              assertThat(change.message())
                  .isEqualTo(
                      "The CLB health check passes again for target 127.16.0.1:8080 of Service web on load "
                          + "balancer lb-1 listener lbl-80 (Dead since 2025-01-01T10:00:30Z, for 60 s).");
            });
    assertThat(recovered.dead()).containsExactly(Map.entry(WEB, 0));
    assertThat(targets.observe(List.of(seen("a", A, HEALTH_ALIVE)), at(91)).changes()).isEmpty();
  }

  @Test
  void aTargetThatNeverPassedIsCountedButNotAnnounced() {
    targets.observe(List.of(seen("a", A, HEALTH_UNKNOWN), seen("b", B, HEALTH_ALIVE)), at(0));

    UnhealthyTargets.Pass pass =
        targets.observe(List.of(seen("a", A, HEALTH_DEAD), seen("b", B, HEALTH_ALIVE)), at(5));
    assertThat(pass.changes()).as("the gate already says HealthCheckFailing").isEmpty();
    assertThat(pass.dead()).containsExactly(Map.entry(WEB, 1));
    assertThat(
            targets
                .observe(List.of(seen("a", A, HEALTH_ALIVE), seen("b", B, HEALTH_ALIVE)), at(9))
                .changes())
        .as("no recovery of what was never announced")
        .isEmpty();
  }

  @Test
  void anUnknownVerdictKeepsWhatWasKnownAndAnUnboundTargetIsForgotten() {
    targets.observe(List.of(seen("a", A, HEALTH_ALIVE)), at(0));
    targets.observe(List.of(seen("a", A, HEALTH_UNKNOWN)), at(1));
    assertThat(targets.observe(List.of(seen("a", A, HEALTH_DEAD)), at(2)).changes()).hasSize(1);

    assertThat(targets.observe(List.of(seen("a", A, NOT_BOUND)), at(3)).dead())
        .as("deregistered")
        .containsExactly(Map.entry(WEB, 0));
    assertThat(targets.observe(List.of(seen("a", A, HEALTH_ALIVE)), at(4)).changes())
        .as("bound again: a new life")
        .isEmpty();
    targets.observe(List.of(), at(5));
    assertThat(targets.observe(List.of(seen("a", A, HEALTH_DEAD)), at(6)).changes())
        .as("a Pod gone and back is new")
        .isEmpty();
  }

  @Test
  void countsArePerFrontendAndEachListenerIsItsOwnTarget() {
    BackendObservation rule =
        new BackendObservation(
            "Ingress shop (shop.example.com/)", "lb-2", "lbl-80", HEALTH_ALIVE, null);
    BackendObservation otherPort =
        new BackendObservation("Service web", "lb-1", "lbl-443", HEALTH_ALIVE, null);
    targets.observe(
        List.of(
            seen("a", A, HEALTH_ALIVE),
            new UnhealthyTargets.Sighting("shop/a", SHOP, A, rule),
            new UnhealthyTargets.Sighting("shop/a", WEB, A, otherPort)),
        at(0));

    UnhealthyTargets.Pass pass =
        targets.observe(
            List.of(
                seen("a", A, HEALTH_DEAD),
                new UnhealthyTargets.Sighting(
                    "shop/a",
                    SHOP,
                    A,
                    new BackendObservation(rule.frontend(), "lb-2", "lbl-80", HEALTH_DEAD, null)),
                new UnhealthyTargets.Sighting("shop/a", WEB, A, otherPort)),
            at(10));

    assertThat(pass.changes())
        .hasSize(2)
        .extracting(c -> c.observation().frontend())
        .containsExactlyInAnyOrder("Service web", "Ingress shop (shop.example.com/)");
    assertThat(pass.dead()).containsExactly(Map.entry(SHOP, 1), Map.entry(WEB, 1));
  }

  @Test
  void aHealthCheckSwitchedOffIsARecovery() {
    targets.observe(List.of(seen("a", A, HEALTH_ALIVE)), at(0));
    targets.observe(List.of(seen("a", A, HEALTH_DEAD)), at(1));
    assertThat(targets.observe(List.of(seen("a", A, HEALTH_CHECK_OFF)), at(2)).changes())
        .extracting(UnhealthyTargets.Change::kind)
        .containsExactly(UnhealthyTargets.Kind.RECOVERED);
    targets.forget();
    assertThat(targets.observe(List.of(seen("a", A, HEALTH_DEAD)), at(3)).changes()).isEmpty();
  }
}
