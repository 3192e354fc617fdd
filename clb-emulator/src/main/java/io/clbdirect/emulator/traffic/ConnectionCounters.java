package io.clbdirect.emulator.traffic;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-listener tallies of accepted client connections: handed to a backend, or closed for want of
 * one.
 */
final class ConnectionCounters {

  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  void countForwarded() {
    forwarded.incrementAndGet();
  }

  void countRefused() {
    refused.incrementAndGet();
  }

  long forwarded() {
    return forwarded.get();
  }

  long refused() {
    return refused.get();
  }
}
