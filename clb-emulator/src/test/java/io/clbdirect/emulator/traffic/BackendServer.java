package io.clbdirect.emulator.traffic;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A backend on 127.0.0.1 that greets each connection with its name and a newline, then echoes until
 * the client half-closes, then closes. The greeting tells a test which backend a connection
 * reached; the echo and close exercise both directions of the splice.
 */
final class BackendServer implements AutoCloseable {

  private final String name;
  private final ServerSocket server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "test-backend");
            thread.setDaemon(true);
            return thread;
          });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private BackendServer(String name, ServerSocket server) {
    this.name = name;
    this.server = server;
  }

  static BackendServer start(String name) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    BackendServer backend = new BackendServer(name, server);
    backend.threads.execute(backend::acceptLoop);
    return backend;
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        open.add(socket);
        threads.execute(() -> greetAndEcho(socket));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void greetAndEcho(Socket socket) {
    try (socket) {
      OutputStream out = socket.getOutputStream();
      out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
      socket.getInputStream().transferTo(out);
    } catch (IOException closedOrReset) {
      // The test decided to end the connection.
    } finally {
      open.remove(socket);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : open) {
      socket.close();
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
