package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RulePlanTest {

  static final RuleKey A = new RuleKey("a.example.com", "/");
  static final RuleKey B = new RuleKey("b.example.com", "/");
  static final RuleKey C = new RuleKey("c.example.com", "/");
  static final RuleKey FOREIGN = new RuleKey("legacy.example.com", "/");

  @Test
  void createsMissingDeletesOnlyItsOwnAndRecordsBeforeCreating() {
    RulePlan plan = RulePlan.of(Set.of(A, B), Set.of(B, C, FOREIGN), Set.of(B, C));

    assertThat(plan.create()).containsExactly(A);
    assertThat(plan.delete())
        .as("C was created by clb-direct and is no longer wanted; FOREIGN was never ours")
        .containsExactly(C);
    assertThat(plan.managedDuring()).containsExactlyInAnyOrder(A, B, C);
    assertThat(plan.managedAfter()).containsExactlyInAnyOrder(A, B);
  }

  @Test
  void aWantedRuleSomeoneElseMadeIsUsedNotAdopted() {
    RulePlan plan = RulePlan.of(Set.of(FOREIGN), Set.of(FOREIGN), Set.of());

    assertThat(plan.create()).isEmpty();
    assertThat(plan.delete()).isEmpty();
    assertThat(plan.managedAfter()).isEmpty();
  }

  @Test
  void aRecordedRuleThatVanishedIsForgotten() {
    RulePlan plan = RulePlan.of(Set.of(), Set.of(), Set.of(A));

    assertThat(plan.delete()).isEmpty();
    assertThat(plan.managedAfter()).isEmpty();
  }
}
