package io.clbdirect.emulator.traffic;

import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.Rule;
import io.clbdirect.emulator.model.Target;
import io.clbdirect.emulator.model.TargetRef;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the backend for each new connection of one L4 listener. Eligible are the listener's current
 * targets that are healthy (Alive, or Close when the check is off), have a weight above zero and have
 * a loopback address (an ENI IP, or the address registered for an instance id); among those, smooth
 * weighted round robin. The target list is read afresh on every pick, so health and weight changes
 * steer the very next connection.
 */
final class BackendChooser {

  private final ClbState state;
  private final LoadBalancer loadBalancer;
  private final Listener listener;
  private final Rule rule;
  private final SmoothWeightedRoundRobin<String> rotation = new SmoothWeightedRoundRobin<>();

  BackendChooser(ClbState state, LoadBalancer loadBalancer, Listener listener) {
    this(state, loadBalancer, listener, null);
  }

  /** @param rule the L7 rule whose targets to choose from, or null for the L4 listener's own */
  BackendChooser(ClbState state, LoadBalancer loadBalancer, Listener listener, Rule rule) {
    this.state = state;
    this.loadBalancer = loadBalancer;
    this.listener = listener;
    this.rule = rule;
  }

  /** The backend for the next connection, or null when no target is eligible. */
  InetSocketAddress next() {
    Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (Candidate candidate : state.locked(this::healthyWeightedTargets)) {
      InetSocketAddress address = LoopbackAddress.of(candidate.host(), candidate.port());
      if (address != null) {
        addresses.put(candidate.key(), address);
        weights.put(candidate.key(), candidate.weight());
      }
    }
    String chosen = rotation.next(weights);
    return chosen == null ? null : addresses.get(chosen);
  }

  /** Runs under the state lock: copies what the pick needs so the lock is not held while resolving. */
  private List<Candidate> healthyWeightedTargets() {
    List<Candidate> candidates = new ArrayList<>();
    for (Target target : (rule == null ? listener.targets() : rule.targets()).values()) {
      if (target.health().healthy() && target.weight() > 0) {
        String host = new TargetRef(loadBalancer, listener, rule, target, null).address(state::instanceAddress);
        candidates.add(new Candidate(target.key(), host, target.port(), target.weight()));
      }
    }
    return candidates;
  }

  private record Candidate(String key, String host, int port, int weight) {}
}
