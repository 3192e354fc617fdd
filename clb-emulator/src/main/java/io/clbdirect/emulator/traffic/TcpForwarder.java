package io.clbdirect.emulator.traffic;

import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.LoadBalancer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The data path for TCP listeners: every TCP listener of every running load balancer (status 1)
 * gets a real server socket on {@code vip:port}, bound to exactly that loopback address; each
 * accepted connection goes to one of the listener's targets and bytes flow both ways until the ends
 * close.
 *
 * <p>Backend choice: among the listener's current targets that are healthy (Alive, or Close when
 * the check is off) with weight above zero and a loopback address, by smooth weighted round robin
 * per listener, or the target the client IP had while its session lasts (SessionExpireTime, see
 * {@link BackendChooser}). With none eligible, or when the backend refuses within 2 s, the client
 * is closed at once. A target that turns Dead or drops to weight 0 only stops getting new
 * connections: connections already spliced to it are not cut. Removing a listener (or its load
 * balancer, or stopping the load balancer) closes its port and the connections it forwarded.
 *
 * <p>HTTP listeners are served too, through {@link HttpRouter} (rule by Host and longest URL
 * prefix); HTTPS and TCP_SSL listeners terminate TLS first ({@link TlsTermination}) and then route
 * as HTTP and TCP do, speaking plain HTTP or TCP to the targets. Not served: UDP. VIPs or target
 * addresses outside 127.0.0.0/8 are never bound or connected to (see {@link LoopbackAddress}).
 *
 * <p>{@link #reconcile()} follows the state; {@link #start()} hooks it to every state change.
 */
public final class TcpForwarder implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(TcpForwarder.class.getName());

  /** The protocols with a data path: UDP is accepted by the API but not forwarded. */
  private static final Set<String> SERVED = Set.of("TCP", "HTTP", "HTTPS", "TCP_SSL");

  private final ClbState state;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(daemonThreads("clb-tcp-forwarder-"));

  /** Open ports by listener id; guarded by {@code this}. */
  private final Map<String, VipPort> ports = new HashMap<>();

  /**
   * Listener ids whose bind failure was already logged, so each change does not log it again;
   * guarded by {@code this}.
   */
  private final Set<String> reportedFailures = new HashSet<>();

  /** Outlive the ports, so a test or admin view can read a removed listener's totals. */
  private final Map<String, ConnectionCounters> counters = new ConcurrentHashMap<>();

  private boolean started;
  private boolean closed;

  public TcpForwarder(ClbState state) {
    this.state = state;
  }

  /** Follows every later state change, and opens the ports the state already asks for. */
  public void start() {
    synchronized (this) {
      if (started || closed) {
        throw new IllegalStateException(closed ? "closed" : "already started");
      }
      started = true;
    }
    state.addChangeListener(this::reconcile);
    reconcile();
  }

  /** Opens the ports the state asks for and closes the others. Idempotent; safe from any thread. */
  public synchronized void reconcile() {
    if (closed) {
      return;
    }
    Map<String, Wanted> wanted = state.locked(this::servedListeners);
    for (Iterator<Map.Entry<String, VipPort>> it = ports.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, VipPort> open = it.next();
      Wanted want = wanted.get(open.getKey());
      if (want == null || !open.getValue().serves(want.listener(), want.endpoint())) {
        open.getValue().close();
        it.remove();
      }
    }
    reportedFailures.retainAll(wanted.keySet());
    for (Map.Entry<String, Wanted> want : wanted.entrySet()) {
      if (!ports.containsKey(want.getKey())) {
        open(want.getKey(), want.getValue());
      }
    }
  }

  /** Connections of {@code listenerId} handed to a backend so far. */
  public long forwarded(String listenerId) {
    ConnectionCounters c = counters.get(listenerId);
    return c == null ? 0 : c.forwarded();
  }

  /**
   * Connections of {@code listenerId} closed at once: no eligible target, or the backend refused.
   */
  public long refused(String listenerId) {
    ConnectionCounters c = counters.get(listenerId);
    return c == null ? 0 : c.refused();
  }

  /**
   * Closes every port and connection and stops the threads. The forwarder cannot be started again.
   */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      ports.values().forEach(VipPort::close);
      ports.clear();
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs under the state lock. Listeners whose VIP is not a loopback literal are skipped (logged
   * once when opened).
   */
  private Map<String, Wanted> servedListeners() {
    Map<String, Wanted> wanted = new LinkedHashMap<>();
    for (LoadBalancer lb : state.loadBalancers().values()) {
      if (lb.status() != 1) {
        continue;
      }
      for (Listener listener : lb.listeners().values()) {
        if (SERVED.contains(listener.protocol())) {
          wanted.put(listener.listenerId(), new Wanted(lb, listener, lb.vip()));
        }
      }
    }
    return wanted;
  }

  private void open(String listenerId, Wanted want) {
    InetSocketAddress endpoint = want.endpoint();
    if (endpoint == null) {
      reportOnce(
          listenerId,
          "not serving listener "
              + listenerId
              + ": VIP "
              + want.vip()
              + " port "
              + want.listener().port()
              + " is not a 127.0.0.0/8 address",
          null);
      return;
    }
    ConnectionCounters listenerCounters =
        counters.computeIfAbsent(listenerId, id -> new ConnectionCounters());
    Route route =
        want.listener().layer7()
            ? new HttpRouter(state, want.loadBalancer(), want.listener())
            : new L4Route(new BackendChooser(state, want.loadBalancer(), want.listener()));
    ClientSide clientSide =
        want.listener().tls() ? new TlsTermination(state, want.listener()) : ClientSide.PLAIN;
    try {
      ports.put(
          listenerId,
          VipPort.open(want.listener(), endpoint, route, clientSide, listenerCounters, threads));
      reportedFailures.remove(listenerId);
    } catch (IOException e) {
      // Retried on the next change: the port may be held by another process or listener for now.
      reportOnce(listenerId, "cannot bind " + endpoint + " for listener " + listenerId, e);
    }
  }

  private void reportOnce(String listenerId, String message, Exception cause) {
    if (reportedFailures.add(listenerId)) {
      LOG.log(Level.WARNING, message, cause);
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** A TCP listener the state wants served. */
  private record Wanted(LoadBalancer loadBalancer, Listener listener, String vip) {

    /** Null when the VIP is not a loopback literal. */
    InetSocketAddress endpoint() {
      return LoopbackAddress.of(vip, listener.port());
    }
  }
}
