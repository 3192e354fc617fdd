package io.clbdirect.emulator.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Faults a test asks for, reproducible from a seed: per-action error rate and code, added latency,
 * forced throttling, windows during which a load balancer refuses writes as if a task ran, and API
 * outages (the port refusing connections, or accepting calls and never answering them). The data
 * path and health checks never see any of these: a control-plane outage keeps traffic flowing.
 */
public final class FaultInjector {

  /** The API's listening port, which an outage closes and opens again. */
  public interface ApiPort {
    /** Closes the listening socket now and opens it again on the same port after {@code period}. */
    void refuseFor(Duration period);

    /** Opens the listening socket again now if it is closed. */
    void reopen();
  }

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
  private volatile long hangUntilNanos;
  private volatile boolean hanging;
  private volatile long refuseUntilNanos;
  private volatile boolean refusing;
  private volatile ApiPort apiPort;

  /** Called by the API server it belongs to. */
  public void attach(ApiPort apiPort) {
    this.apiPort = apiPort;
  }

  /**
   * The API port refuses connections for {@code period}: its listening socket is closed (open
   * keep-alive connections with it) and opened again on the same port afterwards. The admin paths
   * share the port, so they are unreachable too; the outage ends by itself.
   */
  public void refuseConnections(Duration period) {
    ApiPort port = apiPort;
    if (port == null) {
      throw new IllegalStateException("no API server attached");
    }
    refuseUntilNanos = System.nanoTime() + period.toNanos();
    refusing = true;
    port.refuseFor(period);
  }

  /**
   * For {@code period}, API calls are accepted and read but not answered: each is held, never
   * executed, until the period ends, and then its connection is closed without an answer (as a
   * gateway whose backend is gone does). The client sees its read timeout, or, if that is longer, a
   * connection closed with no response. The admin paths keep answering.
   */
  public void hang(Duration period) {
    hangUntilNanos = System.nanoTime() + period.toNanos();
    hanging = true;
  }

  /** Nanoseconds the API still hangs for, 0 if it does not. */
  public long hangRemainingNanos() {
    if (!hanging) {
      return 0;
    }
    long left = hangUntilNanos - System.nanoTime();
    return Math.max(0, left);
  }

  /** Nanoseconds the API port still refuses connections for, 0 if it does not. */
  public long refuseRemainingNanos() {
    if (!refusing) {
      return 0;
    }
    return Math.max(0, refuseUntilNanos - System.nanoTime());
  }

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
    hanging = false;
    if (refusing) {
      refusing = false;
      ApiPort port = apiPort;
      if (port != null) {
        port.reopen();
      }
    }
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
