package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.e2e.faults.ContinuousInvariants;
import io.clbdirect.e2e.faults.TargetHealthLog;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.kubernetes.client.openapi.models.CoreV1Event;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 20: the clock of clb-direct's host 10 minutes off the CLB's, end to end. The emulator's
 * clock is moved instead ({@code setClockOffset}), so every signed call fails with {@code
 * AuthFailure.SignatureExpire} while a scale-up needs a new Pod bound. The user sees a Warning
 * {@code CloudClockSkew} on the Service and the gauge {@code clb_direct_clb_clock_skew} at 1;
 * clb-direct does not retry in a tight loop; once the clock is fixed, the Pod is bound and the
 * gauge returns to 0, and nothing was lost meanwhile.
 */
class ClockSkewEndToEndTest {

  static final String SYSTEM = "clb-direct-clock-skew-e2e";
  static final Duration SKEWED = Duration.ofSeconds(20);
  static final Duration CONVERGE_BOUND = Duration.ofSeconds(90);

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .gateController(82)
          .args("--clb-direct.webhook.drain.seconds=3")
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-22", 22))
          .build();

  @Test
  void skewGivesAnEventAndAGaugeNoTightLoopAndRecoversWhenFixed() throws Exception {
    TargetHealthLog health = new TargetHealthLog(stack.clb());
    FaultWorkload web = FaultWorkload.create(stack, "clock-skew", 28084, 2);
    ContinuousInvariants invariants =
        new ContinuousInvariants(stack.admin(), stack.clb(), health, List.of(web.ns));
    Duration toEvent;
    double skewGauge;
    double callsWhileSkewed;
    Duration converged;
    try {
      invariants.watchVip(web.vip, web.port);
      Thread.sleep(1000);
      long skewedAt = System.nanoTime();
      stack.clb().setClockOffset(Duration.ofMinutes(10));
      web.scale(3);
      Await.until(
          Duration.ofSeconds(60),
          "a Warning CloudClockSkew on the Service",
          () -> clockSkewEvent(web.ns),
          event -> event != null);
      toEvent = Duration.ofNanos(System.nanoTime() - skewedAt);
      skewGauge =
          Await.until(
              Duration.ofSeconds(30),
              "clb_direct_clb_clock_skew at 1",
              () -> web.metric("clb_direct_clb_clock_skew"),
              v -> v >= 1);
      // The calls of a settled stretch of the skew: a tight loop would make hundreds.
      double callsBefore = web.metric("clb_direct_clb_calls_total");
      Thread.sleep(SKEWED.toMillis());
      callsWhileSkewed = web.metric("clb_direct_clb_calls_total") - callsBefore;

      stack.clb().setClockOffset(Duration.ZERO);
      long fixed = System.nanoTime();
      stack.deployments().awaitAvailable(web.ns, "web", 3, CONVERGE_BOUND);
      Duration available = Duration.ofNanos(System.nanoTime() - fixed);
      converged = invariants.awaitConverged(CONVERGE_BOUND.minus(available)).plus(available);
      Await.until(
          Duration.ofSeconds(30),
          "clb_direct_clb_clock_skew back at 0",
          () -> web.metric("clb_direct_clb_clock_skew"),
          v -> v == 0);
    } finally {
      invariants.close();
    }
    double perSecond = callsWhileSkewed / SKEWED.toSeconds();
    System.out.printf(
        "FAULT clock-skew-10min: Warning CloudClockSkew %d ms after the skew began, gauge"
            + " clb_direct_clb_clock_skew %.0f; %.0f CLB calls in %d s of skew (%.2f/s); converged"
            + " %d ms after the clock was fixed; %s; Events %s%n",
        toEvent.toMillis(),
        skewGauge,
        callsWhileSkewed,
        SKEWED.toSeconds(),
        perSecond,
        converged.toMillis(),
        invariants.figures(),
        web.eventReasons(SYSTEM));
    invariants.assertHeld();
    assertThat(converged).isLessThan(CONVERGE_BOUND);
    // The health pass reads every second while a gate is pending, and reconciles back off: about
    // one call a second at most; a retry loop within a call would be far above.
    assertThat(perSecond).as("CLB calls per second while skewed").isLessThan(3);
  }

  static CoreV1Event clockSkewEvent(String ns) {
    return Unchecked.get(() -> stack.core().listNamespacedEvent(ns).execute()).getItems().stream()
        .filter(e -> "CloudClockSkew".equals(e.getReason()))
        .filter(e -> "Warning".equals(e.getType()))
        .filter(e -> "Service".equals(e.getInvolvedObject().getKind()))
        .findFirst()
        .orElse(null);
  }
}
