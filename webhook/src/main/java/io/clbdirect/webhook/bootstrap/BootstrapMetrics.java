package io.clbdirect.webhook.bootstrap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Expiry gauges, rotation and repair counters for the self-managed certificates and registration.
 */
public final class BootstrapMetrics {

  private final MeterRegistry meters;
  private final AtomicLong caExpiry = new AtomicLong();
  private final AtomicLong leafExpiry = new AtomicLong();

  public BootstrapMetrics(MeterRegistry meters) {
    this.meters = meters;
    Gauge.builder("clb_direct_certificate_expiry_timestamp_seconds", caExpiry, AtomicLong::get)
        .description("NotAfter of the certificate, Unix seconds")
        .tag("certificate", "ca")
        .register(meters);
    Gauge.builder("clb_direct_certificate_expiry_timestamp_seconds", leafExpiry, AtomicLong::get)
        .description("NotAfter of the certificate, Unix seconds")
        .tag("certificate", "serving")
        .register(meters);
  }

  void observe(X509Certificate signingCa, X509Certificate leaf) {
    if (signingCa != null) {
      caExpiry.set(signingCa.getNotAfter().toInstant().getEpochSecond());
    }
    if (leaf != null) {
      leafExpiry.set(leaf.getNotAfter().toInstant().getEpochSecond());
    }
  }

  /**
   * @param reason the planner's reason, e.g. {@code leaf-renewed}, {@code
   *     ca-rotation-leaf-switched}
   */
  void secretWritten(String reason) {
    Counter.builder("clb_direct_certificate_writes_total")
        .description("Writes of the serving-certificate Secret, by reason")
        .tag("reason", reason.startsWith("malformed") ? "malformed" : reason)
        .register(meters)
        .increment();
  }

  /**
   * @param kind {@code secret} or {@code webhook-configuration}
   */
  void repaired(String kind) {
    Counter.builder("clb_direct_bootstrap_repairs_total")
        .description("Objects recreated or restored after deletion or drift")
        .tag("kind", kind)
        .register(meters)
        .increment();
  }
}
