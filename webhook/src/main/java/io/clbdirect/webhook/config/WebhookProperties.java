package io.clbdirect.webhook.config;

import io.clbdirect.webhook.mutation.DrainSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code clb-direct.webhook.*}.
 *
 * @param enabled serve {@code POST /mutate-pods} in this process
 * @param maxRequestBytes AdmissionReviews larger than this get 413. A Pod can be up to about 1.5 MB
 *     (etcd's request limit) and the review carries it once at CREATE; 7 MiB matches
 *     controller-runtime.
 * @param drain {@code clb-direct.webhook.drain.*}: the preStop sleep given to gated Pods
 */
@ConfigurationProperties("clb-direct.webhook")
public record WebhookProperties(Boolean enabled, DataSize maxRequestBytes, Drain drain) {

  /**
   * @param enabled inject the drain at all (per-cluster opt-out); default true
   * @param seconds the sleep; default {@link DrainSettings#DEFAULT_SECONDS} (derivation in
   *     docs/webhook.md)
   */
  public record Drain(Boolean enabled, Integer seconds) {

    public DrainSettings settings() {
      return new DrainSettings(
          enabled == null || enabled, seconds == null ? DrainSettings.DEFAULT_SECONDS : seconds);
    }
  }

  public WebhookProperties {
    enabled = enabled == null || enabled;
    drain = drain == null ? new Drain(null, null) : drain;
    drain.settings(); // fails start-up on a drain shorter than 1 s, naming the property
    maxRequestBytes = maxRequestBytes == null ? DataSize.ofMegabytes(7) : maxRequestBytes;
    if (maxRequestBytes.toBytes() < 1024) {
      throw new IllegalArgumentException(
          "clb-direct.webhook.max-request-bytes must be at least 1KB, got " + maxRequestBytes);
    }
  }
}
