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
 */
@ConfigurationProperties("clb-direct.gate-controller")
public record GateControllerProperties(
    Boolean enabled, String mode, Duration healthInterval, String clusterName, String namespace, String leaseName) {

  public GateControllerProperties {
    namespace = namespace == null ? "clb-direct-system" : namespace;
    leaseName = leaseName == null ? "clb-direct-gate-controller" : leaseName;
    enabled = enabled != null && enabled;
    mode = mode == null ? "initial" : mode;
    healthInterval = healthInterval == null ? Duration.ofSeconds(1) : healthInterval;
    clusterName = clusterName == null ? "kubernetes" : clusterName;
  }
}
