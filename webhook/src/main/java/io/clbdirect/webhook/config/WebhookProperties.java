package io.clbdirect.webhook.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code clb-direct.webhook.*}.
 *
 * @param enabled serve {@code POST /mutate-pods} in this process
 * @param maxRequestBytes AdmissionReviews larger than this get 413. A Pod can be up to about 1.5 MB
 *     (etcd's request limit) and the review carries it once at CREATE; 7 MiB matches controller-runtime.
 */
@ConfigurationProperties("clb-direct.webhook")
public record WebhookProperties(Boolean enabled, DataSize maxRequestBytes) {

  public WebhookProperties {
    enabled = enabled == null || enabled;
    maxRequestBytes = maxRequestBytes == null ? DataSize.ofMegabytes(7) : maxRequestBytes;
    if (maxRequestBytes.toBytes() < 1024) {
      throw new IllegalArgumentException(
          "clb-direct.webhook.max-request-bytes must be at least 1KB, got " + maxRequestBytes);
    }
  }
}
