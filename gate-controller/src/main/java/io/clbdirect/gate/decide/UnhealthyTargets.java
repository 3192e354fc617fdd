package io.clbdirect.gate.decide;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Remembers each bound target's health from one health pass to the next, so that a target that
 * turns {@code Dead} after having been {@code Alive} is announced once (and its recovery once),
 * whatever the gate mode, and counts the Dead targets of each frontend for the metric. Pure: the
 * time comes in, changes and counts come out; the caller turns them into Events and a gauge. Not
 * thread-safe (one health pass at a time).
 */
public final class UnhealthyTargets {

  /**
   * One binding of a Pod as this health pass saw it.
   *
   * @param pod the Pod's key, namespace/name
   * @param frontend the frontend object, for the metric
   * @param target the address bound
   */
  public record Sighting(
      String pod, FrontendId frontend, TargetAddress target, BackendObservation observation) {
    public Sighting {
      Objects.requireNonNull(pod, "pod");
      Objects.requireNonNull(frontend, "frontend");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(observation, "observation");
    }
  }

  /**
   * A Service or Ingress as the metric labels it.
   *
   * @param name e.g. {@code service/web} or {@code ingress/shop}
   */
  public record FrontendId(String namespace, String name) implements Comparable<FrontendId> {
    @Override
    public int compareTo(FrontendId other) {
      int byNamespace = namespace.compareTo(other.namespace);
      return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
    }
  }

  public enum Kind {
    /** Dead after having been Alive: a Warning on the Pod. */
    TURNED_UNHEALTHY,
    /** Alive again after {@link #TURNED_UNHEALTHY}: a Normal Event on the Pod. */
    RECOVERED
  }

  /**
   * @param since when the target was first seen Dead
   * @param now when this pass saw the change
   */
  public record Change(
      Kind kind,
      String pod,
      TargetAddress target,
      BackendObservation observation,
      Instant since,
      Instant now) {

    public String eventReason() {
      return kind == Kind.TURNED_UNHEALTHY ? "TargetUnhealthy" : "TargetHealthy";
    }

    public String message() {
      String where = "target " + target + " of " + observation.where();
      if (kind == Kind.TURNED_UNHEALTHY) {
        return "The CLB health check fails for "
            + where
            + " since "
            + seconds(since)
            + " (it was Alive): the load balancer "
            + "sends this Pod no new connections until it passes again.";
      }
      return "The CLB health check passes again for "
          + where
          + " (Dead since "
          + seconds(since)
          + ", for "
          + Duration.between(since, now).toSeconds()
          + " s).";
    }

    private static String seconds(Instant instant) {
      return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
  }

  /**
   * @param changes what to announce
   * @param dead per frontend seen in this pass, its targets reported Dead (0 included)
   */
  public record Pass(List<Change> changes, Map<FrontendId, Integer> dead) {}

  private record Key(
      String pod,
      String frontend,
      String loadBalancerId,
      String listenerId,
      TargetAddress target) {}

  /**
   * @param since when the target entered this state; wasAlive: Dead after Alive (announced)
   */
  private record Memory(boolean alive, Instant since, boolean wasAlive) {}

  private Map<Key, Memory> memory = new HashMap<>();

  /**
   * Takes in one health pass. Targets not sighted (Pod gone, frontend released) are forgotten
   * without a word; so is a target no longer bound. An unknown verdict or a failed read changes
   * nothing.
   */
  public Pass observe(Collection<Sighting> sightings, Instant now) {
    Map<Key, Memory> next = new HashMap<>();
    List<Change> changes = new ArrayList<>();
    Map<FrontendId, Integer> dead = new TreeMap<>();
    for (Sighting sighting : sightings) {
      BackendObservation o = sighting.observation();
      Key key =
          new Key(
              sighting.pod(), o.frontend(), o.loadBalancerId(), o.listenerId(), sighting.target());
      Memory before = memory.get(key);
      Memory after =
          switch (o.state()) {
            case HEALTH_ALIVE, HEALTH_CHECK_OFF -> {
              if (before != null && !before.alive() && before.wasAlive()) {
                changes.add(
                    new Change(
                        Kind.RECOVERED, sighting.pod(), sighting.target(), o, before.since(), now));
              }
              yield before != null && before.alive() ? before : new Memory(true, now, false);
            }
            case HEALTH_DEAD -> {
              if (before != null && before.alive()) {
                changes.add(
                    new Change(
                        Kind.TURNED_UNHEALTHY, sighting.pod(), sighting.target(), o, now, now));
                yield new Memory(false, now, true);
              }
              yield before != null ? before : new Memory(false, now, false);
            }
            case HEALTH_UNKNOWN, API_ERROR -> before;
            case REFUSED, LOAD_BALANCER_NOT_FOUND, LISTENER_MISSING, NOT_BOUND, QUOTA_EXCEEDED ->
                null;
          };
      if (after != null) {
        next.put(key, after);
      }
      dead.merge(sighting.frontend(), after != null && !after.alive() ? 1 : 0, Integer::sum);
    }
    memory = next;
    return new Pass(changes, dead);
  }

  /** A new leader starts from what the CLB says. */
  public void forget() {
    memory = new HashMap<>();
  }
}
