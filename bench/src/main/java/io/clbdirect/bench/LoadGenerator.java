package io.clbdirect.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;

/**
 * Load over a fixed pool of keep-alive HTTPS connections, one thread per connection (the connection
 * is never shared, so there is no client-side lock on the request path).
 *
 * <p><b>Open loop</b> ({@link #openLoop}): request {@code i} is due at {@code start + i / rate}. A
 * free connection takes the next request number, waits for its due time, sends it, and records
 * latency from the <em>due</em> time, not from when it was actually sent. When every connection is
 * busy the next request goes out late and that wait counts as latency: coordinated omission is
 * corrected as in wrk2, so a server that stalls for 100 ms shows 100 ms of queued requests, not one
 * slow one.
 *
 * <p><b>Closed loop</b> ({@link #closedLoop}): each connection sends its next request as soon as
 * the previous answer arrives; the completion rate is the saturation throughput.
 */
public final class LoadGenerator {

  /** The bytes of request number {@code sequence}: request line, headers and body. */
  @FunctionalInterface
  public interface Requests {
    byte[] request(long sequence);
  }

  private static final long LOWEST_NANOS = 1_000;
  private static final long HIGHEST_NANOS = Duration.ofSeconds(60).toNanos();
  private static final long LATE_NANOS = Duration.ofMillis(1).toNanos();

  private final SSLContext tls;
  private final String host;
  private final int port;

  public LoadGenerator(SSLContext tls, String host, int port) {
    this.tls = tls;
    this.host = host;
    this.port = port;
  }

  public int port() {
    return port;
  }

  public String host() {
    return host;
  }

  /** One request on a fresh connection, e.g. to check an answer before measuring. */
  public HttpsConnection.Response once(byte[] request) throws IOException {
    try (HttpsConnection connection = new HttpsConnection(tls, host, port)) {
      return connection.exchange(request);
    }
  }

  /**
   * @param rate requests per second offered, whatever the server does
   * @param duration how long requests are offered; a backlog left at the end is drained for at most
   *     another {@code duration} (capped at 10 s), then the rest is counted as not sent
   */
  public StepResult openLoop(
      String endpoint,
      Requests requests,
      int rate,
      Duration duration,
      int connections,
      CpuMeter meter)
      throws IOException, InterruptedException {
    double intervalNanos = 1e9 / rate;
    long durationNanos = duration.toNanos();
    long graceNanos = Math.min(durationNanos, Duration.ofSeconds(10).toNanos());
    AtomicLong sequence = new AtomicLong();
    List<Worker> workers = workers(connections);
    long start = System.nanoTime() + Duration.ofMillis(20).toNanos();
    long end = start + durationNanos;
    long cutOff = end + graceNanos;
    for (Worker worker : workers) {
      worker.start(
          () -> {
            while (true) {
              long i = sequence.getAndIncrement();
              long due = start + (long) (i * intervalNanos);
              if (due >= end) {
                return;
              }
              long now = System.nanoTime();
              if (now > cutOff) {
                worker.notSent++;
                continue;
              }
              while (now < due) {
                LockSupport.parkNanos(due - now);
                now = System.nanoTime();
              }
              if (now - due > LATE_NANOS) {
                worker.late++;
              }
              worker.sendLag.recordValue(
                  Math.min(Math.max(now - due, LOWEST_NANOS), HIGHEST_NANOS));
              worker.exchange(requests.request(i), due);
            }
          });
    }
    CpuMeter.Sample before = meter.sample();
    return finish(endpoint, rate, connections, workers, before, meter, start);
  }

  /** Every connection sends back to back for {@code duration}. */
  public StepResult closedLoop(
      String endpoint, Requests requests, Duration duration, int connections, CpuMeter meter)
      throws IOException, InterruptedException {
    AtomicLong sequence = new AtomicLong();
    List<Worker> workers = workers(connections);
    long start = System.nanoTime() + Duration.ofMillis(20).toNanos();
    long end = start + duration.toNanos();
    for (Worker worker : workers) {
      worker.start(
          () -> {
            long now;
            while ((now = System.nanoTime()) < start) {
              LockSupport.parkNanos(start - now);
            }
            while (System.nanoTime() < end) {
              byte[] request = requests.request(sequence.getAndIncrement());
              worker.exchange(request, System.nanoTime());
            }
          });
    }
    CpuMeter.Sample before = meter.sample();
    return finish(endpoint, 0, connections, workers, before, meter, start);
  }

