package io.clbdirect.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.extended.leaderelection.Lock;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class LeaderTermsTest {

  /**
   * One Lease in memory, shared by the replicas; a replica "partitioned" from it cannot read or
   * write it.
   */
  private static final class MemoryLease {
    private LeaderElectionRecord record;

    Lock lockFor(String identity, AtomicBoolean partitioned) {
      return new Lock() {
        @Override
        public LeaderElectionRecord get() throws ApiException {
          synchronized (MemoryLease.this) {
            if (partitioned.get()) {
              throw new ApiException(0, "partitioned");
            }
            if (record == null) {
              throw new ApiException(404, "not found");
            }
            return record;
          }
        }

        @Override
        public boolean create(LeaderElectionRecord created) {
          synchronized (MemoryLease.this) {
            if (partitioned.get() || record != null) {
              return false;
            }
            record = created;
            return true;
          }
        }

        @Override
        public boolean update(LeaderElectionRecord updated) {
          synchronized (MemoryLease.this) {
            if (partitioned.get()) {
              return false;
            }
            record = updated;
            return true;
          }
        }

        @Override
        public String identity() {
          return identity;
        }

        @Override
        public String describe() {
          return "memory/lease";
        }
      };
    }
  }

  /** Counts the terms it was built for, and runs until shut down, like a DefaultController. */
  private static final class CountingController implements Controller {
    final CountDownLatch stop = new CountDownLatch(1);
    final AtomicInteger runs;

    CountingController(AtomicInteger runs) {
      this.runs = runs;
    }

    @Override
    public void run() {
      runs.incrementAndGet();
      try {
        stop.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void shutdown() {
      stop.countDown();
    }
  }

  private static LeaseSettings fast(String identity) {
    return new LeaseSettings(
        "ns",
        "lease",
        identity,
        Duration.ofSeconds(2),
        Duration.ofMillis(1000),
        Duration.ofMillis(200));
  }

  @Test
  void aReplicaThatLostTheLeaseLeadsAgainWithANewTermWhenItWinsItBack() throws Exception {
    MemoryLease lease = new MemoryLease();
    AtomicBoolean aCut = new AtomicBoolean();
    AtomicInteger aTerms = new AtomicInteger();
    AtomicInteger bTerms = new AtomicInteger();
    AtomicInteger aBuilt = new AtomicInteger();
    try (LeaderTerms a =
        new LeaderTerms(
            () -> lease.lockFor("a", aCut),
            fast("a"),
            () -> {
              aBuilt.incrementAndGet();
              return new CountingController(aTerms);
            })) {
      a.start();
      await(a::leading, "a leads first");
      assertThat(aTerms).hasValue(1);

      LeaderTerms b =
          new LeaderTerms(
              () -> lease.lockFor("b", new AtomicBoolean()),
              fast("b"),
              () -> new CountingController(bTerms));
      b.start();
      aCut.set(
          true); // a can no longer renew: it must stop leading within its renew deadline, and b
      // takes over
      await(() -> !a.leading(), "a stops leading");
      await(b::leading, "b takes over");
      assertThat(bTerms).hasValue(1);

      aCut.set(false);
      b.close(); // b goes away without releasing: a must win the Lease back once it expires
      await(a::leading, "a leads again");
      assertThat(aTerms).as("a runs a second term").hasValue(2);
      assertThat(aBuilt.get())
          .as("each term's controller is built afresh")
          .isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void closingStopsTheRunningTerm() throws Exception {
    MemoryLease lease = new MemoryLease();
    AtomicInteger terms = new AtomicInteger();
    CountingController[] built = new CountingController[1];
    LeaderTerms a =
        new LeaderTerms(
            () -> lease.lockFor("a", new AtomicBoolean()),
            fast("a"),
            () -> {
              built[0] = new CountingController(terms);
              return built[0];
            });
    a.start();
    await(a::leading, "a leads");
    CountingController running = built[0];
    a.close();
    assertThat(running.stop.await(5, TimeUnit.SECONDS))
        .as("the term's controller is shut down")
        .isTrue();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
