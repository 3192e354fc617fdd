package io.clbdirect.e2e;

import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.model.TargetRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every change of the emulator's bound targets (load balancer, listener, rule, address, weight), as
 * the emulator tells it (its change listener, after every call and health change; only changes of
 * the targets themselves are kept), with the wall-clock time it was seen. What a fault test reads
 * to tell whether anyone wrote targets in a window.
 */
final class TargetTimeline {

  record Change(Instant at, Set<String> targets) {}

  private final ClbEmulator clb;
  private final List<Change> changes = new ArrayList<>();
  private Set<String> last;

  TargetTimeline(ClbEmulator clb) {
    this.clb = clb;
    synchronized (this) {
      last = targets();
    }
    clb.state().addChangeListener(this::sample);
  }

  private synchronized void sample() {
    Set<String> now = targets();
    if (!now.equals(last)) {
      changes.add(new Change(Instant.now(), now));
      last = now;
    }
  }

  private Set<String> targets() {
    Set<String> all = new TreeSet<>();
    for (TargetRef ref : clb.state().targetSnapshot()) {
      all.add(
          ref.loadBalancer().loadBalancerId()
              + "/"
              + ref.listener().listenerId()
              + (ref.rule() == null ? "" : "/" + ref.rule().locationId())
              + " "
              + ref.target().eniIp()
              + ":"
              + ref.target().port()
              + " w"
              + ref.target().weight());
    }
    return all;
  }

  /** The changes seen at or after {@code from} and before {@code to}. */
  synchronized List<Change> between(Instant from, Instant to) {
    return changes.stream().filter(c -> !c.at().isBefore(from) && c.at().isBefore(to)).toList();
  }
}
