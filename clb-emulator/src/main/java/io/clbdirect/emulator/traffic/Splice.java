package io.clbdirect.emulator.traffic;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Pipes bytes both ways between a client and its backend on two threads. When one direction reaches
 * end of stream the other socket's output is shut down (a half-close travels through, so
 * request-then-EOF protocols work); the pair is closed when both directions are done, or at once
 * when either side fails or {@link #close()} is called.
 */
final class Splice implements AutoCloseable {

  private final Socket client;
  private volatile Socket backend;
  private final Consumer<Splice> onClosed;
  private final AtomicInteger openDirections = new AtomicInteger(2);
  private final AtomicBoolean closed = new AtomicBoolean();

  /** {@code onClosed} receives this splice once, after both sockets are closed. */
  Splice(Socket client, Socket backend, Consumer<Splice> onClosed) {
    this.client = client;
    this.backend = backend;
    this.onClosed = onClosed;
  }

  /**
   * Pipes through {@code tls}, a TLS socket layered over the backend connection (closing it closes
   * the connection), instead of the connection itself. Called before {@link #start}.
   */
  void layerBackend(Socket tls) {
    this.backend = tls;
  }

  void start(Executor threads) {
    try {
      threads.execute(() -> pump(client, backend));
      threads.execute(() -> pump(backend, client));
    } catch (RejectedExecutionException shuttingDown) {
      close();
    }
  }

  private void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException | RuntimeException brokenOrClosed) {
      // RuntimeException: a TLS socket may refuse a half-close its protocol version lacks.
      close();
    } finally {
      if (openDirections.decrementAndGet() == 0) {
        close();
      }
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeQuietly(client);
      closeQuietly(backend);
      onClosed.accept(this);
    }
  }

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is best effort: the peer may already have reset the connection.
    }
  }
}
