package io.clbdirect.emulator.health;

import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.HealthChange;
import io.clbdirect.emulator.model.HealthCheckConfig;
import io.clbdirect.emulator.model.HealthStatus;
import io.clbdirect.emulator.model.Target;
import io.clbdirect.emulator.model.TargetRef;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real health checks of every target of every load balancer, as the CLB runs them.
 *
 * <p>Each target's status ({@link Target#health()}) follows its listener's (L4) or rule's (L7)
 * check:
 *
 * <ul>
 *   <li>Unknown until the first verdict: a new target, or one whose check was just switched back
 *       on, carries traffic only once it is found Alive;
 *   <li>Alive after {@code healthNum} consecutive passing probes;
 *   <li>Dead after {@code unhealthNum} consecutive failing probes (Alive and Dead switch only on a
 *       full run of the opposite result);
 *   <li>Close while the check is off (no check, or HealthSwitch 0): nothing is probed and the
 *       target counts as healthy. Switching the check on again restarts at Unknown with fresh
 *       counters.
 * </ul>
 *
 * The first probe runs as soon as a target is seen, then one every IntervalTime; each probe must
 * finish within TimeOut. Both are multiplied by {@code timeScale}, so tests can run a 5 s interval
 * in 250 ms.
 *
 * <p>The check is read afresh on every round, so a modified check (ModifyListener, ModifyRule) is
 * in force at the next probe, which runs at once rather than after the old interval. A target keeps
 * its status and counters across the change and moves on by the usual HealthNum/UnHealthNum
 * counting under the new check. See {@link TargetProbe} for what a probe does and where it connects
 * (loopback only).
 *
 * <p>A scheduler thread looks at every target each 50 ms and hands due probes to a pool of 16
 * threads; a target is never probed twice at once. Results are applied under the state lock, and
 * {@link ClbState#healthChanged} is called, outside the lock, whenever a status changes. A result
 * is dropped when the check was switched off while the probe ran (it would otherwise overwrite
 * Close) or changed (it answers a question no longer asked); a result for a target removed
 * meanwhile is recorded on the detached object, which nothing reads any more, so it is harmless and
 * not worth a lookup.
 */
public final class HealthChecker implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(HealthChecker.class.getName());
  private static final long TICK_MILLIS = 50;
  private static final int PROBE_THREADS = 16;

  private final ClbState state;
  private final double timeScale;
  private final TargetProbe probe;
  private final boolean forceHealthy;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(daemonThreads("clb-health-scheduler-"));
  private final ExecutorService probes =
      Executors.newFixedThreadPool(PROBE_THREADS, daemonThreads("clb-health-probe-"));

  /** Targets with a probe queued or running; by identity, as a Target is its own identity. */
  private final Set<Target> probing =
      Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

  private volatile boolean started;
  private volatile boolean closed;

  /**
   * @param timeScale multiplies IntervalTime and TimeOut: 1.0 is real time, 0.1 turns 5 s into 500
   *     ms
   * @throws IllegalArgumentException unless 0 &lt; timeScale &lt;= 10
   */
  public HealthChecker(ClbState state, double timeScale) {
    this(state, timeScale, false);
  }

  /**
   * @param forceHealthy every probe passes without connecting (see {@link
   *     io.clbdirect.emulator.EmulatorConfig#forceHealthy()}): the status still moves by the
   *     check's counts and intervals
   */
  public HealthChecker(ClbState state, double timeScale, boolean forceHealthy) {
    if (!(timeScale > 0 && timeScale <= 10)) {
      throw new IllegalArgumentException(
          "timeScale must be > 0 and <= 10 (1.0 = real time), got " + timeScale);
    }
    this.state = state;
    this.timeScale = timeScale;
    this.probe = new TargetProbe(state);
    this.forceHealthy = forceHealthy;
  }

  /** Starts checking. */
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException(closed ? "closed" : "already started");
    }
    started = true;
    scheduler.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Stops the scheduler and cuts running probes; their results are dropped. */
  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    probes.shutdownNow();
    probe.close();
    try {
      scheduler.awaitTermination(1, TimeUnit.SECONDS);
      probes.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * {@code seconds} of configuration in this checker's time; at least 1 ms, since 0 means "no
   * timeout" to sockets.
   */
  Duration scaled(int seconds) {
    return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000.0 * timeScale)));
  }

  private void tick() {
    try {
      Instant now = state.clock().instant();
      List<HealthChange> changes = new ArrayList<>();
      for (TargetRef ref : state.targetSnapshot()) {
        HealthChange change = state.locked(() -> followSwitch(ref, now));
        if (change != null) {
          changes.add(change);
        }
        if (state.locked(() -> claimIfDue(ref, now))) {
          submit(ref);
        }
      }
      if (!changes.isEmpty()) {
        state.healthChanged(changes);
      }
    } catch (RuntimeException e) {
      // An exception would cancel the periodic task and silently end all health checking.
      LOG.log(Level.WARNING, "health check round failed", e);
    }
  }

  /**
   * Under the lock: Close while the check is off, back to Unknown when it comes on. Returns the
   * change, if any.
   */
  private HealthChange followSwitch(TargetRef ref, Instant now) {
    Target target = ref.target();
    boolean on = enabled(ref.check());
    HealthStatus before = target.health();
    if (!on && before != HealthStatus.Close) {
      target.resetHealth(false);
      return HealthChange.of(ref, before, target.health(), now);
    }
    if (on && before == HealthStatus.Close) {
      target.resetHealth(true);
      return HealthChange.of(ref, before, target.health(), now);
    }
    return null;
  }

  /**
   * Under the lock: if a probe is due and none is under way, books the next one an interval later
   * and claims this one.
   */
  private boolean claimIfDue(TargetRef ref, Instant now) {
    Target target = ref.target();
    if (!enabled(ref.check()) || !target.probeDue(now, ref.check()) || !probing.add(target)) {
      return false;
    }
    target.bookProbe(now.plus(scaled(ref.check().intervalSeconds())), ref.check());
    return true;
  }

  private void submit(TargetRef ref) {
    try {
      probes.execute(
          () -> {
            try {
              boolean passed =
                  forceHealthy
                      || probe.passes(ref, ref.check(), scaled(ref.check().timeoutSeconds()));
              apply(ref, passed);
            } finally {
              probing.remove(ref.target());
            }
          });
    } catch (RejectedExecutionException closing) {
      probing.remove(ref.target());
    }
  }

  private void apply(TargetRef ref, boolean passed) {
    if (closed) {
      return;
    }
    HealthChange change =
        state.locked(
            () -> {
              HealthCheckConfig current = currentCheck(ref);
              Target target = ref.target();
              if (!enabled(current)
                  || !current.equals(ref.check())
                  || target.health() == HealthStatus.Close) {
                return null;
              }
              HealthStatus before = target.health();
              HealthStatus after = target.record(passed, current);
              return after == before
                  ? null
                  : HealthChange.of(ref, before, after, state.clock().instant());
            });
    if (change != null) {
      state.healthChanged(List.of(change));
    }
  }

  /** Under the lock: the check in force now, which may differ from the one the probe ran with. */
  private static HealthCheckConfig currentCheck(TargetRef ref) {
    return ref.rule() != null ? ref.rule().healthCheck() : ref.listener().healthCheck();
  }

  private static boolean enabled(HealthCheckConfig check) {
    return check != null && check.enabled();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
