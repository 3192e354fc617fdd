package io.clbdirect.e2e.faults;

import io.clbdirect.core.WellKnown;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodReadinessGate;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Cluster objects for the checker's own tests: no API server, no emulator. */
final class CheckerFixtures {

  static final OffsetDateTime T0 = OffsetDateTime.of(2026, 12, 3, 4, 0, 0, 0, ZoneOffset.UTC);

  private CheckerFixtures() {}

  /** A direct-access Service web in ns, port 80 → 8080, recording {@code lbId}. */
  static V1Service service(String lbId) {
    return new V1Service()
        .metadata(
            new V1ObjectMeta()
                .namespace("ns")
                .name("web")
                .creationTimestamp(T0)
                .annotations(
                    Map.of(
                        WellKnown.SERVICE_DIRECT_ACCESS,
                        "true",
                        DirectAccessView.SERVICE_LB_ANNOTATION,
                        lbId)))
        .spec(
            new V1ServiceSpec()
                .type("LoadBalancer")
                .selector(Map.of("app", "web"))
                .addPortsItem(new V1ServicePort().port(80).targetPort(new IntOrString(8080))));
  }

  /**
   * A running, ready Pod of app web at 127.20.0.{@code n}; {@code gate} null for a Pod without the
   * readiness gate, else the gate condition's status.
   */
  static V1Pod pod(String name, int n, String gate, boolean terminating) {
    V1PodSpec spec = new V1PodSpec().addContainersItem(new V1Container().name("app"));
    List<V1PodCondition> conditions = new ArrayList<>();
    conditions.add(new V1PodCondition().type("ContainersReady").status("True"));
    if (gate != null) {
      spec.addReadinessGatesItem(new V1PodReadinessGate().conditionType(WellKnown.READINESS_GATE));
      conditions.add(
          new V1PodCondition()
              .type(WellKnown.READINESS_GATE)
              .status(gate)
              .reason("True".equals(gate) ? "LoadBalancerNetworkGroupReady" : "TargetNotBound"));
    }
    return new V1Pod()
        .metadata(
            new V1ObjectMeta()
                .namespace("ns")
                .name(name)
                .uid("uid-" + name)
                .labels(Map.of("app", "web"))
                .creationTimestamp(T0.plusSeconds(10))
                .deletionTimestamp(terminating ? T0.plusSeconds(20) : null))
        .spec(spec)
        .status(new V1PodStatus().phase("Running").podIP("127.20.0." + n).conditions(conditions));
  }
}
