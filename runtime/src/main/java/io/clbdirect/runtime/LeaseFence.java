package io.clbdirect.runtime;

import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.extended.leaderelection.Lock;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Tells, right before a write to the outside world (a cloud API that knows nothing of the Lease),
 * whether this replica still holds the Lease: {@link LeaseValidity#judge} on when this replica last
 * renewed it and whether a term runs.
 *
 * <p>client-java-extended's {@code LeaderElector} keeps the time of its last renewal to itself, so
 * the fence sees the renewals on their way: {@link #recording} wraps the elector's {@link Lock} and
 * notes when each successful create or update of a record naming this replica was <em>sent</em>
 * (the API server may have stored it at any moment of the round trip; the start is the safe side).
 * {@link LeaderTerms} reports the start and end of each term.
 */
public final class LeaseFence {

  private final Duration renewDeadline;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private boolean leading;
  private boolean renewed;
  private long lastRenewStartNanos;
  private long term;

  /**
   * @param renewDeadline the Lease's renew deadline
   * @param nanoTime a monotonic clock, {@link System#nanoTime} outside tests
   */
  public LeaseFence(Duration renewDeadline, LongSupplier nanoTime) {
    this.renewDeadline = Objects.requireNonNull(renewDeadline, "renewDeadline");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  public static LeaseFence of(LeaseSettings lease) {
    return new LeaseFence(lease.renewDeadline(), System::nanoTime);
  }

  /** Whether a write may go out now, and if not why. */
  public LeaseValidity check() {
    long now = nanoTime.getAsLong();
    synchronized (lock) {
      return LeaseValidity.judge(leading, renewed, lastRenewStartNanos, now, renewDeadline);
    }
  }

  /** Whether a term runs (whatever the renewals say). */
  public boolean leading() {
    synchronized (lock) {
      return leading;
    }
  }

  /** The number of terms begun so far: 0 before the first, then 1, 2, ... */
  public long term() {
    synchronized (lock) {
      return term;
    }
  }

  public Duration renewDeadline() {
    return renewDeadline;
  }

  /** The elector's lock, reporting each successful renewal by this replica to the fence. */
  public Lock recording(Lock delegate) {
    return new RecordingLock(delegate);
  }

  /**
   * @return the new term's number, for {@link #termEnded}
   */
  long termStarted() {
    synchronized (lock) {
      term++;
      leading = true;
      return term;
    }
  }

  /**
   * Ends term {@code ended} only: a late stop hook of an earlier term (or of an election that never
   * won, 0) must not end the one running now.
   */
  void termEnded(long ended) {
    synchronized (lock) {
      if (ended == term) {
        leading = false;
      }
    }
  }

  /** No term runs from now on, whichever it was (the process is closing). */
  void closed() {
    synchronized (lock) {
      leading = false;
    }
  }

  private void renewed(long startNanos) {
    synchronized (lock) {
      // A renewal that hung and succeeded late must not move the time back.
      if (!renewed || startNanos - lastRenewStartNanos > 0) {
        lastRenewStartNanos = startNanos;
      }
      renewed = true;
    }
  }

  private final class RecordingLock implements Lock {
    private final Lock delegate;

    RecordingLock(Lock delegate) {
      this.delegate = delegate;
    }

    @Override
    public LeaderElectionRecord get() throws ApiException {
      return delegate.get();
    }

    @Override
    public boolean create(LeaderElectionRecord record) {
      long start = nanoTime.getAsLong();
      boolean created = delegate.create(record);
      noteIfOurs(created, record, start);
      return created;
    }

    @Override
    public boolean update(LeaderElectionRecord record) {
      long start = nanoTime.getAsLong();
      boolean updated = delegate.update(record);
      noteIfOurs(updated, record, start);
      return updated;
    }

    private void noteIfOurs(boolean written, LeaderElectionRecord record, long start) {
      if (written && record != null && delegate.identity().equals(record.getHolderIdentity())) {
        renewed(start);
      }
    }

    @Override
    public String identity() {
      return delegate.identity();
    }

    @Override
    public String describe() {
      return delegate.describe();
    }
  }
}
