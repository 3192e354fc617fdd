package io.clbdirect.gate.clb;

import com.tencentcloudapi.ssl.v20191205.SslClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;

/**
 * Every SSL Certificates call goes through here, paced, retried and counted as CLB calls are
 * ({@link PacedCalls}, counters {@code clb_direct_ssl_*}). The SSL API allows 10 calls a second per
 * action, so the policy given should stay below that.
 */
public final class SslGateway {

  /** The SSL API's own throttling code, on top of the codes every API shares (ClbErrors). */
  static final Set<String> RETRYABLE = Set.of("LimitExceeded.RateLimitExceeded");

  private final PacedCalls<SslClient> calls;

  public SslGateway(SslClient client, ClbCallPolicy policy, MeterRegistry meters) {
    this(client, policy, meters, WriteFence.OPEN);
  }

  /**
   * @param fence asked before every attempt of an upload or deletion: see {@link PacedCalls}
   */
  public SslGateway(
      SslClient client, ClbCallPolicy policy, MeterRegistry meters, WriteFence fence) {
    this.calls =
        new PacedCalls<>(
            "ssl",
            client,
            policy,
            meters,
            e -> ClbErrors.retryable(e) || RETRYABLE.contains(ClbErrors.code(e)),
            fence);
  }

  public <T> T call(String action, PacedCalls.Call<SslClient, T> call)
      throws ClbOperationException {
    return calls.call(action, call);
  }
}
