package io.clbdirect.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * Which Lease a replica competes for, as whom, and at what pace.
 *
 * @param namespace the Lease's namespace (clb-direct's own)
 * @param name the Lease's name: one per job that must have a single writer
 * @param identity this replica's name in the Lease ({@code $POD_NAME} in a cluster)
 * @param leaseDuration how long a Lease not renewed keeps the others waiting
 * @param renewDeadline how long the holder keeps trying to renew before it gives up leading
 * @param retryPeriod how often the others try to take it
 */
public record LeaseSettings(
    String namespace,
    String name,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {

  public LeaseSettings {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(identity, "identity");
    if (renewDeadline.compareTo(leaseDuration) >= 0) {
      // Otherwise the holder could still believe it leads after the others may have taken over.
      throw new IllegalArgumentException(
          "the renew deadline must be shorter than the lease duration");
    }
  }

  /**
   * client-go's defaults scaled down as clb-direct has always run: lease 15 s, renew deadline 10 s,
   * retry 2 s.
   */
  public static LeaseSettings of(String namespace, String name, String identity) {
    return new LeaseSettings(
        namespace,
        name,
        identity,
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2));
  }
}
