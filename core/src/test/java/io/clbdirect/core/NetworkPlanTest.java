package io.clbdirect.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkPlanTest {

  @ParameterizedTest(name = "{0} with GlobalRouteDirectAccess={1} -> {2}")
  @CsvSource({
    "vpc-cni,       false, GATE_ONLY",
    "vpc-cni,       true,  GATE_ONLY",
    "mixed,         false, GATE_AND_ENI",
    "mixed,         true,  GATE_ONLY",
    "global-router, false, UNAVAILABLE",
    "global-router, true,  GATE_ONLY",
  })
  void followsTheDocumentedTable(String mode, boolean globalRoute, NetworkPlan expected) {
    assertThat(NetworkPlan.decide(NetworkMode.fromConfigValue(mode), globalRoute))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"VPC-CNI, VPC_CNI", "' mixed ', MIXED", "Global-Router, GLOBAL_ROUTER"})
  void parsesModesLeniently(String value, NetworkMode expected) {
    assertThat(NetworkMode.fromConfigValue(value)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void rejectsUnknownModeNamingTheChoices() {
    assertThatThrownBy(() -> NetworkMode.fromConfigValue("eni"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'eni'")
        .hasMessageContaining("vpc-cni, global-router, mixed");
  }
}
