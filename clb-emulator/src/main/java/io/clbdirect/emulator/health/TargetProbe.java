package io.clbdirect.emulator.health;

import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.HealthCheckConfig;
import io.clbdirect.emulator.model.TargetRef;
import io.clbdirect.emulator.traffic.LoopbackAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Probes one target once and says whether it passed. The address is the one the data path would use
 * (the ENI IP, or the address registered for an instance id), the port is the check's CheckPort or
 * else the target's. An HTTP check passes when the status falls in the check's accepted classes;
 * every other check type is a TCP connect that passes when the connection is established. A target
 * without a loopback address (an unregistered instance id, or an address outside 127.0.0.0/8)
 * always fails.
 *
 * <p>Sockets in use are tracked so {@link #close()} can cut probes that would otherwise wait out
 * their timeout (up to 60 s in real time).
 */
final class TargetProbe implements AutoCloseable {

  private final ClbState state;
  private final Set<Socket> inUse = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  TargetProbe(ClbState state) {
    this.state = state;
  }

  /**
   * Runs {@code check} against {@code ref}'s target within {@code timeout}; blocks for at most that
   * long.
   */
  boolean passes(TargetRef ref, HealthCheckConfig check, Duration timeout) {
    int port = check.checkPort() != null ? check.checkPort() : ref.target().port();
    InetSocketAddress address = LoopbackAddress.of(ref.address(state::instanceAddress), port);
    if (address == null) {
      return false;
    }
    Socket socket = new Socket();
    inUse.add(socket);
    try (socket) {
      if (closed) {
        return false;
      }
      if (check.http()) {
        return check.accepts(HttpStatusProbe.status(socket, address, check, timeout));
      }
      socket.connect(address, (int) Math.max(1, timeout.toMillis()));
      return true;
    } catch (IOException refusedTimedOutOrNotHttp) {
      return false;
    } finally {
      inUse.remove(socket);
    }
  }

  /** Fails every probe under way at once, and every later one. */
  @Override
  public void close() {
    closed = true;
    for (Socket socket : inUse) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // The probe sees its socket closed either way.
      }
    }
  }
}
