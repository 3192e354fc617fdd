package io.clbdirect.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.extended.leaderelection.Lock;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fence on a fake clock, fed by a lock whose writes succeed or fail as the test says. */
class LeaseFenceTest {

  private static final long S = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(1_000 * S);
  private final LeaseFence fence = new LeaseFence(Duration.ofSeconds(10), now::get);

  /** A lock that accepts writes unless {@code refuse}; each write takes {@code writeTakes}. */
  private final class FakeLock implements Lock {
    final AtomicBoolean refuse = new AtomicBoolean();
    long writeTakes;

    @Override
    public LeaderElectionRecord get() throws ApiException {
      throw new ApiException(404, "not found");
    }

    @Override
    public boolean create(LeaderElectionRecord record) {
      return write();
    }

    @Override
    public boolean update(LeaderElectionRecord record) {
      return write();
    }

    private boolean write() {
      now.addAndGet(writeTakes);
      return !refuse.get();
    }

    @Override
    public String identity() {
      return "replica-a";
    }

    @Override
    public String describe() {
      return "fake";
    }
  }

  private static LeaderElectionRecord held(String by) {
    Date at = new Date();
    return new LeaderElectionRecord(by, 15, at, at, 0);
  }

  @Test
  void aTermIsValidFromItsFirstRenewalUntilTheRenewDeadlineAfterTheLastOne() {
    FakeLock lease = new FakeLock();
    Lock lock = fence.recording(lease);
    assertThat(fence.check()).isEqualTo(LeaseValidity.NOT_LEADING);

    assertThat(lock.create(held("replica-a"))).isTrue();
    fence.termStarted();
    assertThat(fence.check()).isEqualTo(LeaseValidity.VALID);
    assertThat(fence.term()).isEqualTo(1);

    now.addAndGet(8 * S);
    assertThat(lock.update(held("replica-a"))).isTrue(); // renewed at t=8
    now.addAndGet(9 * S);
    assertThat(fence.check()).as("9 s after the last renewal").isEqualTo(LeaseValidity.VALID);

    lease.refuse.set(true); // the API server is gone: renewals fail
    assertThat(lock.update(held("replica-a"))).isFalse();
    now.addAndGet(1 * S);
    assertThat(fence.check())
        .as("10 s after the last successful renewal, while the elector still believes it leads")
        .isEqualTo(LeaseValidity.RENEW_DEADLINE_PASSED);

    fence.termEnded(1);
    assertThat(fence.check()).isEqualTo(LeaseValidity.NOT_LEADING);
  }

  @Test
  void aRenewalCountsFromWhenItWasSentNotFromWhenItsAnswerCame() {
    FakeLock lease = new FakeLock();
    Lock lock = fence.recording(lease);
    fence.termStarted();
    lease.writeTakes = 4 * S; // a slow API server: the Lease may have been stored 4 s ago
    assertThat(lock.update(held("replica-a"))).isTrue();
    now.addAndGet(6 * S - 1);
    assertThat(fence.check()).isEqualTo(LeaseValidity.VALID);
    now.addAndGet(1);
    assertThat(fence.check())
        .as("10 s after the renewal was sent, 6 s after it returned")
        .isEqualTo(LeaseValidity.RENEW_DEADLINE_PASSED);
  }

  @Test
  void writesNamingAnotherHolderOrFailingAreNoRenewal() {
    FakeLock lease = new FakeLock();
    Lock lock = fence.recording(lease);
    fence.termStarted();
    assertThat(fence.check()).isEqualTo(LeaseValidity.NEVER_RENEWED);
    assertThat(lock.update(held("replica-b"))).isTrue();
    assertThat(fence.check()).isEqualTo(LeaseValidity.NEVER_RENEWED);
    lease.refuse.set(true);
    assertThat(lock.create(held("replica-a"))).isFalse();
    assertThat(fence.check()).isEqualTo(LeaseValidity.NEVER_RENEWED);
  }

  @Test
  void aLateAnswerToAnOldRenewalNeverMovesTheTimeBack() throws Exception {
    FakeLock slow = new FakeLock();
    FakeLock fast = new FakeLock();
    Lock slowLock = fence.recording(slow);
    Lock fastLock = fence.recording(fast);
    fence.termStarted();
    // The old renewal is sent at t=0 but answers only after a newer one (sent at t=5) succeeded.
    long sentAt = now.get();
    now.addAndGet(5 * S);
    assertThat(fastLock.update(held("replica-a"))).isTrue();
    now.set(sentAt); // replay the slow one as if sent at t=0, answered now
    slow.writeTakes = 7 * S;
    assertThat(slowLock.update(held("replica-a"))).isTrue(); // now t=7
    now.set(sentAt + 14 * S);
    assertThat(fence.check())
        .as("9 s after the renewal sent at t=5, not 14 s after the one sent at t=0")
        .isEqualTo(LeaseValidity.VALID);
  }

  @Test
  void eachTermCountsAndStartsLeading() {
    FakeLock lease = new FakeLock();
    Lock lock = fence.recording(lease);
    lock.update(held("replica-a"));
    long first = fence.termStarted();
    fence.termEnded(first);
    long second = fence.termStarted();
    assertThat(second).isEqualTo(2);
    assertThat(fence.term()).isEqualTo(2);
    assertThat(fence.check()).isEqualTo(LeaseValidity.VALID);
    fence.termEnded(first); // the first term's stop hook, late
    fence.termEnded(0); // an election that never won, shut down
    assertThat(fence.check())
        .as("the running term is not ended by others")
        .isEqualTo(LeaseValidity.VALID);
    fence.closed();
    assertThat(fence.check()).isEqualTo(LeaseValidity.NOT_LEADING);
  }
}
