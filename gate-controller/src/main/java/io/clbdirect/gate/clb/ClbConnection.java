package io.clbdirect.gate.clb;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach the CLB API.
 *
 * @param region e.g. {@code ap-guangzhou}
 * @param endpoint host[:port]; {@code clb.tencentcloudapi.com} in production, the emulator's {@code
 *     127.0.0.1:port} in tests and the sandbox
 * @param https false only for the loopback emulator
 * @param secretId API key id
 * @param secretKey API key secret; never logged
 * @param connectTimeout TCP connect timeout
 * @param readTimeout response timeout. The SDK's default is none at all (OkHttp's 0), which would
 *     let one stuck call block a load balancer's whole write queue, so it is always set.
 */
public record ClbConnection(
    String region,
    String endpoint,
    boolean https,
    String secretId,
    String secretKey,
    Duration connectTimeout,
    Duration readTimeout) {

  public ClbConnection {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(secretId, "secretId");
    Objects.requireNonNull(secretKey, "secretKey");
    requirePositiveSeconds(connectTimeout, "connectTimeout");
    requirePositiveSeconds(readTimeout, "readTimeout");
  }

  private static void requirePositiveSeconds(Duration timeout, String name) {
    if (timeout == null || timeout.toSeconds() < 1) {
      // The SDK takes whole seconds; anything below one would silently become "no timeout".
      throw new IllegalArgumentException(name + " must be at least 1 s, got " + timeout);
    }
  }

  @Override
  public String toString() {
    return "ClbConnection[region="
        + region
        + ", endpoint="
        + endpoint
        + ", https="
        + https
        + ", secretId="
        + secretId
        + ", secretKey=***]";
  }
}
