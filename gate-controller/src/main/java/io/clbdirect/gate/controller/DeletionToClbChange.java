package io.clbdirect.gate.controller;

import io.clbdirect.gate.decide.CallPlan;
import io.clbdirect.gate.decide.TargetAddress;
import io.clbdirect.gate.decide.TerminatingPod;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code clb_direct_gate_deletion_to_clb_change_seconds}: from a Pod's deletion ({@link
 * TerminatingPod#deletedAt()}) to the moment the call taking its targets out of service (weight 0
 * or deregistered) has landed, i.e. the synchronous batch call returned or the weight task
 * completed. Recorded at the I/O edge, once per Pod per convergence that changed its targets, at
 * the last of its calls (a Pod on several listeners or load balancers counts when all of them have
 * changed).
 */
final class DeletionToClbChange {

  static final String NAME = "clb_direct_gate_deletion_to_clb_change";

  private final Clock clock;
  private final Timer timer;

  DeletionToClbChange(Clock clock, Timer timer) {
    this.clock = clock;
    this.timer = timer;
  }

  static DeletionToClbChange register(MeterRegistry meters, Clock clock) {
    return new DeletionToClbChange(
        clock,
        Timer.builder(NAME)
            .description(
                "Pod deletion to the weight-0 or deregister call for its targets having landed")
            .publishPercentileHistogram()
            .register(meters));
  }

  /**
   * One convergence: note each call as it lands, then {@link Round#record()} (also after a failed
   * call).
   */
  Round round(Map<TargetAddress, TerminatingPod> terminating) {
    return new Round(terminating);
  }

  final class Round {

    private final Map<TargetAddress, TerminatingPod> terminating;
    private final Map<TerminatingPod, Instant> landed = new LinkedHashMap<>();

    private Round(Map<TargetAddress, TerminatingPod> terminating) {
      this.terminating = terminating;
    }

    void landed(CallPlan.Call call) {
      if (terminating.isEmpty()) {
        return;
      }
      Instant now = clock.instant();
      TerminatingPod.changedBy(call, terminating).forEach(pod -> landed.put(pod, now));
    }

    /**
     * One sample per Pod. The deletion time is the API server's clock (whole seconds); a negative
     * span (clock skew) counts as zero rather than being lost.
     */
    void record() {
      landed.forEach(
          (pod, at) -> {
            Duration span = Duration.between(pod.deletedAt(), at);
            timer.record(span.isNegative() ? Duration.ZERO : span);
          });
      landed.clear();
    }
  }
}
