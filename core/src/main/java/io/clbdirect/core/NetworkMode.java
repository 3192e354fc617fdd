package io.clbdirect.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The cluster's container network, as configured by the operator of clb-direct. */
public enum NetworkMode {
  /** Every Pod has an ENI IP: the CLB can always bind it. */
  VPC_CNI("vpc-cni"),
  /** Pods use GlobalRouter addresses: direct access needs TKE's GlobalRouteDirectAccess switch. */
  GLOBAL_ROUTER("global-router"),
  /** GlobalRouter by default, VPC-CNI on request: direct-access Pods must ask for an ENI. */
  MIXED("mixed");

  private final String configValue;

  NetworkMode(String configValue) {
    this.configValue = configValue;
  }

  public String configValue() {
    return configValue;
  }

  /** Parses the configuration value; the message lists the accepted values. */
  public static NetworkMode fromConfigValue(String value) {
    String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (NetworkMode mode : values()) {
      if (mode.configValue.equals(wanted)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "unknown network mode '"
            + value
            + "'; expected one of "
            + Arrays.stream(values())
                .map(NetworkMode::configValue)
                .collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return configValue;
  }
}
