package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.e2e.faults.ContinuousInvariants;
import io.clbdirect.e2e.faults.TargetHealthLog;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 20, faults of the CLB API, on one stack (the shared control plane, one CLB emulator).
 *
 * <p>The outage: the CLB API unreachable, first refusing connections, then accepting calls and
 * never answering them (each half of the outage), while Pods are created and deleted; then back.
 * The short variant (24 s) runs in verify; the long one is {@code
 * -Dclbdirect.faults.clbOutageSeconds=300} (docs/reliability.md).
 *
 * <p>What cannot be helped, and is bounded and counted apart: a Pod bound before the outage and
 * deleted during it cannot be taken out of the load balancer (the API is down), so once its drain
 * is over and it stops, clients reach it until the CLB's health check marks it Dead. Those failures
 * are excused from the deletion until 2 s after the emulator reported the target Dead; any other
 * failure while Pods are Ready is a breach.
 *
 * <p>Clock skew: the clock of clb-direct's host 10 minutes off the CLB's. The emulator's clock is
 * moved instead ({@code setClockOffset}), so every signed call fails with {@code
 * AuthFailure.SignatureExpire} while a scale-up needs a new Pod bound. The user sees a Warning
 * {@code CloudClockSkew} on the Service and the gauge {@code clb_direct_clb_clock_skew} at 1;
 * clb-direct does not retry in a tight loop; once the clock is fixed, the Pod is bound and the
 * gauge returns to 0, and nothing was lost meanwhile.
 */
class ClbApiFaultsEndToEndTest {

  static final String SYSTEM = "clb-direct-clb-faults-e2e";
  static final Duration SKEWED = Duration.ofSeconds(12);
  static final Duration OUTAGE =
      Duration.ofSeconds(Long.getLong("clbdirect.faults.clbOutageSeconds", 24));
  static final Duration CONVERGE_BOUND = Duration.ofSeconds(120);

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .gateController(81)
          .args("--clb-direct.webhook.drain.seconds=3")
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-21", 21))
          .build();

  /** Made before any target exists (the stack starts before {@code @BeforeAll}). */
  static TargetHealthLog health;

  @BeforeAll
  static void watchHealth() {
    health = new TargetHealthLog(stack.clb());
  }

  @Test
  void clbApiDownWhilePodsComeAndGoLosesOnlyWhatTheHealthCheckBoundsAndConverges()
      throws Exception {
    FaultWorkload web = FaultWorkload.create(stack, "clb-outage", 28082, 3);
    ContinuousInvariants invariants =
        new ContinuousInvariants(stack.admin(), stack.clb(), health, List.of(web.ns));
    Duration half = OUTAGE.dividedBy(2);
    double errorsBefore = web.metric("clb_direct_clb_errors_total");
    Instant deletedAt;
    String deletedIp;
    long back;
    Duration available;
    Duration converged;
    try {
      invariants.watchVip(web.vip, web.port);
      Thread.sleep(1000);
      V1Pod bound =
          stack.pods().withApp(web.ns, "web").stream()
              .min(Comparator.comparing(p -> p.getMetadata().getName()))
              .orElseThrow();
      long outageStart = System.nanoTime();
      stack.clb().faults().refuseConnections(half);
      // Pods created: gated, started, but nothing can bind them while the API is out.
      web.scale(5);
      // A bound Pod deleted: nothing can take it out of the load balancer now.
      deletedIp = bound.getStatus().getPodIP();
      deletedAt = Instant.now();
      stack.core().deleteNamespacedPod(bound.getMetadata().getName(), web.ns).execute();
      Await.until(
          FaultWorkload.TIMEOUT,
          "6 Pods with an IP (5 wanted, one terminating)",
          () -> stack.pods().withApp(web.ns, "web"),
          pods -> pods.stream().filter(p -> p.getStatus().getPodIP() != null).count() >= 6);
      sleepUntil(outageStart, half);
      stack.clb().faults().hang(half);
      // During the hang: one of the new, never bound Pods deleted (its replacement comes up too).
      V1Pod unbound =
          stack.pods().withApp(web.ns, "web").stream()
              .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
              .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
              .orElseThrow();
      stack.core().deleteNamespacedPod(unbound.getMetadata().getName(), web.ns).execute();
      sleepUntil(outageStart, OUTAGE);
      Await.until(
          Duration.ofSeconds(10),
          "the hang over",
          () -> stack.clb().faults().hangRemainingNanos(),
          left -> left == 0);
      back = System.nanoTime();
      stack.deployments().awaitAvailable(web.ns, "web", 5, CONVERGE_BOUND);
      available = Duration.ofNanos(System.nanoTime() - back);
      converged = invariants.awaitConverged(CONVERGE_BOUND.minus(available)).plus(available);
      Instant dead =
          Await.until(
              Duration.ofSeconds(30),
              "the deleted Pod's target reported Dead",
              () -> health.lastDead(deletedIp, Fixtures.CONTAINER_PORT),
              at -> at != null);
      invariants.excuse(
          deletedAt,
          dead.plusSeconds(2),
          "bound Pod deleted during the outage, until the health check marked it Dead");
    } finally {
      invariants.close();
    }
    System.out.printf(
        "FAULT clb-api-down-%ds (refused %ds, then hanging %ds) with Pods created and deleted:"
            + " 5 replicas Available %d ms and everything converged %d ms after the API was back;"
            + " %s; CLB errors counted by clb-direct %.0f; Events %s%n",
        OUTAGE.toSeconds(),
        half.toSeconds(),
        half.toSeconds(),
        available.toMillis(),
        converged.toMillis(),
        invariants.figures(),
        web.metric("clb_direct_clb_errors_total") - errorsBefore,
        web.eventReasons(SYSTEM));
    invariants.assertHeld();
    assertThat(converged).isLessThan(CONVERGE_BOUND);
    assertThat(invariants.requestsServed()).isGreaterThan(OUTAGE.toSeconds() * 5);
  }

  private static void sleepUntil(long startNanos, Duration after) throws InterruptedException {
    long left = startNanos + after.toNanos() - System.nanoTime();
    if (left > 0) {
      Thread.sleep(Duration.ofNanos(left).toMillis());
    }
  }

  @Test
  void skewGivesAnEventAndAGaugeNoTightLoopAndRecoversWhenFixed() throws Exception {
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
