package io.clbdirect.emulator.model;

/**
 * Where a target sits, with the health check that applies to it (the listener's for L4, the rule's
 * for L7). A snapshot entry: the objects are live, the list is not.
 *
 * @param rule null for an L4 listener's target
 */
public record TargetRef(
    LoadBalancer loadBalancer,
    Listener listener,
    Rule rule,
    Target target,
    HealthCheckConfig check) {

  /** Address the emulator connects to: the ENI IP, or the address registered for an instance id. */
  public String address(java.util.function.Function<String, String> instanceAddresses) {
    return target.eniIp() != null ? target.eniIp() : instanceAddresses.apply(target.instanceId());
  }
}
