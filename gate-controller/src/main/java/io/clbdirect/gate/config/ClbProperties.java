package io.clbdirect.gate.config;

import io.clbdirect.gate.clb.ClbConnection;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code clb-direct.clb.*}. The key comes best from the environment ({@code CLB_DIRECT_CLB_SECRET_ID},
 * {@code CLB_DIRECT_CLB_SECRET_KEY}, e.g. from a Secret); it is never logged.
 *
 * @param region e.g. ap-guangzhou
 * @param endpoint {@code clb.tencentcloudapi.com}, or the emulator's {@code 127.0.0.1:port}
 * @param https false only for the loopback emulator
 */
@ConfigurationProperties("clb-direct.clb")
public record ClbProperties(String region, String endpoint, Boolean https, String secretId, String secretKey, Integer requestsPerSecond) {

  public ClbProperties {
    region = region == null ? "ap-guangzhou" : region;
    endpoint = endpoint == null ? "clb.tencentcloudapi.com" : endpoint;
    https = https == null || https;
    requestsPerSecond = requestsPerSecond == null ? 15 : requestsPerSecond;
  }

  public ClbConnection connection() {
    if (secretId == null || secretId.isBlank() || secretKey == null || secretKey.isBlank()) {
      throw new IllegalStateException("clb-direct.clb.secret-id and secret-key are required when the gate-controller runs "
          + "(environment CLB_DIRECT_CLB_SECRET_ID / CLB_DIRECT_CLB_SECRET_KEY)");
    }
    return new ClbConnection(region, endpoint, https, secretId, secretKey, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  @Override
  public String toString() {
    return "ClbProperties[region=" + region + ", endpoint=" + endpoint + ", https=" + https + ", secretId=" + secretId + ", secretKey=***]";
  }
}
