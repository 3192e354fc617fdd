package io.clbdirect.webhook.bootstrap;

import io.clbdirect.certs.rotation.RotationPlanner;
import java.util.List;
import java.util.Objects;

/**
 * @param namespace clb-direct's own namespace (Secret, Lease, Service)
 * @param secretName the serving-certificate Secret
 * @param leaseName the leader-election Lease
 * @param identity this replica's name in the Lease
 * @param registration the webhook configuration to keep in place
 * @param desired names, lifetimes and propagation delay for the certificates
 */
public record BootstrapSettings(
    String namespace,
    String secretName,
    String leaseName,
    String identity,
    RegistrationSettings registration,
    RotationPlanner.Desired desired) {

  public BootstrapSettings {
    Objects.requireNonNull(namespace);
    Objects.requireNonNull(secretName);
    Objects.requireNonNull(leaseName);
    Objects.requireNonNull(identity);
    Objects.requireNonNull(registration);
    Objects.requireNonNull(desired);
  }

  /**
   * The four names a Service clientConfig may be reached by (the API server uses {@code
   * <svc>.<ns>.svc}).
   */
  public static List<String> serviceDnsNames(String service, String namespace) {
    return List.of(
        service,
        service + "." + namespace,
        service + "." + namespace + ".svc",
        service + "." + namespace + ".svc.cluster.local");
  }
}