  private List<Worker> workers(int connections) throws IOException {
    List<Worker> workers = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        workers.add(new Worker("load-" + i));
      }
    } catch (IOException e) {
      workers.forEach(Worker::close);
      throw e;
    }
    return workers;
  }

  private StepResult finish(
      String endpoint,
      int rate,
      int connections,
      List<Worker> workers,
      CpuMeter.Sample before,
      CpuMeter meter,
      long start)
      throws InterruptedException {
    Histogram all = new Histogram(LOWEST_NANOS, HIGHEST_NANOS, 3);
    Histogram sendLag = new Histogram(LOWEST_NANOS, HIGHEST_NANOS, 3);
    long reconnects = 0;
    long errors = 0;
    long notSent = 0;
    long late = 0;
    long lastDone = start;
    try {
      for (Worker worker : workers) {
        worker.thread.join();
      }
    } finally {
      workers.forEach(Worker::close);
    }
    CpuMeter.Sample after = meter.sample();
    for (Worker worker : workers) {
      if (worker.failure != null) {
        throw new IllegalStateException("load thread failed", worker.failure);
      }
      all.add(worker.latency);
      sendLag.add(worker.sendLag);
      reconnects += worker.reconnects;
      errors += worker.errors;
      notSent += worker.notSent;
      late += worker.late;
      lastDone = Math.max(lastDone, worker.lastDone);
    }
    double seconds = (lastDone - start) / 1e9;
    return StepResult.of(
        endpoint,
        rate,
        connections,
        seconds,
        all,
        errors,
        notSent,
        late,
        sendLag.getTotalCount() > 0 ? sendLag.getValueAtPercentile(99) / 1e6 : 0,
        reconnects,
        before.until(after));
  }

  /** A connection, its thread and its private counters (read only after the thread ends). */
  private final class Worker {
    private final String name;
    private final Histogram latency = new Histogram(LOWEST_NANOS, HIGHEST_NANOS, 3);

    /** Open loop: how late each request left (all connections busy, or this thread woke late). */
    private final Histogram sendLag = new Histogram(LOWEST_NANOS, HIGHEST_NANOS, 3);

    private long reconnects;
    private HttpsConnection connection;
    private Thread thread;
    private long errors;
    private long notSent;
    private long late;
    private long lastDone;
    private Throwable failure;
    private String firstError;

    Worker(String name) throws IOException {
      this.name = name;
      this.connection = new HttpsConnection(tls, host, port);
    }

    void start(Runnable loop) {
      thread =
          new Thread(
              () -> {
                try {
                  loop.run();
                } catch (Throwable t) {
                  failure = t;
                }
              },
              name);
      thread.setDaemon(true);
      thread.start();
    }

    /**
     * Sends one request; latency counts from {@code since}. Failures are counted, then a new
     * connection.
     */
    void exchange(byte[] request, long since) {
      try {
        if (connection == null) {
          connection = new HttpsConnection(tls, host, port);
          reconnects++;
        }
        HttpsConnection.Response response = connection.exchange(request);
        long done = System.nanoTime();
        lastDone = done;
        if (response.status() == 200) {
          latency.recordValue(Math.min(Math.max(done - since, LOWEST_NANOS), HIGHEST_NANOS));
        } else {
          error(
              "HTTP "
                  + response.status()
                  + ": "
                  + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (!response.keepAlive()) {
          reconnect();
        }
      } catch (IOException e) {
        lastDone = System.nanoTime();
        error(e.toString());
        reconnect();
      }
    }

    private void error(String what) {
      errors++;
      if (firstError == null) {
        firstError = what;
        System.err.println(name + ": first error: " + what);
      }
    }

    private void reconnect() {
      if (connection != null) {
        connection.close();
      }
      connection = null;
    }

    void close() {
      if (connection != null) {
        connection.close();
      }
    }
  }
}
