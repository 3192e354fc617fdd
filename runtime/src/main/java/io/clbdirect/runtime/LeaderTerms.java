package io.clbdirect.runtime;

import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.controller.LeaderElectingController;
import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.Lock;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.openapi.ApiClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a controller only while this replica holds a Lease, and again each time it wins the Lease
 * back.
 *
 * <p>client-java-extended's {@link LeaderElectingController} runs one term: when the Lease is lost
 * it shuts its controller down for good (the workqueue with it) and returns, the point at which a
 * Go controller exits its process. clb-direct cannot exit: the same process answers admissions on
 * every replica. So each term gets a controller built afresh by {@code newTerm}, and the election
 * runs again after a term ends.
 */
public final class LeaderTerms implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaderTerms.class);

  private final LeaseSettings lease;
  private final Supplier<Lock> lock;
  private final Supplier<Controller> newTerm;
  private final LeaseFence fence;
  private final ExecutorService thread;
  private volatile LeaderElector elector;
  private volatile boolean running;

  /**
   * @param newTerm builds the controller of one term; it is shut down when the term ends
   */
  public LeaderTerms(ApiClient client, LeaseSettings lease, Supplier<Controller> newTerm) {
    this(client, lease, newTerm, LeaseFence.of(lease));
  }

  /**
   * @param fence told of every renewal and term, for the writes that must stop when the Lease may
   *     have passed on ({@link LeaseFence#check})
   */
  public LeaderTerms(
      ApiClient client, LeaseSettings lease, Supplier<Controller> newTerm, LeaseFence fence) {
    this(
        () -> new LeaseLock(lease.namespace(), lease.name(), lease.identity(), client),
        lease,
        newTerm,
        fence);
  }

  /**
   * @param lock a fresh lock per election (tests use an in-memory one)
   */
  public LeaderTerms(Supplier<Lock> lock, LeaseSettings lease, Supplier<Controller> newTerm) {
    this(lock, lease, newTerm, LeaseFence.of(lease));
  }

  /**
   * @param lock a fresh lock per election (tests use an in-memory one)
   * @param fence see {@link #LeaderTerms(ApiClient, LeaseSettings, Supplier, LeaseFence)}
   */
  public LeaderTerms(
      Supplier<Lock> lock, LeaseSettings lease, Supplier<Controller> newTerm, LeaseFence fence) {
    this.lock = () -> fence.recording(lock.get());
    this.lease = lease;
    this.newTerm = newTerm;
    this.fence = fence;
    this.thread =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread t = new Thread(runnable, "clb-direct-leader-election-" + lease.name());
              t.setDaemon(true);
              return t;
            });
  }

  public void start() {
    running = true;
    thread.submit(this::elect);
  }

  private void elect() {
    while (running) {
      LeaderElector current =
          new LeaderElector(
              new LeaderElectionConfig(
                  lock.get(), lease.leaseDuration(), lease.renewDeadline(), lease.retryPeriod()),
              e -> log.warn("leader election ({}): {}", lease.name(), e.toString()));
      elector = current;
      Controller term = new Term(newTerm.get());
      try {
        new LeaderElectingController(current, term).run();
      } catch (RuntimeException e) {
        log.warn("leader election ({}) stopped: {}", lease.name(), e.toString());
      } finally {
        term.shutdown(); // also when the Lease was never won (closing)
      }
      try {
        Thread.sleep(lease.retryPeriod().toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Whether this replica currently runs a term. Kept by term number in the fence: a term whose
   * controller returns late, after the next term began, does not end the next one.
   */
  public boolean leading() {
    return fence.leading();
  }

  public String identity() {
    return lease.identity();
  }

  /** Whether a write may go out now: see {@link LeaseFence}. */
  public LeaseFence fence() {
    return fence;
  }

  @Override
  public void close() {
    running = false;
    // At once, not when the elector's stop hook gets round to the term: nothing written after
    // close.
    fence.closed();
    LeaderElector current = elector;
    if (current != null) {
      current.close();
    }
    thread.shutdownNow();
  }

  /** One term's controller, reporting whether it runs. */
  private final class Term implements Controller {
    private final Controller delegate;
    private volatile boolean shutDown;
    private volatile boolean ran;

    /** This term's number in the fence, 0 until it runs. */
    private volatile long number;

    Term(Controller delegate) {
      this.delegate = delegate;
    }

    @Override
    public void run() {
      log.info("{} leads {}", lease.identity(), lease.name());
      ran = true;
      number = fence.termStarted();
      try {
        delegate.run();
      } finally {
        fence.termEnded(number);
      }
    }

    @Override
    public void shutdown() {
      if (!shutDown) {
        shutDown = true;
        fence.termEnded(number);
        if (ran) { // an election that never won has nothing to say
          log.info("{} no longer leads {}", lease.identity(), lease.name());
        }
        delegate.shutdown();
      }
    }
  }
}
