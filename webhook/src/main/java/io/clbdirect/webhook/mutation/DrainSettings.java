package io.clbdirect.webhook.mutation;

/**
 * The preStop drain the webhook gives every container of a gated Pod (docs/webhook.md, "Drain
 * before stop").
 *
 * @param enabled inject at all (per-cluster opt-out)
 * @param seconds how long the injected {@code sleep} holds a container after its Pod is deleted, so
 *     the gate-controller sees the deletion and the CLB stops sending new connections before
 *     SIGTERM
 */
public record DrainSettings(boolean enabled, int seconds) {

  /** See docs/webhook.md for the derivation: deletion seen + CLB call landed + CLB applying it. */
  public static final int DEFAULT_SECONDS = 10;

  /** Kubernetes' default {@code terminationGracePeriodSeconds}. */
  public static final long DEFAULT_GRACE_PERIOD_SECONDS = 30;

  public static final DrainSettings DEFAULTS = new DrainSettings(true, DEFAULT_SECONDS);
  public static final DrainSettings OFF = new DrainSettings(false, DEFAULT_SECONDS);

  public DrainSettings {
    if (seconds < 1) {
      throw new IllegalArgumentException(
          "clb-direct.webhook.drain.seconds must be at least 1, got " + seconds);
    }
  }
}
