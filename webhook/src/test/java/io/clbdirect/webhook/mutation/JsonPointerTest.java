package io.clbdirect.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPointerTest {

  @ParameterizedTest
  @CsvSource({
    "plain,                    plain",
    "a/b,                      a~1b",
    "a~b,                      a~0b",
    // ~ must be escaped before /, or "~1" in the input would come out as "~01" -> wrong key.
    "~1,                       ~01",
    "tke.cloud.tencent.com/eni-ip, tke.cloud.tencent.com~1eni-ip",
  })
  void escapesPerRfc6901(String raw, String escaped) {
    assertThat(JsonPointer.escape(raw)).isEqualTo(escaped);
  }

  @org.junit.jupiter.api.Test
  void joinsEscapedTokens() {
    assertThat(JsonPointer.of("metadata", "annotations", "a/b~c"))
        .isEqualTo("/metadata/annotations/a~1b~0c");
  }
}
