package io.clbdirect.emulator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Values from a flattened form are strings; JSON keeps its strict types. */
class ParamsTypingTest {

  static Params form(String... pairs) {
    Map<String, String> flat = FlattenedParamsTest.form(pairs);
    return new Params(FlattenedParams.unflatten(flat), Params.Source.FORM);
  }

  static Params json(String body) {
    return new Params(JsonParser.parseString(body).getAsJsonObject(), Params.Source.JSON);
  }

  static void formatError(ThrowingCallable call, String field) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.code()).isEqualTo("InvalidParameter.FormatError");
              assertThat(e.getMessage()).contains("`" + field + "`");
            });
  }

  @Test
  void formStringsReadAsIntegersAndBooleans() {
    Params p =
        form(
            "Port",
            "8080",
            "Negative",
            "-3",
            "DefaultServer",
            "true",
            "Off",
            "false",
            "Ports.0",
            "80",
            "Ports.1",
            "443",
            "Rules.0.HealthCheck.TimeOut",
            "2",
            "Rules.0.DefaultServer",
            "false");
    assertThat(p.optInt("Port")).isEqualTo(8080);
    assertThat(p.integer("Negative")).isEqualTo(-3);
    assertThat(p.optBoolean("DefaultServer")).isTrue();
    assertThat(p.optBoolean("Off")).isFalse();
    assertThat(p.ints("Ports")).containsExactly(80, 443);
    Params rule = p.objects("Rules").get(0);
    assertThat(rule.source()).isEqualTo(Params.Source.FORM);
    assertThat(rule.object("HealthCheck").optInt("TimeOut")).isEqualTo(2);
    assertThat(rule.optBoolean("DefaultServer")).isFalse();
    assertThat(p.optString("Port")).isEqualTo("8080");
  }

  @Test
  void formRefusesAnythingButDecimalsAndTrueFalse() {
    Params p =
        form(
            "A",
            "8o",
            "B",
            "1.5",
            "C",
            "99999999999",
            "D",
            "",
            "E",
            "+1",
            "F",
            "TRUE",
            "G",
            "1",
            "H",
            "yes",
            "Ports.0",
            "80",
            "Ports.1",
            "x",
            "Ids.0.X",
            "y",
            "Obj.K",
            "v");
    for (String field : new String[] {"A", "B", "C", "D", "E", "Obj"}) {
      formatError(() -> p.optInt(field), field);
    }
    for (String field : new String[] {"F", "G", "H", "Obj"}) {
      formatError(() -> p.optBoolean(field), field);
    }
    formatError(() -> p.ints("Ports"), "Ports");
    formatError(() -> p.strings("Ids"), "Ids");
    formatError(() -> p.strings("A"), "A");
  }

  @Test
  void jsonKeepsTodaysStrictTyping() {
    Params p =
        json("{\"Port\":80,\"Flag\":true,\"Text\":\"true\",\"Ports\":[80,81],\"Obj\":{\"K\":1}}");
    assertThat(p.optInt("Port")).isEqualTo(80);
    assertThat(p.optBoolean("Flag")).isTrue();
    assertThat(p.ints("Ports")).containsExactly(80, 81);
    formatError(() -> p.optBoolean("Text"), "Text");
    formatError(() -> p.optInt("Obj"), "Obj");
    formatError(() -> p.ints("Port"), "Port");
  }

  @Test
  void rootParamsTakeTheSourceSetAroundTheCall() {
    JsonObject body = FlattenedParams.unflatten(FlattenedParamsTest.form("Flag", "true"));
    assertThat(new Params(body).source()).isEqualTo(Params.Source.JSON);
    Boolean read =
        Params.readingFrom(Params.Source.FORM, () -> new Params(body).optBoolean("Flag"));
    assertThat(read).isTrue();
    assertThat(new Params(body).source()).isEqualTo(Params.Source.JSON);
    formatError(() -> new Params(body).optBoolean("Flag"), "Flag");
  }
}
