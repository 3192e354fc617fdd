package io.clbdirect.emulator.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A probe target on 127.0.0.1: accepts every connection and counts it. It either closes each at
 * once (a healthy TCP service), or holds them open without a word (a service that hangs, for HTTP
 * timeouts).
 */
final class TcpAcceptor implements AutoCloseable {

  private final ServerSocket server;
  private final boolean silent;
  private final Thread acceptor;
  private final AtomicInteger accepted = new AtomicInteger();
  private final Set<Socket> held = ConcurrentHashMap.newKeySet();

  private TcpAcceptor(ServerSocket server, boolean silent) {
    this.server = server;
    this.silent = silent;
    this.acceptor = new Thread(this::acceptLoop, "test-acceptor-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Accepts and closes, on a free port ({@code port} 0) or a given one. */
  static TcpAcceptor closingOn(int port) throws IOException {
    return new TcpAcceptor(bind(port), false);
  }

  /** Accepts and never answers. */
  static TcpAcceptor silent() throws IOException {
    return new TcpAcceptor(bind(0), true);
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket server = new ServerSocket();
    // Reopening on the port just closed must work although probe connections sit in TIME_WAIT.
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
    return server;
  }

  int port() {
    return server.getLocalPort();
  }

  int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        if (silent) {
          held.add(socket);
        } else {
          socket.close();
        }
      } catch (IOException closed) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : held) {
      socket.close();
    }
    try {
      acceptor.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
