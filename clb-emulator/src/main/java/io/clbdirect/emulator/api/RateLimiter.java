package io.clbdirect.emulator.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLB's documented limit of N requests per second per action, as a token bucket per action
 * (capacity N, refilled continuously). Server-side behaviour being emulated, so written out here.
 */
final class RateLimiter {

  private final double perSecond;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param perSecond requests per second per action; 0 or less turns limiting off
   */
  RateLimiter(double perSecond) {
    this.perSecond = perSecond;
  }

  boolean tryAcquire(String action, long nowNanos) {
    if (perSecond <= 0) {
      return true;
    }
    return buckets
        .computeIfAbsent(action, a -> new Bucket(perSecond, nowNanos))
        .tryAcquire(perSecond, nowNanos);
  }

  private static final class Bucket {
    private double tokens;
    private long last;

    Bucket(double capacity, long now) {
      this.tokens = capacity;
      this.last = now;
    }

    synchronized boolean tryAcquire(double perSecond, long now) {
      tokens = Math.min(perSecond, tokens + (now - last) / 1e9 * perSecond);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
