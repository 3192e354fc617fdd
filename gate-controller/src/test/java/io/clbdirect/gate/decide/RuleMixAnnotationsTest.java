package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleMixAnnotationsTest {

  @Test
  void readsTkesArraysWithTheVipAndSlashAsDefaults() {
    RuleMixAnnotations mix =
        RuleMixAnnotations.of(
            Map.of(
                RuleMixAnnotations.HTTP_RULES,
                "[{\"host\":\"a.example.com\",\"path\":\"/x\",\"backend\":{\"serviceName\":\"web\",\"servicePort\":\"80\"}}]",
                RuleMixAnnotations.HTTPS_RULES,
                "[{\"backend\":{\"serviceName\":\"api\",\"servicePort\":\"http\"}}]"));

    assertThat(mix.problems()).isEmpty();
    assertThat(mix.entries())
        .containsExactly(
            new RuleMixAnnotations.Entry(
                IngressRoutes.Scheme.HTTP, "a.example.com", "/x", "web", 80, null),
            new RuleMixAnnotations.Entry(
                IngressRoutes.Scheme.HTTPS, null, "/", "api", null, "http"));
  }

  @Test
  void unreadableEntriesAreNamedAndTheRestServed() {
    RuleMixAnnotations mix =
        RuleMixAnnotations.of(
            Map.of(
                RuleMixAnnotations.HTTP_RULES,
                "{not json",
                RuleMixAnnotations.HTTPS_RULES,
                "[{\"host\":\"a\"},42,{\"backend\":{\"serviceName\":\"api\",\"servicePort\":443}}]"));

    assertThat(mix.entries())
        .containsExactly(
            new RuleMixAnnotations.Entry(IngressRoutes.Scheme.HTTPS, null, "/", "api", 443, null));
    assertThat(mix.problems())
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).startsWith(RuleMixAnnotations.HTTP_RULES + " is not JSON"))
        .anySatisfy(p -> assertThat(p).contains("https-rules[0] has no backend"))
        .anySatisfy(p -> assertThat(p).contains("https-rules[1] is not an object"));
  }

  @Test
  void onlyTrueTurnsItOn() {
    assertThat(RuleMixAnnotations.enabled(Map.of(RuleMixAnnotations.RULE_MIX, "true"))).isTrue();
    assertThat(RuleMixAnnotations.enabled(Map.of(RuleMixAnnotations.RULE_MIX, "false"))).isFalse();
    assertThat(RuleMixAnnotations.enabled(null)).isFalse();
  }
}
