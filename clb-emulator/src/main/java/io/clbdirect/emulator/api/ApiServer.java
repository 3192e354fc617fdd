package io.clbdirect.emulator.api;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.emulator.audit.WriteLog;
import io.clbdirect.emulator.faults.FaultInjector;
import io.clbdirect.emulator.model.ClbState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * HTTP edge of the emulated API on 127.0.0.1: every request shape Tencent serves (see {@link
 * RequestShape}), answered like CLB (HTTP 200, {@code {"Response":{...,"RequestId"}}}, errors in
 * {@code Response.Error}), plus the admin paths {@code /admin/state}, {@code /admin/faults} and
 * {@code /admin/writes}. Reading and verifying a call is {@link CallReader}'s job; this class only
 * moves bytes and applies the checks every call shares.
 */
public final class ApiServer implements AutoCloseable {

  public static final String VERSION = "2018-03-17";

  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY every answer waits out
    // the client's delayed ACK (~40 ms), capping a keep-alive client at ~25 calls a second.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final int MAX_BODY = 10 * 1024 * 1024;

  private final Object portLock = new Object();
  private HttpServer server; // null while the port refuses connections
  private final int boundPort;
  private boolean closed;
  private ScheduledFuture<?> reopening;
  private final ScheduledExecutorService outages =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "clb-emulator-api-outage");
            thread.setDaemon(true);
            return thread;
          });
  private final ExecutorService threads =
      Executors.newFixedThreadPool(
          8,
          runnable -> {
            Thread thread = new Thread(runnable, "clb-emulator-api");
            thread.setDaemon(true);
            return thread;
          });
  private final Gson gson = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
  private final ClbState state;
  private final ClbApi api;
  private final SslApi ssl;
  private final CallReader calls;
  private final RateLimiter rateLimiter;
  private final FaultInjector faults;
  private final Supplier<JsonObject> stateView;
  private final Tasks tasks;
  private final WriteLog writes;

  public ApiServer(
      EmulatorConfig config,
      ClbState state,
      FaultInjector faults,
      Supplier<JsonObject> stateView,
      WriteLog writes)
      throws IOException {
    this.state = state;
    this.writes = writes;
    this.faults = faults;
    this.stateView = stateView;
    this.tasks = new Tasks(state, config.taskDelay());
    this.api = new ClbApi(state, config, faults, tasks);
    this.ssl = new SslApi(state);
    this.calls = new CallReader(Map.of(config.secretId(), config.secretKey()));
    this.rateLimiter = new RateLimiter(config.rateLimitPerSecond());
    this.server = bind(config.port());
    this.boundPort = server.getAddress().getPort();
    faults.attach(
        new FaultInjector.ApiPort() {
          @Override
          public void refuseFor(Duration period) {
            ApiServer.this.refuseFor(period);
          }

          @Override
          public void reopen() {
            ApiServer.this.reopen();
          }
        });
  }

  private HttpServer bind(int port) throws IOException {
    HttpServer bound =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    bound.setExecutor(threads);
    bound.createContext("/", this::api);
    bound.createContext("/admin/state", this::adminState);
    bound.createContext("/admin/faults", this::adminFaults);
    bound.createContext("/admin/writes", this::adminWrites);
    return bound;
  }

  public void start() {
    synchronized (portLock) {
      server.start();
    }
  }

  public int port() {
    return boundPort;
  }

  /**
   * Closes the listening socket (and open connections) now, and binds the same port again later.
   */
  private void refuseFor(Duration period) {
    synchronized (portLock) {
      if (closed) {
        return;
      }
      if (server != null) {
        server.stop(0);
        server = null;
      }
      if (reopening != null) {
        reopening.cancel(false);
      }
      reopening = outages.schedule(this::reopen, period.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void reopen() {
    synchronized (portLock) {
      if (closed || server != null) {
        return;
      }
      try {
        server = bind(boundPort);
        server.start();
      } catch (IOException e) {
        // The port was taken meanwhile; there is nothing to serve on, as after a failed restart.
        throw new UncheckedIOException("cannot bind 127.0.0.1:" + boundPort + " again", e);
      }
    }
  }

  private void api(HttpExchange exchange) throws IOException {
    if (faults.hangRemainingNanos() > 0) {
      holdUntilTheHangEnds(exchange);
      return;
    }
    String requestId = UUID.randomUUID().toString();
    JsonObject response;
    try {
      response = answer(exchange, requestId);
    } catch (ApiError e) {
      response = new JsonObject();
      JsonObject error = new JsonObject();
      error.addProperty("Code", e.code());
      error.addProperty("Message", e.getMessage());
      response.add("Error", error);
    } catch (RuntimeException e) {
      response = new JsonObject();
      JsonObject error = new JsonObject();
      error.addProperty("Code", "InternalError");
      error.addProperty("Message", "emulator failure: " + e);
      response.add("Error", error);
    }
    response.addProperty("RequestId", requestId);
    JsonObject envelope = new JsonObject();
    envelope.add("Response", response);
    // The SDK treats any status but 200 as a transport failure, so API errors are 200 too.
    send(exchange, 200, gson.toJson(envelope));
  }

  /** A call during a hang: read, held without an answer, and dropped when the hang ends. */
  private void holdUntilTheHangEnds(HttpExchange exchange) throws IOException {
    readBody(exchange.getRequestBody());
    try {
      long left;
      while ((left = faults.hangRemainingNanos()) > 0) {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Closing an exchange before its headers are sent closes the connection: no answer at all.
    exchange.close();
  }

  private JsonObject answer(HttpExchange exchange, String requestId) throws IOException {
    byte[] body = readBody(exchange.getRequestBody());
    Map<String, String> headers = new HashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
    IncomingRequest request =
        new IncomingRequest(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            exchange.getRequestURI().getRawQuery(),
            headers,
            body);
    ApiCall call = calls.read(request, state.clock().instant());
    String action = call.action();
    // The version picks the product: CLB (2018-03-17) or SSL (2019-12-05) on the same port; the
    // TC3 service name in the credential scope is whatever the client signed with.
    boolean sslCall = SslApi.VERSION.equals(call.version());
    if (!VERSION.equals(call.version()) && !sslCall) {
      throw new ApiError(
          "NoSuchVersion",
          "Version "
              + call.version()
              + " is not supported; use "
              + VERSION
              + " (clb) or "
              + SslApi.VERSION
              + " (ssl).");
    }
    if (!(sslCall ? ssl.knows(action) : api.knows(action))) {
      throw new ApiError("InvalidAction", "The action `" + action + "` is not supported.");
    }
    if (faults.latencyMillis() > 0) {
      try {
        Thread.sleep(faults.latencyMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (faults.throttleAll() || !rateLimiter.tryAcquire(action, System.nanoTime())) {
      throw new ApiError(
          "RequestLimitExceeded", "The number of requests exceeds the frequency limit.");
    }
    String injected = faults.errorFor(action);
    if (injected != null) {
      throw new ApiError(injected, "injected fault for " + action);
    }
    JsonObject params = call.params().get();
    boolean logged = !sslCall && api.isWrite(action);
    JsonObject result;
    try {
      result =
          Params.readingFrom(
              call.source(),
              () ->
                  sslCall
                      ? ssl.call(action, params, requestId)
                      : api.call(action, params, requestId));
    } catch (ApiError e) {
      if (logged) {
        writes.record(action, params, e.code());
      }
      throw e;
    }
    if (logged) {
      writes.record(action, params, null);
    }
    state.changed();
    return result;
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      throw new ApiError("InvalidParameter", "The request body exceeds 10 MB.");
    }
    return body;
  }

  private void adminState(HttpExchange exchange) throws IOException {
    send(exchange, 200, gson.toJson(stateView.get()));
  }

  /** GET: every write call executed so far (see {@link WriteLog}); read-only. */
  private void adminWrites(HttpExchange exchange) throws IOException {
    if (!"GET".equals(exchange.getRequestMethod())) {
      send(exchange, 405, "{\"error\":\"read-only: use GET\"}");
      return;
    }
    send(exchange, 200, gson.toJson(writes.view()));
  }

  /** GET: current faults; POST: set them (JSON); DELETE: clear them. */
  private void adminFaults(HttpExchange exchange) throws IOException {
    Duration refusal = null;
    try {
      switch (exchange.getRequestMethod()) {
        case "GET" -> {}
        case "DELETE" -> faults.reset();
        case "POST" -> {
          JsonObject request =
              JsonParser.parseString(
                      new String(readBody(exchange.getRequestBody()), StandardCharsets.UTF_8))
                  .getAsJsonObject();
          refusal = FaultRequests.refusal(request);
          FaultRequests.apply(request, faults, state.clock());
        }
        default -> {
          send(exchange, 405, "{\"error\":\"use GET, POST or DELETE\"}");
          return;
        }
      }
      JsonObject view = FaultRequests.view(faults);
      if (refusal != null) {
        view.addProperty("refuseRemainingMillis", refusal.toMillis());
      }
      send(exchange, 200, gson.toJson(view));
    } catch (RuntimeException e) {
      send(exchange, 400, gson.toJson(Map.of("error", String.valueOf(e.getMessage()))));
      return;
    }
    if (refusal != null) {
      // After the answer is out: closing the port closes this connection too.
      faults.refuseConnections(refusal);
    }
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().put("Content-Type", List.of("application/json"));
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    synchronized (portLock) {
      closed = true;
      if (server != null) {
        server.stop(0);
        server = null;
      }
    }
    outages.shutdownNow();
    tasks.close();
    threads.shutdownNow();
  }
}
