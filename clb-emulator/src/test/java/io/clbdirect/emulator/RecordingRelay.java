package io.clbdirect.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback TCP relay in front of the emulator that keeps a copy of what clients send, so a test
 * can see the request shape the SDK really chose (method, Content-Type, where the parameters went)
 * instead of trusting its profile settings. Bytes pass through untouched, Host header included.
 */
final class RecordingRelay implements AutoCloseable {

  private final ServerSocket server;
  private final int target;
  private final List<ByteArrayOutputStream> sent = new CopyOnWriteArrayList<>();
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "test-relay");
            thread.setDaemon(true);
            return thread;
          });

  RecordingRelay(int targetPort) throws IOException {
    this.target = targetPort;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    threads.submit(this::accept);
  }

  String endpoint() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Everything clients have sent so far, connection after connection. */
  String sent() {
    StringBuilder all = new StringBuilder();
    for (ByteArrayOutputStream connection : sent) {
      synchronized (connection) {
        all.append(connection.toString(StandardCharsets.UTF_8));
      }
    }
    return all.toString();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getByName("127.0.0.1"), target);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        sent.add(copy);
        threads.submit(
            () ->
                pump(client.getInputStream(), upstream.getOutputStream(), copy, client, upstream));
        threads.submit(
            () ->
                pump(upstream.getInputStream(), client.getOutputStream(), null, client, upstream));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static Void pump(
      InputStream in, OutputStream out, ByteArrayOutputStream copy, Socket a, Socket b) {
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (copy != null) {
          synchronized (copy) {
            copy.write(buffer, 0, n);
          }
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the other side closed
    } finally {
      try {
        a.close();
        b.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
