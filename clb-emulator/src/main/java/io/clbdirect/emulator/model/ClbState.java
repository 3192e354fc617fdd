package io.clbdirect.emulator.model;

import io.clbdirect.emulator.certs.CertificateStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Everything the emulated CLB account holds. One lock guards it all: the emulator serves tests,
 * where simplicity beats throughput. Readers outside the API (health checker, data path) take
 * snapshots.
 */
public final class ClbState {

  private final Object lock = new Object();
  private final Map<String, LoadBalancer> loadBalancers = new LinkedHashMap<>();
  private final Map<String, Task> tasks = new ConcurrentHashMap<>();
  private final Map<String, String> instanceAddresses = new ConcurrentHashMap<>();
  private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<HealthChange>> healthListeners = new CopyOnWriteArrayList<>();
  private final Clock clock;
  private final CertificateStore certificates;

  public ClbState(Clock clock) {
    this(clock, 0);
  }

  /** {@code seed} seeds the certificate ids. */
  public ClbState(Clock clock, long seed) {
    this.clock = clock;
    this.certificates = new CertificateStore(seed);
  }

  /** The SSL service's certificates (the SSL API and CLB share them); guarded by the lock. */
  public CertificateStore certificates() {
    return certificates;
  }

  public Clock clock() {
    return clock;
  }

  /** Runs {@code action} holding the state lock. */
  public <T> T locked(Supplier<T> action) {
    synchronized (lock) {
      return action.get();
    }
  }

  public void locked(Runnable action) {
    synchronized (lock) {
      action.run();
    }
  }

  /** Callers hold the lock. */
  public Map<String, LoadBalancer> loadBalancers() {
    return loadBalancers;
  }

  public Collection<LoadBalancer> loadBalancerSnapshot() {
    return locked(() -> List.copyOf(loadBalancers.values()));
  }

  public Map<String, Task> tasks() {
    return tasks;
  }

  /**
   * Lets InstanceId targets be reached: maps an instance id to the address to probe and forward to.
   */
  public void registerInstanceAddress(String instanceId, String address) {
    instanceAddresses.put(instanceId, address);
  }

  public String instanceAddress(String instanceId) {
    return instanceAddresses.get(instanceId);
  }

  /** Every target of every running load balancer, with its effective health check. */
  public List<TargetRef> targetSnapshot() {
    return locked(
        () -> {
          List<TargetRef> all = new ArrayList<>();
          for (LoadBalancer lb : loadBalancers.values()) {
            for (Listener listener : lb.listeners().values()) {
              for (Target target : listener.targets().values()) {
                all.add(new TargetRef(lb, listener, null, target, listener.healthCheck()));
              }
              for (Rule rule : listener.rules().values()) {
                for (Target target : rule.targets().values()) {
                  all.add(new TargetRef(lb, listener, rule, target, rule.healthCheck()));
                }
              }
            }
          }
          return all;
        });
  }

  /** Called after every change to load balancers, listeners or targets (never under the lock). */
  public void addChangeListener(Runnable listener) {
    changeListeners.add(listener);
  }

  public void changed() {
    if (Thread.holdsLock(lock)) {
      // Listeners (the data path) take their own monitor, then this lock: calling them from under
      // it
      // deadlocks against a listener already running (seen in the scale benchmark).
      throw new IllegalStateException("ClbState.changed() called under the state lock");
    }
    for (Runnable listener : changeListeners) {
      listener.run();
    }
  }

  /**
   * Called with every health status change of a target (never under the lock, on the health
   * checker's threads).
   */
  public void addHealthListener(Consumer<HealthChange> listener) {
    healthListeners.add(listener);
  }

  /**
   * Tells the health listeners, then the change listeners. Never under the lock, like {@link
   * #changed()}.
   */
  public void healthChanged(List<HealthChange> changes) {
    for (HealthChange change : changes) {
      for (Consumer<HealthChange> listener : healthListeners) {
        listener.accept(change);
      }
    }
    changed();
  }
}
