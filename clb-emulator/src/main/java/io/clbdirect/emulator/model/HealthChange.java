package io.clbdirect.emulator.model;

import java.time.Instant;

/**
 * A target's health status changed: what a benchmark timing "target healthy → Pod gate True" starts
 * its clock on, and what a soak run checks gates against.
 *
 * @param locationId null for an L4 listener's target
 * @param address the ENI IP, or the instance id for an instance target
 */
public record HealthChange(
    String loadBalancerId,
    String listenerId,
    String locationId,
    String address,
    int port,
    HealthStatus from,
    HealthStatus to,
    Instant at) {

  public static HealthChange of(TargetRef ref, HealthStatus from, HealthStatus to, Instant at) {
    Target target = ref.target();
    return new HealthChange(
        ref.loadBalancer().loadBalancerId(),
        ref.listener().listenerId(),
        ref.rule() == null ? null : ref.rule().locationId(),
        target.eniIp() != null ? target.eniIp() : target.instanceId(),
        target.port(),
        from,
        to,
        at);
  }
}
