package io.clbdirect.gate.clb;

import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Paced, retried and counted calls to one Tencent Cloud API through its SDK client: a client-side
 * rate limit per action, retries with exponential backoff and jitter for retryable codes, and
 * counters {@code clb_direct_<api>_calls_total}, {@code _errors_total}, {@code _retries_total},
 * {@code _throttles_total} per action, and gauges {@code clb_direct_<api>_clock_skew} and {@code
 * _credentials_rejected}, 1 while the last call the API answered failed with {@code
 * AuthFailure.SignatureExpire} (resp. {@code AuthFailure.SignatureFailure} or {@code
 * .SecretIdNotFound}), 0 once one gets past the signature check (transport failures leave them as
 * they are): what {@link ClbGateway#call} does for the CLB API, and {@link SslGateway} for the SSL
 * certificate API. The gauges are registered once per registry: one instance per API and process.
 *
 * @param <C> the SDK client, e.g. {@code SslClient}
 */
public final class PacedCalls<C> {

  /** One SDK call. */
  @FunctionalInterface
  public interface Call<C, T> {
    T call(C client) throws TencentCloudSDKException;
  }

  private final String api;
  private final C client;
  private final MeterRegistry meters;
  private final RateLimiterRegistry limiters;
  private final RetryConfig retryConfig;
  private final WriteFence fence;
  private final AtomicInteger clockSkew = new AtomicInteger();
  private final AtomicInteger credentialsRejected = new AtomicInteger();

  /**
   * @param api names the counters, e.g. {@code ssl}
   * @param retryable which failures pass with time
   */
  public PacedCalls(
      String api,
      C client,
      ClbCallPolicy policy,
      MeterRegistry meters,
      Predicate<Throwable> retryable) {
    this(api, client, policy, meters, retryable, WriteFence.OPEN);
  }

  /**
   * @param fence asked right before each attempt of a write ({@link WriteFence#isWrite}), retries
   *     included: a retry may come 30 s after the first attempt, when this replica may no longer
   *     hold the Lease
   */
  public PacedCalls(
      String api,
      C client,
      ClbCallPolicy policy,
      MeterRegistry meters,
      Predicate<Throwable> retryable,
      WriteFence fence) {
    this.api = api;
    this.fence = fence;
    this.client = client;
    this.meters = meters;
    this.limiters =
        RateLimiterRegistry.of(
            RateLimiterConfig.custom()
                .limitForPeriod(policy.requestsPerSecond())
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ofMinutes(1))
                .build());
    this.retryConfig =
        RetryConfig.custom()
            .maxAttempts(policy.maxAttempts())
            .intervalFunction(
                IntervalFunction.ofExponentialRandomBackoff(
                    policy.initialBackoff(), 2.0, 0.5, policy.maxBackoff()))
            .retryOnException(retryable)
            .build();
    Gauge.builder("clb_direct_" + api + "_clock_skew", clockSkew, AtomicInteger::get)
        .description(
            "1 while the last answered call failed with AuthFailure.SignatureExpire (the local"
                + " clock is more than 5 minutes from Tencent Cloud's)")
        .register(meters);
    Gauge.builder(
            "clb_direct_" + api + "_credentials_rejected", credentialsRejected, AtomicInteger::get)
        .description(
            "1 while the last answered call failed with AuthFailure.SignatureFailure or"
                + " AuthFailure.SecretIdNotFound")
        .register(meters);
  }

  public <T> T call(String action, Call<C, T> call) throws ClbOperationException {
    Retry retry = Retry.of(action, retryConfig);
    retry
        .getEventPublisher()
        .onRetry(event -> count("retries", action, ClbErrors.code(event.getLastThrowable())));
    RateLimiter limiter = limiters.rateLimiter(action);
    boolean write = WriteFence.isWrite(action);
    try {
      return retry.executeCheckedSupplier(
          () -> {
            if (!limiter.acquirePermission()) {
              count("throttles", action, "client");
              throw new TencentCloudSDKException(
                  "client-side rate limit wait timed out", "", "RequestLimitExceeded");
            }
            if (write) {
              // The last moment before sending: the rate limiter may have held it up to a minute.
              fence.check(api, action);
            }
            count("calls", action, null);
            try {
              T result = call.call(client);
              signatureAccepted();
              return result;
            } catch (TencentCloudSDKException e) {
              String code = ClbErrors.code(e);
              count("errors", action, code);
              authentication(code);
              if (code.startsWith("RequestLimitExceeded")
                  || code.equals("LimitExceeded.RateLimitExceeded")) {
                // The API's rate limit, not a quota (the CLB's LimitExceeded is a quota).
                count("throttles", action, "server");
              }
              throw e;
            }
          });
    } catch (TencentCloudSDKException e) {
      throw new ClbOperationException(action, ClbErrors.code(e), e.getMessage(), e);
    } catch (ClbOperationException e) {
      throw e;
    } catch (Throwable e) {
      throw new ClbOperationException(action, "Transport", String.valueOf(e.getMessage()), e);
    }
  }

  private void signatureAccepted() {
    clockSkew.set(0);
    credentialsRejected.set(0);
  }

  /** Tracks the last answer's verdict on the signature; transport failures say nothing of it. */
  private void authentication(String code) {
    if (code.equals("Transport")
        || code.equals("ClientSideError")
        || code.equals("ServerSideError")) {
      return;
    }
    clockSkew.set(code.equals(ClbErrors.SIGNATURE_EXPIRE) ? 1 : 0);
    credentialsRejected.set(ClbErrors.CREDENTIALS_REJECTED.contains(code) ? 1 : 0);
  }

  private void count(String what, String action, String code) {
    Counter.Builder counter =
        Counter.builder("clb_direct_" + api + "_" + what + "_total").tag("action", action);
    if (code != null) {
      counter.tag("code", code);
    }
    counter.register(meters).increment();
  }
}
