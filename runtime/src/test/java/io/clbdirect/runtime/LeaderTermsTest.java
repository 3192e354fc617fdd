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
  private static class CountingController implements Controller {
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

  /**
   * The partitioned leader of the issue: it cannot reach the Lease, but its writes elsewhere would
   * still go out. Its fence must close before the other replica leads, and no later than its
   * elector gives up.
   */
  @Test
  void aPartitionedLeadersFenceClosesBeforeAnotherReplicaLeads() throws Exception {
    MemoryLease lease = new MemoryLease();
    AtomicBoolean aCut = new AtomicBoolean();
    try (LeaderTerms a =
            new LeaderTerms(
                () -> lease.lockFor("a", aCut),
                fast("a"),
                () -> new CountingController(new AtomicInteger()));
        LeaderTerms b =
            new LeaderTerms(
                () -> lease.lockFor("b", new AtomicBoolean()),
                fast("b"),
                () -> new CountingController(new AtomicInteger()))) {
      a.start();
      await(a::leading, "a leads");
      await(() -> a.fence().check().mayWrite(), "a may write");
      b.start();
      Thread.sleep(300); // b is waiting on a's Lease
      assertThat(b.leading()).isFalse();
      aCut.set(true);
      long cut = System.nanoTime();
      long fenceClosed = 0;
      long aStopped = 0;
      long bLeads = 0;
      while (bLeads == 0) {
        if (System.nanoTime() - cut > TimeUnit.SECONDS.toNanos(15)) {
          throw new AssertionError("b never led");
        }
        long now = System.nanoTime();
        if (fenceClosed == 0 && !a.fence().check().mayWrite()) {
          fenceClosed = now;
        }
        if (aStopped == 0 && !a.leading()) {
          aStopped = now;
        }
        if (b.leading()) {
          bLeads = now;
        }
        Thread.sleep(5);
      }
      assertThat(fenceClosed).as("a's fence closed").isNotZero();
      assertThat(fenceClosed).as("a's fence closed before b led").isLessThan(bLeads);
      assertThat(Duration.ofNanos(fenceClosed - cut))
          .as("a's fence closed within its renew deadline of the cut")
          .isLessThanOrEqualTo(Duration.ofMillis(1000 + 100));
      assertThat(aStopped == 0 || fenceClosed <= aStopped + TimeUnit.MILLISECONDS.toNanos(20))
          .as("the fence closed no later than a's elector gave up")
          .isTrue();
      assertThat(a.fence().check().mayWrite()).isFalse();
    }
  }

  /**
   * A term's controller may take a while to return after its shutdown (a worker in the middle of a
   * CLB call's retries). If the Lease is won back meanwhile, the old term's late return must not
   * make the new one look over: neither {@link LeaderTerms#leading} nor the fence.
   */
  @Test
  void anOldTermReturningLateDoesNotEndTheNewOne() throws Exception {
    MemoryLease lease = new MemoryLease();
    AtomicBoolean cut = new AtomicBoolean();
    AtomicInteger terms = new AtomicInteger();
    try (LeaderTerms a =
        new LeaderTerms(
            () -> lease.lockFor("a", cut),
            fast("a"),
            () ->
                new CountingController(terms) {
                  @Override
                  public void run() {
                    super.run();
                    try {
                      Thread.sleep(3000); // lingers after its shutdown
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                })) {
      a.start();
      await(a::leading, "a leads");
      await(() -> a.fence().check().mayWrite(), "a may write");
      cut.set(true);
      await(() -> !a.leading(), "a stops leading");
      cut.set(false);
      await(() -> terms.get() == 2, "a leads again, in a second term");
      Thread.sleep(3500); // the first term's controller has returned by now
      assertThat(a.leading()).as("the second term still leads").isTrue();
      assertThat(a.fence().check()).isEqualTo(LeaseValidity.VALID);
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
