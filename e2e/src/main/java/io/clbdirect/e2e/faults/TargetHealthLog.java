package io.clbdirect.e2e.faults;

import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.model.HealthStatus;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the CLB emulator first reported each target ({@code address:port}) Alive, told by the
 * emulator itself as it happens, on this JVM's clock (the emulator's own clock may be shifted). A
 * snapshot would race the probes: the gate invariant needs the order of "Alive" and "gate True".
 * Must be made before any target exists.
 */
public final class TargetHealthLog {

  private final Map<String, Instant> firstAlive = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastDead = new ConcurrentHashMap<>();

  public TargetHealthLog(ClbEmulator clb) {
    clb.state()
        .addHealthListener(
            change -> {
              if (change.to() == HealthStatus.Alive) {
                firstAlive.putIfAbsent(key(change.address(), change.port()), Instant.now());
              } else if (change.to() == HealthStatus.Dead) {
                lastDead.put(key(change.address(), change.port()), Instant.now());
              }
            });
  }

  /** When the target was first Alive, or null if never. */
  public Instant firstAlive(String address, int port) {
    return firstAlive.get(key(address, port));
  }

  /** When the target last turned Dead, or null if never. */
  public Instant lastDead(String address, int port) {
    return lastDead.get(key(address, port));
  }

  private static String key(String address, long port) {
    return address + ":" + port;
  }
}
