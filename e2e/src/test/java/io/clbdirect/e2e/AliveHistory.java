package io.clbdirect.e2e;

import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.model.HealthStatus;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every target the CLB emulator has ever reported Alive, told by the emulator itself as it happens.
 * The invariant "no gate True before its target was Alive" needs this rather than a snapshot: in
 * the default initial mode a gate rightly stays True when a target that was Alive flaps to Dead (a
 * loaded machine fails a 200 ms probe), and a snapshot taken between a Pod read and a state read
 * races the probes.
 */
final class AliveHistory {

  private final Set<String> alive = ConcurrentHashMap.newKeySet();

  AliveHistory(ClbEmulator clb) {
    clb.state()
        .addHealthListener(
            change -> {
              if (change.to() == HealthStatus.Alive) {
                alive.add(change.address() + ":" + change.port());
              }
            });
  }

  boolean everAlive(String address, int port) {
    return alive.contains(address + ":" + port);
  }
}
