package io.clbdirect.emulator.traffic;

import io.clbdirect.emulator.model.Listener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One TCP listener's port on its VIP: accepts clients, picks a backend for each, connects and
 * splices. A client is closed at once when no target is eligible or the backend refuses. Closing
 * the port also closes every connection it forwarded: the connections live and die with the
 * listener.
 */
final class VipPort implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(VipPort.class.getName());
  private static final int BACKEND_CONNECT_TIMEOUT_MILLIS = 2_000;
  private static final int ACCEPT_BACKLOG = 128;

  /**
   * Pause after an accept failure that is not a close (e.g. out of file descriptors), so the loop
   * does not spin.
   */
  private static final long ACCEPT_RETRY_PAUSE_MILLIS = 50;

  /** Bound on waiting for the accept loop to see the close; it normally takes microseconds. */
  private static final long ACCEPT_EXIT_WAIT_MILLIS = 1_000;

  private final Listener listener;
  private final InetSocketAddress endpoint;
  private final ServerSocket server;
  private final Route route;
  private final ClientSide clientSide;
  private final ConnectionCounters counters;
  private final ExecutorService threads;
  private final Set<Splice> connections = ConcurrentHashMap.newKeySet();
  private final CountDownLatch acceptLoopExited = new CountDownLatch(1);
  private volatile boolean closed;

  private VipPort(
      Listener listener,
      InetSocketAddress endpoint,
      ServerSocket server,
      Route route,
      ClientSide clientSide,
      ConnectionCounters counters,
      ExecutorService threads) {
    this.listener = listener;
    this.endpoint = endpoint;
    this.server = server;
    this.route = route;
    this.clientSide = clientSide;
    this.counters = counters;
    this.threads = threads;
  }

  /** Binds {@code endpoint} and starts accepting on one of {@code threads}. */
  static VipPort open(
      Listener listener,
      InetSocketAddress endpoint,
      Route route,
      ClientSide clientSide,
      ConnectionCounters counters,
      ExecutorService threads)
      throws IOException {
    ServerSocket server = new ServerSocket();
    try {
      // A listener re-created on the same port must be able to bind while old connections sit in
      // TIME_WAIT.
      server.setReuseAddress(true);
      server.bind(endpoint, ACCEPT_BACKLOG);
      VipPort port = new VipPort(listener, endpoint, server, route, clientSide, counters, threads);
      threads.execute(port::acceptLoop);
      return port;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** Is this port still the right one for {@code listener} at {@code endpoint}? */
  boolean serves(Listener listener, InetSocketAddress endpoint) {
    return this.listener == listener && this.endpoint.equals(endpoint);
  }

  private void acceptLoop() {
    try {
      acceptUntilClosed();
    } finally {
      acceptLoopExited.countDown();
    }
  }

  private void acceptUntilClosed() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (closed || server.isClosed()) {
          return;
        }
        LOG.log(Level.WARNING, "accept failed on " + endpoint + ", retrying", e);
        pauseAfterAcceptFailure();
        continue;
      }
      try {
        threads.execute(() -> forward(client));
      } catch (RejectedExecutionException shuttingDown) {
        Splice.closeQuietly(client);
      }
    }
  }

  private void forward(Socket accepted) {
    Socket client;
    try {
      client = clientSide.accept(accepted);
    } catch (IOException | RuntimeException failedHandshake) {
      // A TLS client that cannot be served (no client certificate where one is required, no
      // common protocol, …) is refused at the handshake, like the real CLB.
      counters.countRefused();
      Splice.closeQuietly(accepted);
      return;
    }
    Route.Decision decision;
    try {
      decision = route.route(client);
    } catch (IOException e) {
      decision = Route.Decision.REFUSE;
    }
    InetSocketAddress backendAddress = decision.backend();
    if (backendAddress == null) {
      counters.countRefused();
      Splice.closeQuietly(client);
      return;
    }
    Socket backend = new Socket();
    Splice splice = new Splice(client, backend, connections::remove);
    // Tracked before connecting, so closing the port also cuts a connect still under way.
    connections.add(splice);
    if (closed) {
      splice.close();
      return;
    }
    try {
      backend.connect(backendAddress, BACKEND_CONNECT_TIMEOUT_MILLIS);
      // A proxy must not add Nagle delays of its own on top of the endpoints'.
      client.setTcpNoDelay(true);
      backend.setTcpNoDelay(true);
      Socket towardsBackend = backend;
      if (decision.tls()) {
        towardsBackend = BackendTls.handshake(backend, BACKEND_CONNECT_TIMEOUT_MILLIS);
        splice.layerBackend(towardsBackend);
      }
      if (decision.prefix().length > 0) {
        towardsBackend.getOutputStream().write(decision.prefix());
      }
    } catch (IOException refusedOrClosed) {
      counters.countRefused();
      splice.close();
      return;
    }
    counters.countForwarded();
    splice.start(threads);
  }

  private void pauseAfterAcceptFailure() {
    try {
      Thread.sleep(ACCEPT_RETRY_PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /**
   * Stops accepting and closes every connection this port forwarded. On return the port refuses
   * connections: closing a server socket only signals a thread blocked in accept, and the kernel
   * keeps listening (and completing handshakes) until that thread has left accept, so this waits
   * for it.
   */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "closing " + endpoint, e);
    }
    try {
      if (!acceptLoopExited.await(ACCEPT_EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        LOG.log(
            Level.WARNING,
            "accept loop on "
                + endpoint
                + " did not stop within "
                + ACCEPT_EXIT_WAIT_MILLIS
                + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Splice connection : connections) {
      connection.close();
    }
  }
}
