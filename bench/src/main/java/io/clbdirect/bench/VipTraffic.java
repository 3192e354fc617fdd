package io.clbdirect.bench;

import io.clbdirect.e2e.VipRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients of a load balancer's VIP: each opens a new connection per request (so every request is a
 * fresh scheduling decision of the CLB), sends {@code GET /}, and counts a 200 as served and
 * anything else — refused, reset, timed out, closed without an answer, another status — as failed,
 * by kind.
 */
final class VipTraffic implements AutoCloseable {

  private final String vip;
  private final int port;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong served = new AtomicLong();
  private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
  private final ExecutorService clients;

  /**
   * @param pauseMillis pause between one client's requests
   */
  VipTraffic(String vip, int port, int clientCount, long pauseMillis) {
    this.vip = vip;
    this.port = port;
    this.clients = Executors.newFixedThreadPool(clientCount);
    for (int i = 0; i < clientCount; i++) {
      clients.submit(
          () -> {
            while (running.get()) {
              String failure = request();
              if (failure == null) {
                served.incrementAndGet();
              } else {
                failures.computeIfAbsent(failure, k -> new AtomicLong()).incrementAndGet();
              }
              try {
                Thread.sleep(pauseMillis);
              } catch (InterruptedException e) {
                return;
              }
            }
          });
    }
  }

  /** null when served, else what went wrong (without addresses, so kinds add up). */
  private String request() {
    try {
      return VipRequest.failure(vip, port);
    } catch (IOException e) {
      String message =
          e.getMessage() == null ? "" : e.getMessage().replaceAll("[0-9.:/]+", "").trim();
      return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
  }

  long served() {
    return served.get();
  }

  long failed() {
    return failures.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Failure kind → count. */
  Map<String, Long> failures() {
    Map<String, Long> copy = new TreeMap<>();
    failures.forEach((kind, count) -> copy.put(kind, count.get()));
    return copy;
  }

  /** Stops the clients and waits for their last requests. */
  @Override
  public void close() {
    running.set(false);
    clients.shutdown();
    try {
      if (!clients.awaitTermination(10, TimeUnit.SECONDS)) {
        clients.shutdownNow();
      }
    } catch (InterruptedException e) {
      clients.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  static List<String> describe(Map<String, Long> failures) {
    List<String> lines = new ArrayList<>();
    failures.forEach((kind, count) -> lines.add(count + " x " + kind));
    return lines;
  }
}
