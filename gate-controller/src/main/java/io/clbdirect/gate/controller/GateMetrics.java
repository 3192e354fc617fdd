package io.clbdirect.gate.controller;

import io.clbdirect.gate.decide.UnhealthyTargets;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The gate-controller's own meters (the CLB calls are counted by {@code ClbGateway}). */
final class GateMetrics {

  private final AtomicInteger waiting = new AtomicInteger();
  private final MultiGauge unhealthy;
  final Timer reconcile;
  final Timer loadBalancerReconcile;
  private final Timer creationToReady;
  private final Timer boundToReady;

  GateMetrics(MeterRegistry meters) {
    Gauge.builder("clb_direct_gate_pods_waiting", waiting, AtomicInteger::get)
        .description("Pods whose readiness gate is False")
        .register(meters);
    this.unhealthy =
        MultiGauge.builder("clb_direct_gate_targets_unhealthy")
            .description(
                "Bound targets the CLB health check reports Dead, per direct-access Service or Ingress (initial mode included)")
            .register(meters);
    this.reconcile =
        Timer.builder("clb_direct_gate_reconcile_duration")
            .description(
                "One Service or Ingress reconcile: its load balancer found or made and recorded")
            .publishPercentileHistogram()
            .register(meters);
    this.loadBalancerReconcile =
        Timer.builder("clb_direct_gate_load_balancer_reconcile_duration")
            .description(
                "One load balancer reconcile: listeners, rules and targets of every frontend on it, CLB calls included")
            .publishPercentileHistogram()
            .register(meters);
    this.creationToReady =
        Timer.builder("clb_direct_gate_creation_to_ready")
            .description("Pod creation to its gate first True")
            .publishPercentileHistogram()
            .register(meters);
    this.boundToReady =
        Timer.builder("clb_direct_gate_bound_to_ready")
            .description("Target first seen bound to the gate first True (health checks passing)")
            .publishPercentileHistogram()
            .register(meters);
  }

  void waiting(int pods) {
    waiting.set(pods);
  }

  /**
   * Dead targets per frontend (namespace, kind/name); an empty map clears the gauge (another
   * replica reports).
   */
  void unhealthy(Map<UnhealthyTargets.FrontendId, Integer> dead) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    dead.forEach(
        (frontend, count) ->
            rows.add(
                MultiGauge.Row.of(
                    Tags.of("namespace", frontend.namespace(), "frontend", frontend.name()),
                    count)));
    unhealthy.register(rows, true);
  }

  void ready(Duration sinceCreation, Duration sinceBound) {
    if (sinceCreation != null) {
      creationToReady.record(sinceCreation);
    }
    if (sinceBound != null) {
      boundToReady.record(sinceBound);
    }
  }
}
