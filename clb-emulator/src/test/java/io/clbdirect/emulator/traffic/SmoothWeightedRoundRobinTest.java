package io.clbdirect.emulator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmoothWeightedRoundRobinTest {

  private final SmoothWeightedRoundRobin<String> rotation = new SmoothWeightedRoundRobin<>();

  @Test
  void weightsFiveOneOneGiveTheClassicSpreadSequenceAndRepeatIt() {
    Map<String, Integer> weights = weights("a", 5, "b", 1, "c", 1);

    assertThat(picks(weights, 14))
        .containsExactly("a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a");
  }

  @Test
  void everyWindowOfTotalWeightPicksEachCandidateWeightTimes() {
    List<String> picked = picks(weights("a", 3, "b", 1), 8);

    assertThat(picked).containsExactly("a", "a", "b", "a", "a", "a", "b", "a");
    assertThat(picked.subList(0, 4)).containsExactlyInAnyOrder("a", "a", "a", "b");
  }

  @Test
  void equalWeightsAlternateInCandidateOrder() {
    assertThat(picks(weights("a", 1, "b", 1), 4)).containsExactly("a", "b", "a", "b");
  }

  @Test
  void zeroAndNegativeWeightsAreNeverChosen() {
    assertThat(picks(weights("a", 0, "b", 2, "c", -1), 5)).containsOnly("b");
  }

  @Test
  void nothingToChooseGivesNull() {
    assertThat(rotation.next(Map.of())).isNull();
    assertThat(rotation.next(weights("a", 0))).isNull();
  }

  @Test
  void aCandidateThatLeavesAndReturnsGetsItsShareAgain() {
    Map<String, Integer> both = weights("a", 1, "b", 1);
    rotation.next(both);
    picks(weights("b", 1), 3);

    assertThat(picks(both, 4)).containsExactlyInAnyOrder("a", "a", "b", "b");
  }

  private List<String> picks(Map<String, Integer> weights, int count) {
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      picked.add(rotation.next(weights));
    }
    return picked;
  }

  private static Map<String, Integer> weights(Object... keysAndWeights) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (int i = 0; i < keysAndWeights.length; i += 2) {
      weights.put((String) keysAndWeights[i], (Integer) keysAndWeights[i + 1]);
    }
    return weights;
  }
}
