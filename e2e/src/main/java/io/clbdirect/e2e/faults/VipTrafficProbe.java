package io.clbdirect.e2e.faults;

import io.clbdirect.e2e.VipRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of a load balancer's VIP running throughout a fault: one new connection per request
 * (each a fresh scheduling decision of the CLB), {@code GET /}, a 200 counts as served, anything
 * else (refused, reset, timed out, closed without an answer, another status) as failed, with the
 * time it started. The same request as the rollout tests' clients and the benchmarks' VipTraffic.
 */
public final class VipTrafficProbe implements AutoCloseable {

  /** A request that failed: when it started, and how. */
  public record Failure(Instant at, String what) {}

  private final String vip;
  private final int port;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong served = new AtomicLong();
  private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
  private final ExecutorService thread = Executors.newSingleThreadExecutor();

  /**
   * @param pauseMillis between one request's end and the next one's start
   */
  public VipTrafficProbe(String vip, int port, long pauseMillis) {
    this.vip = vip;
    this.port = port;
    thread.submit(
        () -> {
          while (running.get()) {
            Instant at = Instant.now();
            String failure = request();
            if (failure == null) {
              served.incrementAndGet();
            } else {
              failures.add(new Failure(at, failure));
            }
            try {
              Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
  }

  private String request() {
    try {
      return VipRequest.failure(vip, port);
    } catch (IOException e) {
      return e.toString();
    }
  }

  public String target() {
    return vip + ":" + port;
  }

  public long served() {
    return served.get();
  }

  public List<Failure> failures() {
    return List.copyOf(failures);
  }

  /** Stops the client and waits for its last request. */
  @Override
  public void close() {
    running.set(false);
    thread.shutdown();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
