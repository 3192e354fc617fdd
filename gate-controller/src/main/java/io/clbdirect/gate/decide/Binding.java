package io.clbdirect.gate.decide;

/**
 * One place a Pod must be bound: a frontend's listener (group null while the listener is missing)
 * and the address to register.
 */
public record Binding(
    String frontend,
    String loadBalancerId,
    String listenerId,
    BackendGroup group,
    TargetAddress target) {}
