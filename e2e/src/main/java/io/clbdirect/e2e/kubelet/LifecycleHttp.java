package io.clbdirect.e2e.kubelet;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's container-lifecycle HTTP client ({@code insecureContainerLifecycleHTTPClient} in
 * {@code kubelet.go}, used by {@code lifecycle/handlers.go runHTTPHandler}): no timeout of its own
 * (the hook is bounded by the grace period only), HTTPS without certificate or host name
 * verification, and when an HTTPS request gets a plain HTTP answer, one retry over HTTP without the
 * {@code Authorization} header. The response status is not looked at. Headers: {@code User-Agent:
 * kube-lifecycle/1.34} and {@code Accept: *}{@code /*} unless the hook sets them, then the hook's.
 *
 * <p>Differences: a {@code Host} header (and the other headers Java's client reserves) cannot be
 * set and is dropped with a WARN; redirects are not followed (the kubelet follows same-host ones;
 * either way the hook has returned).
 */
public final class LifecycleHttp implements Termination.HttpHook {

  private static final Logger log = LoggerFactory.getLogger(LifecycleHttp.class);
  static final String USER_AGENT = "kube-lifecycle/1.34";
  private static final Set<String> RESERVED =
      Set.of("host", "connection", "content-length", "expect", "upgrade");

  private final HttpClient client;

  public LifecycleHttp() {
    this.client =
        HttpClient.newBuilder()
            .sslContext(insecure())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public CompletableFuture<Integer> get(Termination.HttpGet hook) {
    return send(hook, hook.uri(), true)
        .exceptionallyCompose(
            error -> {
              Throwable cause =
                  error instanceof CompletionException && error.getCause() != null
                      ? error.getCause()
                      : error;
              if ("https".equalsIgnoreCase(hook.uri().getScheme())
                  && cause instanceof SSLException) {
                // runHTTPHandler: "HTTPS request to lifecycle hook got HTTP response, retrying with
                // HTTP."
                log.info(
                    "fake kubelet: HTTPS lifecycle hook {} failed ({}), retrying with HTTP",
                    hook.uri(),
                    cause.getMessage());
                URI http = URI.create("http" + hook.uri().toString().substring("https".length()));
                return send(hook, http, false);
              }
              return CompletableFuture.failedFuture(cause);
            });
  }

  private CompletableFuture<Integer> send(
      Termination.HttpGet hook, URI uri, boolean withAuthorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
    boolean userAgent = false;
    boolean accept = false;
    for (Map.Entry<String, String> header : hook.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (RESERVED.contains(name)) {
        log.warn(
            "fake kubelet: lifecycle hook {}: header {} cannot be sent by this client; dropped",
            uri,
            header.getKey());
        continue;
      }
      if (!withAuthorization && "authorization".equals(name)) {
        continue;
      }
      userAgent |= "user-agent".equals(name);
      accept |= "accept".equals(name);
      request.header(header.getKey(), header.getValue());
    }
    if (!userAgent) {
      request.header("User-Agent", USER_AGENT);
    }
    if (!accept) {
      request.header("Accept", "*/*");
    }
    return client
        .sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
        .thenApply(HttpResponse::statusCode);
  }

  /** A {@link Termination.Timer} on a scheduler. */
  public static Termination.Timer timer(ScheduledExecutorService scheduler) {
    return delay -> {
      CompletableFuture<Void> fired = new CompletableFuture<>();
      if (delay.isZero() || delay.isNegative()) {
        fired.complete(null);
        return fired;
      }
      var task =
          scheduler.schedule(() -> fired.complete(null), delay.toNanos(), TimeUnit.NANOSECONDS);
      fired.whenComplete((ignored, error) -> task.cancel(false));
      return fired;
    };
  }

  private static SSLContext insecure() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustAll()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * InsecureSkipVerify: no certificate and, being an extended trust manager, no host name check.
   */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
