package io.clbdirect.e2e.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback TCP proxy in front of the API server for one clb-direct replica, which a test can
 * {@link #cut} (every open connection dropped, new ones refused) and {@link #restore}: that replica
 * loses the API server, its Lease and its watches, and keeps everything else (the CLB, its webhook
 * port). TLS passes through untouched: the API server's certificate names 127.0.0.1, which is also
 * the proxy's address, so the replica's kubeconfig needs only another port ({@link #kubeconfig}).
 */
public final class ApiServerProxy implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ApiServerProxy.class);

  private final InetSocketAddress upstream;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "api-server-proxy");
            thread.setDaemon(true);
            return thread;
          });
  private ServerSocket listening;
  private boolean closed;

  private ApiServerProxy(InetSocketAddress upstream, ServerSocket listening) {
    this.upstream = upstream;
    this.listening = listening;
    this.port = listening.getLocalPort();
  }

  /**
   * @param apiServerUrl e.g. {@code https://127.0.0.1:6443}
   */
  public static ApiServerProxy start(String apiServerUrl) {
    URI uri = URI.create(apiServerUrl);
    try {
      ApiServerProxy proxy =
          new ApiServerProxy(new InetSocketAddress(uri.getHost(), uri.getPort()), bind(0));
      proxy.accept(proxy.listening);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    // The same port again right after a cut: its old connections may linger in TIME_WAIT.
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    return socket;
  }

  /** What the replica's kubeconfig names as its server. */
  public String url() {
    return "https://127.0.0.1:" + port;
  }

  /**
   * Writes {@code kubeconfig} to {@code out} with every {@code server:} naming {@code apiServerUrl}
   * pointed at this proxy instead.
   */
  public Path kubeconfig(Path kubeconfig, String apiServerUrl, Path out) {
    try {
      String text = Files.readString(kubeconfig, StandardCharsets.UTF_8);
      if (!text.contains(apiServerUrl)) {
        throw new IllegalArgumentException(kubeconfig + " does not name " + apiServerUrl);
      }
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, text.replace(apiServerUrl, url()), StandardCharsets.UTF_8);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Drops every open connection and refuses new ones until {@link #restore}. */
  public synchronized void cut() {
    if (listening != null) {
      quietly(listening);
      listening = null;
    }
    open.forEach(ApiServerProxy::quietly);
    open.clear();
    log.info("API server proxy on port {} cut", port);
  }

  /** Accepts connections again, on the same port. */
  public synchronized void restore() {
    if (closed || listening != null) {
      return;
    }
    try {
      listening = bind(port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port + " again", e);
    }
    accept(listening);
    log.info("API server proxy on port {} restored", port);
  }

  public synchronized boolean isCut() {
    return listening == null;
  }

  private void accept(ServerSocket socket) {
    threads.execute(
        () -> {
          while (!socket.isClosed()) {
            try {
              Socket client = socket.accept();
              relay(client);
            } catch (IOException e) {
              return; // closed by cut() or close()
            }
          }
        });
  }

  private void relay(Socket client) {
    Socket server = new Socket();
    try {
      server.connect(upstream, 5_000);
    } catch (IOException e) {
      quietly(client);
      quietly(server);
      return;
    }
    synchronized (this) {
      if (listening == null) { // cut while connecting
        quietly(client);
        quietly(server);
        return;
      }
      open.add(client);
      open.add(server);
    }
    threads.execute(() -> pump(client, server));
    threads.execute(() -> pump(server, client));
  }

  /** Copies one direction until either side ends, then closes both. */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      // the other side, or a cut, closed it
    } finally {
      quietly(from);
      quietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void quietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    cut();
    threads.shutdownNow();
  }
}
