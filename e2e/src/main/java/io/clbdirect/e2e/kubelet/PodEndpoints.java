package io.clbdirect.e2e.kubelet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The "containers" of one Pod: for each TCP container port, a real HTTP listener on the Pod's own
 * loopback IP. It answers any TCP connect, and HTTP GET with 200 (or 503 while failing), naming the
 * Pod, so a caller can tell which Pod served it. Paths under {@value #MISSING_PATH} answer 404,
 * like an application without that route: a load-balancer health check pointed there fails.
 */
final class PodEndpoints {

  /** The path prefix no fake Pod serves. */
  static final String MISSING_PATH = "/missing";

  private final String podName;
  private final InetAddress ip;
  private final List<Integer> ports;
  private final Executor executor;
  private final Map<Integer, HttpServer> servers = new LinkedHashMap<>();

  /** Ports whose container got SIGTERM: they never open again. */
  private final Set<Integer> stopped = new HashSet<>();

  private volatile Serving serving = Serving.OK;

  PodEndpoints(String podName, InetAddress ip, List<Integer> ports, Executor executor) {
    this.podName = podName;
    this.ip = ip;
    this.ports = List.copyOf(ports);
    this.executor = executor;
  }

  /** Opens every listener; returns the ports that could not be bound (the rest stay open). */
  synchronized List<Integer> open() {
    List<Integer> failed = new ArrayList<>();
    for (int port : ports) {
      if (stopped.contains(port) || servers.containsKey(port)) {
        continue;
      }
      try {
        HttpServer server = HttpServer.create(new InetSocketAddress(ip, port), 64);
        server.createContext("/", this::answer);
        server.setExecutor(executor);
        server.start();
        servers.put(port, server);
      } catch (IOException e) {
        failed.add(port);
      }
    }
    return failed;
  }

  synchronized void close() {
    servers.values().forEach(server -> server.stop(0));
    servers.clear();
  }

  /** A container got SIGTERM and the fake app exits at once: its ports close for good. */
  synchronized void stop(Collection<Integer> containerPorts) {
    for (int port : containerPorts) {
      stopped.add(port);
      HttpServer server = servers.remove(port);
      if (server != null) {
        server.stop(0);
      }
    }
  }

  synchronized void serve(Serving mode) {
    this.serving = mode;
    if (mode == Serving.CLOSED) {
      close();
    } else if (servers.isEmpty()) {
      open();
    }
  }

  Serving serving() {
    return serving;
  }

  InetAddress ip() {
    return ip;
  }

  private void answer(HttpExchange exchange) throws IOException {
    byte[] body = (podName + "\n").getBytes(StandardCharsets.UTF_8);
    int status =
        serving != Serving.OK
            ? 503
            : exchange.getRequestURI().getPath().startsWith(MISSING_PATH) ? 404 : 200;
    exchange.getResponseHeaders().add("Content-Type", "text/plain");
    exchange.getResponseHeaders().add("X-Pod-Name", podName);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
