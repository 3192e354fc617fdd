package io.clbdirect.e2e.faults;

import static io.clbdirect.e2e.faults.CheckerFixtures.pod;
import static io.clbdirect.e2e.faults.CheckerFixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The convergence check finds each kind of divergence, and none when CLB and cluster agree. */
class DivergenceTest {

  static EmulatorSnapshot.Listener tcp(int port, EmulatorSnapshot.Target... targets) {
    return new EmulatorSnapshot.Listener("lbl-" + port, "TCP", port, List.of(targets), List.of());
  }

  static EmulatorSnapshot.Target target(int n, long weight) {
    return new EmulatorSnapshot.Target("eni:127.20.0." + n + ":8080", weight, "Alive");
  }

  static DirectAccessView cluster(Object... pods) {
    return new DirectAccessView(
        Instant.now(),
        List.of("ns"),
        List.of(service("lb-1")),
        List.of(),
        java.util.Arrays.stream(pods)
            .map(p -> (io.kubernetes.client.openapi.models.V1Pod) p)
            .toList());
  }

  static EmulatorSnapshot clb(EmulatorSnapshot.LoadBalancer... lbs) {
    return new EmulatorSnapshot(
        Instant.now(),
        java.util.Arrays.stream(lbs)
            .collect(
                java.util.stream.Collectors.toMap(
                    EmulatorSnapshot.LoadBalancer::id,
                    lb -> lb,
                    (a, b) -> a,
                    java.util.TreeMap::new)));
  }

  @Test
  void agreeingClbAndClusterHaveConverged() {
    Divergence d =
        Divergence.between(
            cluster(pod("a", 1, "True", false), pod("b", 2, "True", false)),
            clb(
                new EmulatorSnapshot.LoadBalancer(
                    "lb-1", "127.80.0.1", List.of(tcp(80, target(1, 10), target(2, 10))))));
    assertThat(d.all()).isEmpty();
    assertThat(d.converged()).isTrue();
  }

  @Test
  void findsOrphansMissingTargetsWrongWeightsAndGates() {
    Divergence d =
        Divergence.between(
            cluster(
                pod("a", 1, "True", false),
                pod("stale", 2, "False", false),
                pod("ungated", 3, null, false),
                pod("leaving", 4, "True", true)),
            clb(
                new EmulatorSnapshot.LoadBalancer(
                    "lb-1",
                    "127.80.0.1",
                    List.of(tcp(80, target(1, 0), target(4, 10), target(9, 10)), tcp(81))),
                new EmulatorSnapshot.LoadBalancer("lb-lost", "127.80.0.2", List.of())));

    assertThat(d.orphans())
        .containsExactlyInAnyOrder(
            "load balancer lb-lost",
            "target eni:127.20.0.4:8080 on lb-1 TCP/80",
            "target eni:127.20.0.9:8080 on lb-1 TCP/80",
            "listener TCP/81 on lb-1");
    assertThat(d.missing())
        .containsExactlyInAnyOrder(
            "weight 10 of eni:127.20.0.1:8080 (is 0)",
            "target eni:127.20.0.2:8080 on lb-1 TCP/80",
            "target eni:127.20.0.3:8080 on lb-1 TCP/80");
    assertThat(d.staleGates()).containsExactly("ns/stale (TargetNotBound)");
    assertThat(d.missingGates()).containsExactly("ns/ungated (selected by web)");
    assertThat(d.wrongGates()).isEqualTo(2);
    assertThat(d.converged()).isFalse();
  }

  @Test
  void aRecordedLoadBalancerThatIsGoneIsMissing() {
    Divergence d = Divergence.between(cluster(pod("a", 1, "True", false)), clb());
    assertThat(d.missing()).containsExactly("load balancer of Service ns/web (recorded: lb-1)");
  }
}
