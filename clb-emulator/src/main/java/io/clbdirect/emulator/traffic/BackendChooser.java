package io.clbdirect.emulator.traffic;

import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.Rule;
import io.clbdirect.emulator.model.Target;
import io.clbdirect.emulator.model.TargetRef;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the backend for each new connection of one L4 listener or L7 rule. Eligible are its current
 * targets that are healthy (Alive, or Close when the check is off), have a weight above zero and
 * have a loopback address (an ENI IP, or the address registered for an instance id); among those,
 * smooth weighted round robin, unless session persistence (SessionExpireTime above 0) keeps the
 * client IP on the target it had (see {@link StickySessions}). Targets and SessionExpireTime are
 * read afresh on every pick, so health, weight and attribute changes steer the very next
 * connection.
 *
 * <p>choice: the Scheduler (WRR, LEAST_CONN, IP_HASH) is stored and reported but every scheduler
 * picks by weighted round robin here; tests of a controller need the weights honoured, not the
 * algorithm.
 */
final class BackendChooser {

  private final ClbState state;
  private final LoadBalancer loadBalancer;
  private final Listener listener;
  private final Rule rule;
  private final SmoothWeightedRoundRobin<String> rotation = new SmoothWeightedRoundRobin<>();
  private final StickySessions<String> sessions = new StickySessions<>();

  BackendChooser(ClbState state, LoadBalancer loadBalancer, Listener listener) {
    this(state, loadBalancer, listener, null);
  }

  /**
   * @param rule the L7 rule whose targets to choose from, or null for the L4 listener's own
   */
  BackendChooser(ClbState state, LoadBalancer loadBalancer, Listener listener, Rule rule) {
    this.state = state;
    this.loadBalancer = loadBalancer;
    this.listener = listener;
    this.rule = rule;
  }

  /**
   * The backend for the next connection from {@code client}, or null when no target is eligible.
   */
  InetSocketAddress next(InetAddress client) {
    Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
    Map<String, Integer> weights = new LinkedHashMap<>();
    Pick pick = state.locked(this::pick);
    for (Candidate candidate : pick.candidates()) {
      InetSocketAddress address = LoopbackAddress.of(candidate.host(), candidate.port());
      if (address != null) {
        addresses.put(candidate.key(), address);
        weights.put(candidate.key(), candidate.weight());
      }
    }
    String chosen =
        sessions.choose(
            client,
            state.clock().instant(),
            pick.sessionExpireTime(),
            addresses.keySet(),
            () -> rotation.next(weights));
    return chosen == null ? null : addresses.get(chosen);
  }

  /**
   * Runs under the state lock: copies what the pick needs so the lock is not held while resolving.
   */
  private Pick pick() {
    List<Candidate> candidates = new ArrayList<>();
    for (Target target : (rule == null ? listener.targets() : rule.targets()).values()) {
      if (target.health().healthy() && target.weight() > 0) {
        String host =
            new TargetRef(loadBalancer, listener, rule, target, null)
                .address(state::instanceAddress);
        candidates.add(new Candidate(target.key(), host, target.port(), target.weight()));
      }
    }
    return new Pick(
        candidates, rule == null ? listener.sessionExpireTime() : rule.sessionExpireTime());
  }

  private record Pick(List<Candidate> candidates, int sessionExpireTime) {}

  private record Candidate(String key, String host, int port, int weight) {}
}
