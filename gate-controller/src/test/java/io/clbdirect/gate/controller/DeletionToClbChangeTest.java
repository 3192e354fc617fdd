package io.clbdirect.gate.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.gate.decide.BackendGroup;
import io.clbdirect.gate.decide.CallPlan;
import io.clbdirect.gate.decide.TargetAddress;
import io.clbdirect.gate.decide.TerminatingPod;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The deletion-to-CLB-change timer, on a clock the test moves. */
class DeletionToClbChangeTest {

  static final Instant DELETED = Instant.parse("2026-12-02T10:00:00Z");
  static final BackendGroup L80 = new BackendGroup("lb-1", "lbl-80", null);
  static final BackendGroup L443 = new BackendGroup("lb-2", "lbl-443", null);
  static final TargetAddress A = new TargetAddress("10.0.0.3", 8080);
  static final TargetAddress B = new TargetAddress("10.0.0.4", 8080);
  static final TargetAddress NEW = new TargetAddress("10.0.0.9", 8080);

  final MovableClock clock = new MovableClock(DELETED);
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final DeletionToClbChange metric = DeletionToClbChange.register(meters, clock);

  @Test
  void oneSamplePerPodAtItsLastLandedCall() {
    Map<TargetAddress, TerminatingPod> terminating =
        Map.of(
            A,
            new TerminatingPod("shop/a", DELETED),
            B,
            new TerminatingPod("shop/b", DELETED.plusSeconds(1)));
    DeletionToClbChange.Round round = metric.round(terminating);

    clock.now = DELETED.plusMillis(300);
    round.landed(
        new CallPlan.Call(
            CallPlan.Action.BatchRegisterTargets,
            "lb-1",
            List.of(new CallPlan.Item(L80, NEW, 10))));
    clock.now = DELETED.plusMillis(800);
    round.landed(
        new CallPlan.Call(
            CallPlan.Action.BatchModifyTargetWeight,
            "lb-1",
            List.of(new CallPlan.Item(L80, A, 0))));
    clock.now = DELETED.plusMillis(1500);
    round.landed(
        new CallPlan.Call(
            CallPlan.Action.BatchDeregisterTargets,
            "lb-2",
            List.of(new CallPlan.Item(L443, A, 0), new CallPlan.Item(L443, B, 0))));
    round.record();

    Timer timer = meters.get("clb_direct_gate_deletion_to_clb_change").timer();
    assertThat(timer.count()).isEqualTo(2);
    // a: deleted at 0, its last call (lb-2) landed at 1.5 s; b: deleted at 1 s, landed at 1.5 s.
    assertThat(timer.max(TimeUnit.MILLISECONDS)).isEqualTo(1500);
    assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2000);
  }

  @Test
  void nothingTerminatingNothingRecordedAndSkewIsZero() {
    DeletionToClbChange.Round none = metric.round(Map.of());
    none.landed(
        new CallPlan.Call(
            CallPlan.Action.BatchDeregisterTargets, "lb-1", List.of(new CallPlan.Item(L80, A, 0))));
    none.record();
    assertThat(meters.get("clb_direct_gate_deletion_to_clb_change").timer().count()).isZero();

    // The API server's clock ahead of ours: counted as zero, not lost.
    DeletionToClbChange.Round skewed =
        metric.round(Map.of(A, new TerminatingPod("shop/a", DELETED.plusSeconds(2))));
    skewed.landed(
        new CallPlan.Call(
            CallPlan.Action.BatchDeregisterTargets, "lb-1", List.of(new CallPlan.Item(L80, A, 0))));
    skewed.record();
    skewed.record(); // recording twice does not count twice
    Timer timer = meters.get("clb_direct_gate_deletion_to_clb_change").timer();
    assertThat(timer.count()).isEqualTo(1);
    assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isZero();
  }

  static final class MovableClock extends Clock {
    Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
