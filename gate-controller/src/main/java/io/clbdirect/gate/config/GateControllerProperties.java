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
 */
@ConfigurationProperties("clb-direct.gate-controller")
public record GateControllerProperties(Boolean enabled, String mode, Duration healthInterval, String clusterName) {

  public GateControllerProperties {
    enabled = enabled != null && enabled;
    mode = mode == null ? "initial" : mode;
    healthInterval = healthInterval == null ? Duration.ofSeconds(1) : healthInterval;
    clusterName = clusterName == null ? "kubernetes" : clusterName;
  }
}
