package io.clbdirect.emulator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tencent's flattened keys to the JSON object the actions read, and back. */
class FlattenedParamsTest {

  static Map<String, String> form(String... pairs) {
    Map<String, String> flat = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      flat.put(pairs[i], pairs[i + 1]);
    }
    return flat;
  }

  @Test
  void nestedArraysAndObjectsComeBackAsJson() {
    JsonObject json =
        FlattenedParams.unflatten(
            form(
                "LoadBalancerId", "lb-1",
                "Targets.1.Port", "81",
                "Targets.0.EniIp", "10.0.0.1",
                "Targets.0.Port", "80",
                "Targets.1.InstanceId", "ins-1",
                "Filters.0.Name", "tag:team",
                "Filters.0.Values.0", "a",
                "Filters.0.Values.1", "b",
                "HealthCheck.HealthSwitch", "1",
                "Tags.0.TagKey", "k"));
    assertThat(json)
        .isEqualTo(
            JsonParser.parseString(
                """
        {"LoadBalancerId":"lb-1",
         "Targets":[{"EniIp":"10.0.0.1","Port":"80"},{"Port":"81","InstanceId":"ins-1"}],
         "Filters":[{"Name":"tag:team","Values":["a","b"]}],
         "HealthCheck":{"HealthSwitch":"1"},
         "Tags":[{"TagKey":"k"}]}"""));
  }

  @Test
  void roundTripsEveryNonEmptyShape() {
    JsonObject json =
        JsonParser.parseString(
                """
        {"A":"x","Ports":["80","81"],"Rules":[{"Url":"/","HealthCheck":{"TimeOut":"2"},"Domains":["a.com"]}],
         "Deep":{"List":[["1","2"],["3"]]}}""")
            .getAsJsonObject();
    Map<String, String> flat = FlattenedParams.flatten(json);
    assertThat(flat)
        .containsEntry("Rules.0.HealthCheck.TimeOut", "2")
        .containsEntry("Deep.List.1.0", "3")
        .containsEntry("Ports.1", "81");
    assertThat(FlattenedParams.unflatten(flat)).isEqualTo(json);
  }

  @Test
  void flattenWritesTypedJsonValuesAsTheSdkDoes() {
    JsonObject json =
        JsonParser.parseString("{\"Port\":80,\"DefaultServer\":true,\"Skip\":null}")
            .getAsJsonObject();
    assertThat(FlattenedParams.flatten(json))
        .containsExactly(Map.entry("Port", "80"), Map.entry("DefaultServer", "true"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a gap in an array          | Targets.0.Port=80;Targets.2.Port=82       | Targets.2.Port",
        "an array not from 0        | LoadBalancerIds.1=lb-1                    | LoadBalancerIds.1",
        "index and name mixed       | Tags.0.TagKey=k;Tags.TagKey=k             | Tags.TagKey",
        "name then index            | HealthCheck.TimeOut=2;HealthCheck.0=x     | HealthCheck.0",
        "a value with items under   | Targets=x;Targets.0.Port=80               | Targets.0.Port",
        "items then a value         | Targets.0.Port=80;Targets=x               | Targets",
        "a leading index            | 0=x                                       | 0",
        "an empty segment           | Targets..Port=80                          | Targets..Port",
        "a trailing dot             | Ports.=80                                 | Ports.",
        "a leading zero             | Ports.01=80                               | Ports.01",
        "an index too large         | Ports.12345678901=80                      | Ports.12345678901",
      })
  void refusesKeysThatDoNotMakeAnObject(String why, String pairs, String namedKey) {
    Map<String, String> flat = new LinkedHashMap<>();
    for (String pair : pairs.split(";")) {
      String[] kv = pair.split("=", 2);
      flat.put(kv[0], kv[1]);
    }
    assertThatThrownBy(() -> FlattenedParams.unflatten(flat))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.code()).isEqualTo("InvalidParameter.FormatError");
              assertThat(e.getMessage()).contains("`" + namedKey + "`");
            });
  }

  @Test
  void formDecodingKeepsOrderAndRefusesAmbiguity() {
    assertThat(UrlEncodedForm.parse("B=1&A=%E4%B8%AD+x%2Fy&&C=&"))
        .containsExactly(Map.entry("B", "1"), Map.entry("A", "中 x/y"), Map.entry("C", ""));
    assertThat(UrlEncodedForm.parse(null)).isEmpty();
    for (String bad : new String[] {"A=1&A=2", "A", "=1", "A=%zz"}) {
      assertThatThrownBy(() -> UrlEncodedForm.parse(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              ApiError.class, e -> assertThat(e.code()).isEqualTo("InvalidParameter.FormatError"));
    }
  }
}
