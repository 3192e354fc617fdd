package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.gate.decide.ListenerPlan.Key;
import io.clbdirect.gate.decide.ListenerPlan.Wanted;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListenerPlanTest {

  @Test
  void missingListenersWithTheSameProtocolAndAttributesShareOneCall() {
    ListenerPlan plan =
        ListenerPlan.of(
            List.of(
                new Wanted(new Key("TCP", 80), "a-80", "{}"),
                new Wanted(new Key("TCP", 81), "b-81", "{}"),
                new Wanted(new Key("UDP", 53), "c-53", "{}"),
                new Wanted(new Key("TCP", 82), "d-82", "{\"Scheduler\":\"LEAST_CONN\"}"),
                new Wanted(new Key("TCP", 443), "e-443", "{}")),
            Map.of(new Key("TCP", 443), "lbl-1"));

    assertThat(plan.existing()).containsExactly(Map.entry(new Key("TCP", 443), "lbl-1"));
    assertThat(plan.creations())
        .containsExactlyInAnyOrder(
            new ListenerPlan.Creation(
                "TCP",
                "{}",
                List.of(new Key("TCP", 80), new Key("TCP", 81)),
                List.of("a-80", "b-81")),
            new ListenerPlan.Creation("UDP", "{}", List.of(new Key("UDP", 53)), List.of("c-53")),
            new ListenerPlan.Creation(
                "TCP",
                "{\"Scheduler\":\"LEAST_CONN\"}",
                List.of(new Key("TCP", 82)),
                List.of("d-82")));
  }

  @Test
  void twoFrontendsWantingOneListenerCreateItOnceNamedByTheFirst() {
    ListenerPlan plan =
        ListenerPlan.of(
            List.of(
                new Wanted(new Key("TCP", 80), "first", "{}"),
                new Wanted(new Key("TCP", 80), "second", "{}")),
            Map.of());

    assertThat(plan.creations())
        .containsExactly(
            new ListenerPlan.Creation("TCP", "{}", List.of(new Key("TCP", 80)), List.of("first")));
  }

  @Test
  void aCallCarriesAtMostTwentyPorts() {
    List<Wanted> wanted = new ArrayList<>();
    for (int port = 1; port <= 45; port++) {
      wanted.add(new Wanted(new Key("TCP", port), "l-" + port, "{}"));
    }
    ListenerPlan plan = ListenerPlan.of(wanted, Map.of());

    assertThat(plan.creations()).extracting(c -> c.keys().size()).containsExactly(20, 20, 5);
    assertThat(plan.creations().get(2).keys()).first().isEqualTo(new Key("TCP", 41));
  }

  @Test
  void nothingToCreateWhenEveryListenerExists() {
    ListenerPlan plan =
        ListenerPlan.of(
            List.of(new Wanted(new Key("TCP", 80), "a", "{}")),
            Map.of(new Key("TCP", 80), "lbl-9"));

    assertThat(plan.creations()).isEmpty();
    assertThat(plan.existing()).containsEntry(new Key("TCP", 80), "lbl-9");
  }
}
