package io.clbdirect.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LabelSelectorsTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "subset selects", Map.of("app", "web"), Map.of("app", "web", "tier", "fe"), true),
        Arguments.of("equal selects", Map.of("app", "web"), Map.of("app", "web"), true),
        Arguments.of("other value", Map.of("app", "web"), Map.of("app", "api"), false),
        Arguments.of("missing key", Map.of("app", "web", "v", "2"), Map.of("app", "web"), false),
        Arguments.of("empty selector selects nothing", Map.of(), Map.of("app", "web"), false),
        Arguments.of("null selector selects nothing", null, Map.of("app", "web"), false),
        Arguments.of("pod without labels", Map.of("app", "web"), null, false),
        Arguments.of("pod with empty labels", Map.of("app", "web"), Map.of(), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesLikeServiceSelectors(
      String name, Map<String, String> selector, Map<String, String> labels, boolean expected) {
    assertThat(LabelSelectors.selects(selector, labels)).isEqualTo(expected);
  }
}
