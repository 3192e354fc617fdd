package io.clbdirect.gate.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code clb-direct.gate-controller.*} and the CLB connection {@code clb-direct.clb.*}.
 *
 * @param enabled run the gate-controller in this process
 * @param mode {@code initial} (default) or {@code continuous}
 * @param healthInterval how often target health is read while gates are pending
 * @param clusterName tag value naming this cluster on the load balancers clb-direct creates
 * @param namespace where the leader-election Lease lives (clb-direct's own namespace)
 * @param leaseName the Lease; only its holder writes to the CLB and to Pod status
 * @param workers Services and Ingresses reconciled at once (default 4); one frontend is never
 *     reconciled by two workers at once, and writes to one load balancer still go one at a time
 */
@ConfigurationProperties("clb-direct.gate-controller")
public record GateControllerProperties(
    Boolean enabled,
    String mode,
    Duration healthInterval,
    String clusterName,
    String namespace,
    String leaseName,
    Integer workers) {

  public GateControllerProperties {
    namespace = namespace == null ? "clb-direct-system" : namespace;
    leaseName = leaseName == null ? "clb-direct-gate-controller" : leaseName;
    enabled = enabled != null && enabled;
    mode = mode == null ? "initial" : mode;
    healthInterval = healthInterval == null ? Duration.ofSeconds(1) : healthInterval;
    clusterName = clusterName == null ? "kubernetes" : clusterName;
    workers = workers == null ? 4 : workers;
    if (workers < 1 || workers > 32) {
      throw new IllegalArgumentException(
          "clb-direct.gate-controller.workers must be 1..32, got " + workers);
    }
  }
}
