package io.clbdirect.gate.controller;

import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code onStart} while this replica holds the Lease and {@code onStop} when it loses it, trying
 * again for as long as it runs (client-java's LeaderElector, 15 s lease, 10 s renew deadline).
 */
public final class Leadership implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  private final ApiClient client;
  private final String namespace;
  private final String lease;
  private final String identity;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
    Thread t = new Thread(runnable, "clb-direct-leader-election");
    t.setDaemon(true);
    return t;
  });
  private volatile LeaderElector elector;
  private volatile boolean running;

  public Leadership(ApiClient client, String namespace, String lease, String identity) {
    this.client = client;
    this.namespace = namespace;
    this.lease = lease;
    this.identity = identity;
  }

  public void start(Runnable onStart, Runnable onStop) {
    running = true;
    thread.submit(() -> {
      while (running) {
        LeaderElector current = new LeaderElector(new LeaderElectionConfig(new LeaseLock(namespace, lease, identity, client),
            Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)), e -> log.warn("leader election ({}): {}", lease, e.toString()));
        elector = current;
        current.run(() -> {
          log.info("{} leads {}", identity, lease);
          onStart.run();
        }, () -> {
          log.info("{} no longer leads {}", identity, lease);
          onStop.run();
        });
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  @Override
  public void close() {
    running = false;
    LeaderElector current = elector;
    if (current != null) {
      current.close();
    }
    thread.shutdownNow();
  }
}
