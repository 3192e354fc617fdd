package io.clbdirect.e2e.faults;

import static io.clbdirect.e2e.faults.CheckerFixtures.pod;
import static io.clbdirect.e2e.faults.CheckerFixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.clbdirect.emulator.audit.WriteLog;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stale-cache audit: a target taken out of service between two samples that both want its Pod
 * is a breach; one whose Pod was terminating, gone or replaced by then is not.
 */
class DeregistrationAuditTest {

  static final Instant T1 = Instant.parse("2026-12-03T04:00:01Z");
  static final Instant T2 = Instant.parse("2026-12-03T04:00:02Z");
  static final Instant T3 = Instant.parse("2026-12-03T04:00:03Z");

  static DirectAccessView seen(Instant at, V1Pod... pods) {
    return new DirectAccessView(
        at, List.of("ns"), List.of(service("lb-1")), List.of(), List.of(pods));
  }

  static WriteLog.WriteCall call(String action, String params) {
    return new WriteLog.WriteCall(
        T2, action, JsonParser.parseString(params).getAsJsonObject(), null);
  }

  static final String DEREGISTER =
      "{\"LoadBalancerId\":\"lb-1\",\"Targets\":[{\"ListenerId\":\"lbl-1\",\"EniIp\":\"127.20.0.1\",\"Port\":8080}]}";

  @Test
  void deregisteringAPodWantedBeforeAndAfterIsABreach() {
    ClusterHistory history = new ClusterHistory();
    history.add(seen(T1, pod("a", 1, "True", false)));
    history.add(seen(T3, pod("a", 1, "True", false)));

    List<Violation> found =
        DeregistrationAudit.check(List.of(call("BatchDeregisterTargets", DEREGISTER)), history, T1);

    assertThat(found).hasSize(1);
    assertThat(found.get(0).invariant()).isEqualTo(ContinuousInvariants.STALE_DEREGISTRATION);
    assertThat(found.get(0).detail()).contains("127.20.0.1").contains("ns/a");
  }

  @Test
  void deregisteringATerminatingPodIsNot() {
    ClusterHistory history = new ClusterHistory();
    history.add(seen(T1, pod("a", 1, "True", false)));
    history.add(seen(T3, pod("a", 1, "True", true)));

    assertThat(
            DeregistrationAudit.check(List.of(call("DeregisterTargets", DEREGISTER)), history, T1))
        .isEmpty();
  }

  @Test
  void weightZeroForAWantedPodAndDeletingARecordedLoadBalancerAreBreaches() {
    ClusterHistory history = new ClusterHistory();
    history.add(seen(T1, pod("a", 1, "True", false)));
    history.add(seen(T3, pod("a", 1, "True", false)));
    String weightZero =
        "{\"LoadBalancerId\":\"lb-1\",\"ModifyList\":[{\"ListenerId\":\"lbl-1\",\"Weight\":0,"
            + "\"Targets\":[{\"EniIp\":\"127.20.0.1\",\"Port\":8080}]}]}";
    String weightTen = weightZero.replace("\"Weight\":0", "\"Weight\":10");

    List<Violation> found =
        DeregistrationAudit.check(
            List.of(
                call("BatchModifyTargetWeight", weightZero),
                call("BatchModifyTargetWeight", weightTen),
                call("DeleteLoadBalancer", "{\"LoadBalancerIds\":[\"lb-1\"]}")),
            history,
            T1);

    assertThat(found)
        .extracting(Violation::detail)
        .anySatisfy(d -> assertThat(d).startsWith("BatchModifyTargetWeight took 127.20.0.1"))
        .anySatisfy(d -> assertThat(d).startsWith("DeleteLoadBalancer lb-1"))
        .hasSize(2);
  }

  @Test
  void failedCallsAndCallsBeforeTheWatchDoNotCount() {
    ClusterHistory history = new ClusterHistory();
    history.add(seen(T1, pod("a", 1, "True", false)));
    history.add(seen(T3, pod("a", 1, "True", false)));
    WriteLog.WriteCall refused =
        new WriteLog.WriteCall(
            T2,
            "BatchDeregisterTargets",
            JsonParser.parseString(DEREGISTER).getAsJsonObject(),
            "InvalidParameter");

    assertThat(DeregistrationAudit.check(List.of(refused), history, T1)).isEmpty();
    assertThat(
            DeregistrationAudit.check(
                List.of(call("BatchDeregisterTargets", DEREGISTER)), history, T3))
        .isEmpty();
  }
}
