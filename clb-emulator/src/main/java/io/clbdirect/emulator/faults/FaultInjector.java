package io.clbdirect.emulator.faults;

import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Faults a test asks for, reproducible from a seed: per-action error rate and code, added latency,
 * forced throttling, and windows during which a load balancer refuses writes as if a task ran.
 */
public final class FaultInjector {

  /**
   * @param rate 0..1, the share of calls of the action that fail with {@code code}
   */
  public record ActionFault(double rate, String code) {
    public ActionFault {
      if (rate < 0 || rate > 1) {
        throw new IllegalArgumentException("error rate must be within 0..1, got " + rate);
      }
    }
  }

  private Random random = new Random(0);
  private long seed;
  private final Map<String, ActionFault> actionFaults = new ConcurrentHashMap<>();
  private final Map<String, Instant> lockedUntil = new ConcurrentHashMap<>();
  private volatile long latencyMillis;
  private volatile boolean throttleAll;

  public synchronized void reseed(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
  }

  public synchronized long seed() {
    return seed;
  }

  public void failAction(String action, double rate, String code) {
    actionFaults.put(action, new ActionFault(rate, code));
  }

  public void setLatencyMillis(long latencyMillis) {
    this.latencyMillis = Math.max(0, latencyMillis);
  }

  public void setThrottleAll(boolean throttleAll) {
    this.throttleAll = throttleAll;
  }

  /**
   * Writes to {@code loadBalancerId} fail with FailedOperation.ResourceInOperating until {@code
   * until}.
   */
  public void lockLoadBalancer(String loadBalancerId, Instant until) {
    lockedUntil.put(loadBalancerId, until);
  }

  public void reset() {
    actionFaults.clear();
    lockedUntil.clear();
    latencyMillis = 0;
    throttleAll = false;
    reseed(seed);
  }

  public long latencyMillis() {
    return latencyMillis;
  }

  public boolean throttleAll() {
    return throttleAll;
  }

  /**
   * The error code to answer {@code action} with this time, or null. Draws from the seeded
   * sequence.
   */
  public synchronized String errorFor(String action) {
    ActionFault fault = actionFaults.get(action);
    if (fault == null || fault.rate() == 0) {
      return null;
    }
    return random.nextDouble() < fault.rate() ? fault.code() : null;
  }

  public boolean locked(String loadBalancerId, Instant now) {
    Instant until = lockedUntil.get(loadBalancerId);
    return until != null && now.isBefore(until);
  }

  public Map<String, ActionFault> actionFaults() {
    return Map.copyOf(actionFaults);
  }

  public Map<String, Instant> lockedLoadBalancers() {
    return Map.copyOf(lockedUntil);
  }
}
