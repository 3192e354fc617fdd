package io.clbdirect.bench;

import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.model.TargetRef;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each Pod IP stopped getting new connections from the load balancers: the first moment none
 * of its targets had a weight above 0 (all at weight 0, or deregistered) after at least one had.
 * Read as the emulator applies each change (its change listener runs after every API call and every
 * completed task, in this JVM, on this JVM's clock), so it is the moment the CLB change landed, not
 * a sample of it. A Pod IP leaves service once in its life (fake kubelet addresses are never
 * reused), when its Pod is deleted.
 */
final class OutOfService {

  private final ClbEmulator clb;
  private final Map<String, Instant> left = new ConcurrentHashMap<>();
  private Set<String> serving = Set.of();

  OutOfService(ClbEmulator clb) {
    this.clb = clb;
    clb.state().addChangeListener(this::changed);
    changed();
  }

  private synchronized void changed() {
    Instant now = Instant.now();
    Set<String> current =
        clb.state()
            .locked(
                () -> {
                  Set<String> ips = new HashSet<>();
                  for (TargetRef ref : clb.state().targetSnapshot()) {
                    if (ref.target().eniIp() != null && ref.target().weight() > 0) {
                      ips.add(ref.target().eniIp());
                    }
                  }
                  return ips;
                });
    for (String ip : serving) {
      if (!current.contains(ip)) {
        left.putIfAbsent(ip, now);
      }
    }
    serving = current;
  }

  /** When {@code ip} left service, or null while it serves (or never did). */
  Instant leftAt(String ip) {
    return left.get(ip);
  }
}
