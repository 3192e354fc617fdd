package io.clbdirect.e2e.faults;

import io.clbdirect.core.WellKnown;
import io.clbdirect.emulator.ClbEmulator;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.NetworkingV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The invariants of issue 20, checked continuously during a fault and after it (docs/reliability.md
 * defines each precisely). Start it before the fault, with the namespaces under test; it samples
 * the cluster and the CLB emulator every {@value #SAMPLE_MILLIS} ms on a thread of its own:
 *
 * <ul>
 *   <li>{@value #GATE_TOO_EARLY}: a non-terminating Pod whose gate is True ({@code
 *       LoadBalancerNetworkGroupReady}) while its target was never Alive, was first Alive only
 *       after the gate's {@code lastTransitionTime} (+1 s: that time has whole seconds), or (for a
 *       Pod that should be served) is not bound in the emulator snapshot taken just before the Pod
 *       was read. The one legitimate ordering window: a Pod bound, Alive and gated between the
 *       snapshot and the Pod read; recognised by its first Alive coming after the snapshot.
 *   <li>{@value #VIP_FAILURE}: every failed request of the VIP client ({@link #watchVip}) started
 *       while the last sample saw at least one Ready Pod behind a direct-access Service.
 *   <li>{@value #STALE_DEREGISTRATION}: from the emulator's write log, checked at {@link #close}:
 *       see {@link DeregistrationAudit}.
 *   <li>{@value #NOT_CONVERGED}: {@link #awaitConverged} found a {@link Divergence} left after its
 *       bound: an orphan, a missing object, a stale or missing gate.
 * </ul>
 *
 * <p>Each breach is kept once per subject with the time it was first seen and how often; {@link
 * #assertHeld()} fails naming them all.
 */
public final class ContinuousInvariants implements AutoCloseable {

  public static final String GATE_TOO_EARLY = "gate True while its target is not bound and Alive";
  public static final String VIP_FAILURE = "request failed through the VIP while Pods were Ready";
  public static final String STALE_DEREGISTRATION =
      "target taken out of service while its Pod was wanted (stale cache)";
  public static final String NOT_CONVERGED = "not converged within the bound";
  static final long SAMPLE_MILLIS = 300;

  private final CoreV1Api core;
  private final NetworkingV1Api networking;
  private final ClbEmulator clb;
  private final TargetHealthLog health;
  private final List<String> namespaces;
  private final ClusterHistory history = new ClusterHistory();
  private final Instant started = Instant.now();
  private final Map<String, Violation> violations = new LinkedHashMap<>();
  private final Map<String, Integer> sightings = new LinkedHashMap<>();
  private final List<Map.Entry<Instant, Integer>> readyPods = new ArrayList<>();
  private final AtomicLong samples = new AtomicLong();
  private final AtomicLong failedSamples = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ExecutorService sampler = Executors.newSingleThreadExecutor();
  private final List<VipTrafficProbe> clients = new ArrayList<>();
  private final List<Excuse> excuses = new ArrayList<>();
  private long excusedFailures;
  private Divergence lastDivergence;

  /** A window in which failed VIP requests are expected and counted apart, with why. */
  private record Excuse(Instant from, Instant to, String why) {}

  private boolean closed;

  /**
   * @param health made before any target existed
   */
  public ContinuousInvariants(
      ApiClient admin, ClbEmulator clb, TargetHealthLog health, List<String> namespaces) {
    this.core = new CoreV1Api(admin);
    this.networking = new NetworkingV1Api(admin);
    this.clb = clb;
    this.health = health;
    this.namespaces = List.copyOf(namespaces);
    sampler.submit(this::sampleLoop);
  }

  /** Runs a client against the VIP until {@link #close}; its failures are checked. */
  public synchronized VipTrafficProbe watchVip(String vip, int port) {
    VipTrafficProbe probe = new VipTrafficProbe(vip, port, 20);
    clients.add(probe);
    return probe;
  }

  /**
   * Failed VIP requests that start within {@code [from, to]} are counted apart ({@link
   * #excusedFailures()}), not as breaches: for a loss the scenario makes unavoidable and bounds
   * itself (a bound Pod deleted while the CLB API is down can only be taken out by the health
   * check). The figures name the reason.
   */
  public synchronized void excuse(Instant from, Instant to, String why) {
    excuses.add(new Excuse(from, to, why));
  }

  public synchronized long excusedFailures() {
    return excusedFailures;
  }

  private void sampleLoop() {
    while (running.get()) {
      try {
        sample();
        samples.incrementAndGet();
      } catch (ApiException e) {
        // The API server is down or restarting: nothing can change a Pod meanwhile.
        failedSamples.incrementAndGet();
      } catch (RuntimeException e) {
        // A fault of the checker itself must not pass for an outage and hide breaches.
        breach("the checker could not sample", e.getClass().getSimpleName(), String.valueOf(e));
      }
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() throws ApiException {
    EmulatorSnapshot snapshot = EmulatorSnapshot.of(clb); // first: see the class doc
    DirectAccessView view = DirectAccessView.read(core, networking, namespaces);
    history.add(view);
    Set<String> bound = snapshot.boundTargets();
    int ready = 0;
    for (V1Pod pod : view.pods()) {
      List<V1Service> selecting = view.selecting(pod);
      if (pod.getMetadata().getDeletionTimestamp() != null || selecting.isEmpty()) {
        continue;
      }
      if (DirectAccessView.condition(pod, "Ready")
          .map(c -> "True".equals(c.getStatus()))
          .orElse(false)) {
        ready++;
      }
      Optional<V1PodCondition> gate = DirectAccessView.condition(pod, WellKnown.READINESS_GATE);
      if (gate.isEmpty()
          || !"True".equals(gate.get().getStatus())
          || !"LoadBalancerNetworkGroupReady".equals(gate.get().getReason())) {
        continue;
      }
      for (V1Service service : selecting) {
        for (V1ServicePort port : service.getSpec().getPorts()) {
          Optional<Integer> targetPort = DirectAccessView.targetPort(pod, port);
          if (targetPort.isPresent()) {
            checkGate(pod, gate.get(), targetPort.get(), bound, snapshot.takenAt());
          }
        }
      }
    }
    synchronized (this) {
      readyPods.add(Map.entry(view.takenAt(), ready));
    }
  }

  private void checkGate(
      V1Pod pod, V1PodCondition gate, int port, Set<String> bound, Instant snapshotAt) {
    String ip = pod.getStatus().getPodIP();
    String subject = DirectAccessView.name(pod) + " " + ip + ":" + port;
    for (String problem :
        GateCheck.problems(
            pod,
            gate,
            health.firstAlive(ip, port),
            bound.contains("eni:" + ip + ":" + port),
            snapshotAt,
            Instant.now())) {
      breach(GATE_TOO_EARLY, subject, problem);
    }
  }

  private synchronized void breach(String invariant, String subject, String detail) {
    String key = invariant + "|" + subject + "|" + detail;
    violations.putIfAbsent(key, new Violation(Instant.now(), invariant, subject + ": " + detail));
    sightings.merge(key, 1, Integer::sum);
  }

  /** The differences between cluster and CLB right now. */
  public Divergence divergence() throws Exception {
    EmulatorSnapshot snapshot = EmulatorSnapshot.of(clb);
    return Divergence.between(DirectAccessView.read(core, networking, namespaces), snapshot);
  }

  /**
   * Waits until cluster and CLB agree (see {@link Divergence}); returns how long that took. Past
   * {@code bound} it records a {@value #NOT_CONVERGED} breach with what was left, and returns the
   * bound.
   */
  public Duration awaitConverged(Duration bound) {
    long start = System.nanoTime();
    Instant deadline = Instant.now().plus(bound);
    Divergence last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        last = divergence();
        if (last.converged()) {
          lastDivergence = last;
          return Duration.ofNanos(System.nanoTime() - start);
        }
      } catch (Exception e) {
        // API server still coming back: keep waiting within the bound.
      }
      sleep(250);
    }
    lastDivergence = last;
    breach(
        NOT_CONVERGED,
        "after " + bound,
        last == null ? "the API server never answered" : String.join("; ", last.all()));
    return bound;
  }

  /** The divergence {@link #awaitConverged} ended with (null before it ran). */
  public Divergence lastDivergence() {
    return lastDivergence;
  }

  /** Stops sampling and the clients, then audits the write log. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    running.set(false);
    clients.forEach(VipTrafficProbe::close);
    sampler.shutdownNow();
    try {
      sampler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (VipTrafficProbe client : clients) {
      for (VipTrafficProbe.Failure failure : client.failures()) {
        if (excuses.stream()
            .anyMatch(e -> !failure.at().isBefore(e.from()) && !failure.at().isAfter(e.to()))) {
          excusedFailures++;
        } else if (readyPodsAt(failure.at()) != 0) {
          breach(VIP_FAILURE, client.target() + " at " + failure.at(), failure.what());
        }
      }
    }
    for (Violation v : DeregistrationAudit.check(clb.writes().calls(), history, started)) {
      breach(v.invariant(), v.detail(), "at " + v.at());
    }
  }

  /** Ready Pods in the last sample at or before {@code at}; -1 when there was none yet. */
  private int readyPodsAt(Instant at) {
    int ready = -1;
    for (Map.Entry<Instant, Integer> sample : readyPods) {
      if (sample.getKey().isAfter(at)) {
        break;
      }
      ready = sample.getValue();
    }
    return ready;
  }

  public synchronized List<Violation> violations() {
    return List.copyOf(violations.values());
  }

  public synchronized long violationsOf(String invariant) {
    return violations.values().stream().filter(v -> v.invariant().equals(invariant)).count();
  }

  public long requestsServed() {
    return clients.stream().mapToLong(VipTrafficProbe::served).sum();
  }

  public long requestsFailed() {
    return clients.stream().mapToLong(c -> c.failures().size()).sum();
  }

  public long samples() {
    return samples.get();
  }

  public long failedSamples() {
    return failedSamples.get();
  }

  /** One line of figures for the test's output and docs/reliability.md. */
  public synchronized String figures() {
    Divergence d = lastDivergence;
    return String.format(
        "requests through the VIP %d served / %d failed (%d of them excused: %s); orphans %d; wrong gates %d (too early %d,"
            + " stale %d, missing %d); stale-cache deregistrations %d; samples %d (%d while the API"
            + " server did not answer)",
        requestsServed(),
        requestsFailed(),
        excusedFailures,
        excuses.stream().map(Excuse::why).distinct().toList(),
        d == null ? -1 : d.orphans().size(),
        violationsOf(GATE_TOO_EARLY) + (d == null ? 0 : d.wrongGates()),
        violationsOf(GATE_TOO_EARLY),
        d == null ? -1 : d.staleGates().size(),
        d == null ? -1 : d.missingGates().size(),
        violationsOf(STALE_DEREGISTRATION),
        samples.get(),
        failedSamples.get());
  }

  /** Closes, then fails naming every breach with when it was first seen and how often. */
  public void assertHeld() {
    close();
    List<String> lines = new ArrayList<>();
    synchronized (this) {
      violations.forEach((key, v) -> lines.add(v + " (seen " + sightings.get(key) + " time(s))"));
    }
    if (!lines.isEmpty()) {
      throw new AssertionError(
          lines.size() + " invariant breach(es):\n  " + String.join("\n  ", lines));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
