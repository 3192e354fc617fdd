package io.clbdirect.core.tkeconfig;

import static io.clbdirect.core.tkeconfig.Examples.at;
import static io.clbdirect.core.tkeconfig.Examples.full;
import static io.clbdirect.core.tkeconfig.Examples.json;
import static io.clbdirect.core.tkeconfig.Examples.withLoadBalancer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.internal.LazilyParsedNumber;
import io.clbdirect.core.tkeconfig.ClbSettings.ForwardType;
import io.clbdirect.core.tkeconfig.ClbSettings.Scheduler;
import io.clbdirect.core.tkeconfig.HealthCheck.HttpCheckMethod;
import io.clbdirect.core.tkeconfig.TkeServiceConfigParser.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

class TkeServiceConfigParserTest {

  private static final String L4 = "spec.loadBalancer.l4Listeners";
  private static final String L7 = "spec.loadBalancer.l7Listeners";

  private static List<String> errors(JsonObject resource) {
    Result result = TkeServiceConfigParser.parse(resource);
    assertThat(result.isValid()).isFalse();
    assertThat(result.spec()).isNull();
    return result.errors();
  }

  private static TkeServiceConfigSpec valid(JsonObject resource) {
    Result result = TkeServiceConfigParser.parse(resource);
    assertThat(result.errors()).isEmpty();
    assertThat(result.isValid()).isTrue();
    return result.spec();
  }

  @Test
  void readsEveryFieldOfTheFullExample() {
    TkeServiceConfigSpec expected =
        new TkeServiceConfigSpec(
            List.of(
                new L4Listener(
                    L4Listener.Protocol.TCP,
                    80,
                    new ClbSettings(
                        new HealthCheck(true, 10, 2, 3, 5, null, null, null, null),
                        new Session(true, 3600),
                        Scheduler.LEAST_CONN,
                        null)),
                new L4Listener(
                    L4Listener.Protocol.UDP,
                    53,
                    new ClbSettings(
                        new HealthCheck(false, null, null, null, null, null, null, null, null),
                        new Session(false, null),
                        null,
                        null))),
            List.of(
                new L7Listener(
                    L7Listener.Protocol.HTTP,
                    80,
                    List.of(
                        new L7Listener.Domain(
                            "shop.example.com",
                            List.of(
                                new L7Listener.Rule(
                                    "/api",
                                    new ClbSettings(
                                        new HealthCheck(
                                            true,
                                            300,
                                            10,
                                            10,
                                            60,
                                            31,
                                            "/healthz",
                                            "health.example.com",
                                            HttpCheckMethod.GET),
                                        new Session(true, 30),
                                        Scheduler.IP_HASH,
                                        ForwardType.HTTPS)))),
                        new L7Listener.Domain(
                            "",
                            List.of(
                                new L7Listener.Rule(
                                    "/",
                                    new ClbSettings(null, new Session(true, null), null, null)))))),
                new L7Listener(
                    L7Listener.Protocol.HTTPS,
                    443,
                    List.of(
                        new L7Listener.Domain(
                            "",
                            List.of(
                                new L7Listener.Rule(
                                    "/", new ClbSettings(null, null, null, null))))))));

    assertThat(valid(full())).isEqualTo(expected);
  }

  @Test
  void fieldsClbDirectDoesNotApplyAreIgnored() {
    JsonObject resource = full();
    at(resource, "spec.loadBalancer").addProperty("internetMaxBandwidthOut", 100);
    at(resource, L7 + "[0]").addProperty("keepaliveEnable", 1);
    at(resource, L7 + "[0].domains[0].rules[0]").addProperty("defaultServer", true);
    at(resource, L7 + "[0].domains[0].rules[0].healthCheck").addProperty("sourceIpType", 1);
    at(resource, L4 + "[0].healthCheck").addProperty("checkType", "TCP");
    resource.add("status", new JsonObject());

    assertThat(valid(resource)).isEqualTo(valid(full()));
  }

  @Test
  void httpFieldsOfAnL4HealthCheckAreIgnoredBecauseTkesL4ChecksAreTcp() {
    TkeServiceConfigSpec spec =
        valid(
            withLoadBalancer(
                """
                {"l4Listeners": [{"protocol": "TCP", "port": 80,
                  "healthCheck": {"enable": true, "httpCheckPath": "no-slash", "httpCode": 99}}]}
                """));

    assertThat(spec.l4Listeners().get(0).settings().healthCheck())
        .isEqualTo(new HealthCheck(true, null, null, null, null, null, null, null, null));
  }

  @Test
  void anAbsentSpecOrLoadBalancerIsAnEmptyConfig() {
    TkeServiceConfigSpec empty = new TkeServiceConfigSpec(List.of(), List.of());
    assertThat(valid(json("{\"metadata\": {\"name\": \"x\"}}"))).isEqualTo(empty);
    assertThat(valid(json("{\"spec\": {}}"))).isEqualTo(empty);
    assertThat(valid(withLoadBalancer("{}"))).isEqualTo(empty);
    assertThat(valid(withLoadBalancer("{\"l4Listeners\": [], \"l7Listeners\": []}")))
        .isEqualTo(empty);
  }

  @Test
  void anAbsentDomainIsTheVipAndAbsentListsAreEmpty() {
    TkeServiceConfigSpec spec =
        valid(
            withLoadBalancer(
                """
                {"l7Listeners": [{"protocol": "HTTP", "port": 80, "domains": [{"rules": [{"url": "/"}]}, {}]},
                                 {"protocol": "HTTPS", "port": 443}]}
                """));

    assertThat(spec.l7Listeners().get(0).domains())
        .extracting(L7Listener.Domain::domain)
        .containsExactly("", "");
    assertThat(spec.l7Listeners().get(0).domains().get(1).rules()).isEmpty();
    assertThat(spec.l7Listeners().get(1).domains()).isEmpty();
  }

  @Test
  void jsonNullIsNotSetLikeTheApiServerPrunesIt() {
    TkeServiceConfigSpec spec =
        valid(
            withLoadBalancer(
                """
                {"l7Listeners": null,
                 "l4Listeners": [{"protocol": "TCP", "port": 80, "scheduler": null, "session": null,
                                  "healthCheck": {"enable": true, "timeout": null}}]}
                """));

    assertThat(spec.l7Listeners()).isEmpty();
    assertThat(spec.l4Listeners().get(0).settings())
        .isEqualTo(
            new ClbSettings(
                new HealthCheck(true, null, null, null, null, null, null, null, null),
                null,
                null,
                null));
  }

  @Test
  void aWholeNumberWrittenWithAFractionIsAnInteger() {
    JsonObject resource = full();
    at(resource, L4 + "[0]").add("port", new JsonPrimitive(new LazilyParsedNumber("8080.0")));

    assertThat(valid(resource).l4Listeners().get(0).port()).isEqualTo(8080);
  }

  @Test
  void outOfRangeNamesTheFieldTheValueAndTheRange() {
    JsonObject resource = full();
    at(resource, L4 + "[1]").add("healthCheck", json("{\"enable\": true, \"timeout\": 70}"));

    assertThat(errors(resource))
        .containsExactly(
            "spec.loadBalancer.l4Listeners[1].healthCheck.timeout: 70 is out of range 2–60");
  }

  @Test
  void aTimeoutNoShorterThanTheIntervalIsRefusedAsTheClbWould() {
    JsonObject resource = full();
    at(resource, L4 + "[1]")
        .add("healthCheck", json("{\"enable\": true, \"timeout\": 10, \"intervalTime\": 10}"));

    assertThat(errors(resource))
        .containsExactly(
            "spec.loadBalancer.l4Listeners[1].healthCheck.timeout: 10 must be less than intervalTime 10");
  }

  @Test
  void outOfRangeShowsTheNumberAsWritten() {
    JsonObject resource = full();
    at(resource, L4 + "[0]").add("port", new JsonPrimitive(new LazilyParsedNumber("1e400")));
    at(resource, L4 + "[1].session").addProperty("sessionExpireTime", -30);

    assertThat(errors(resource))
        .containsExactly(
            "spec.loadBalancer.l4Listeners[0].port: 1e400 is out of range 1–65535",
            "spec.loadBalancer.l4Listeners[1].session.sessionExpireTime: -30 is out of range 30–3600");
  }

  @Test
  void wrongTypesSayWhatWasExpectedAndWhatCame() {
    JsonObject resource = full();
    at(resource, L4 + "[0]").addProperty("port", "80");
    at(resource, L4 + "[0].healthCheck").addProperty("enable", "yes");
    at(resource, L4 + "[0].healthCheck").addProperty("timeout", 5.5);
    at(resource, L4 + "[1]").add("session", new JsonArray());
    at(resource, L7 + "[0].domains[0]").addProperty("domain", 1);
    at(resource, L7 + "[0].domains[0].rules[0]").add("url", new JsonObject());
    at(resource, L7 + "[1]").add("domains", new JsonObject());

    assertThat(errors(resource))
        .containsExactly(
            "spec.loadBalancer.l4Listeners[0].port: must be an integer, got \"80\"",
            "spec.loadBalancer.l4Listeners[0].healthCheck.enable: must be true or false, got \"yes\"",
            "spec.loadBalancer.l4Listeners[0].healthCheck.timeout: must be an integer, got 5.5",
            "spec.loadBalancer.l4Listeners[1].session: must be an object, got a list",
            "spec.loadBalancer.l7Listeners[0].domains[0].domain: must be a string, got 1",
            "spec.loadBalancer.l7Listeners[0].domains[0].rules[0].url: must be a string, got an object",
            "spec.loadBalancer.l7Listeners[1].domains: must be a list, got an object");
  }

  @Test
  void wrongShapesHigherUpAreReportedToo() {
    assertThat(errors(json("{\"spec\": []}")))
        .containsExactly("spec: must be an object, got a list");
    assertThat(errors(json("{\"spec\": {\"loadBalancer\": \"lb-1\"}}")))
        .containsExactly("spec.loadBalancer: must be an object, got \"lb-1\"");
    assertThat(errors(withLoadBalancer("{\"l4Listeners\": {\"protocol\": \"TCP\"}}")))
        .containsExactly("spec.loadBalancer.l4Listeners: must be a list, got an object");
    assertThat(errors(withLoadBalancer("{\"l4Listeners\": [\"TCP:80\", null]}")))
        .containsExactly(
            "spec.loadBalancer.l4Listeners[0]: must be an object, got \"TCP:80\"",
            "spec.loadBalancer.l4Listeners[1]: must be an object, got null");
  }

  @Test
  void numbersGsonCannotHoldAreWrongTypesNotCrashes() {
    JsonObject resource = full();
    at(resource, L4 + "[0]").add("port", new JsonPrimitive(Double.NaN));
    at(resource, L4 + "[1]").add("port", new JsonPrimitive(Double.POSITIVE_INFINITY));
    at(resource, L7 + "[0]").add("port", new JsonPrimitive(new LazilyParsedNumber("1e999999999")));

    assertThat(errors(resource))
        .containsExactly(
            "spec.loadBalancer.l4Listeners[0].port: must be an integer, got NaN",
            "spec.loadBalancer.l4Listeners[1].port: must be an integer, got Infinity",
            "spec.loadBalancer.l7Listeners[0].port: must be an integer, got 1e999999999");
  }

  @Test
  void missingRequiredFields() {
    JsonObject resource = full();
    at(resource, L4 + "[0]").remove("protocol");
    at(resource, L4 + "[0]").add("port", JsonNull.INSTANCE);
    at(resource, L4 + "[0].healthCheck").remove("enable");
    at(resource, L4 + "[1].session").remove("enable");
    at(resource, L7 + "[0]").remove("port");
    at(resource, L7 + "[0].domains[0].rules[0]").remove("url");

    assertThat(errors(resource))
        .containsExactly(
            "spec.loadBalancer.l4Listeners[0].protocol: is required",
            "spec.loadBalancer.l4Listeners[0].port: is required",
            "spec.loadBalancer.l4Listeners[0].healthCheck.enable: is required",
            "spec.loadBalancer.l4Listeners[1].session.enable: is required",
            "spec.loadBalancer.l7Listeners[0].port: is required",
            "spec.loadBalancer.l7Listeners[0].domains[0].rules[0].url: is required");
  }

  @Test
  void valuesOutsideTheirEnumListTheAllowedOnes() {
    JsonObject resource = full();
    at(resource, L4 + "[0]").addProperty("protocol", "SCTP");
    at(resource, L4 + "[1]").addProperty("scheduler", "IP_HASH");
    at(resource, L7 + "[0]").addProperty("protocol", "tcp");
    at(resource, L7 + "[0].domains[0].rules[0]").addProperty("forwardType", "GRPC");
    at(resource, L7 + "[0].domains[0].rules[0]").addProperty("scheduler", "wrr");
    at(resource, L7 + "[0].domains[0].rules[0].healthCheck").addProperty("httpCheckMethod", "POST");

    assertThat(errors(resource))
        .containsExactly(
            "spec.loadBalancer.l4Listeners[0].protocol: \"SCTP\" is not one of TCP, UDP",
            "spec.loadBalancer.l4Listeners[1].scheduler: \"IP_HASH\" is not one of WRR, LEAST_CONN",
            "spec.loadBalancer.l7Listeners[0].protocol: \"tcp\" is not one of HTTP, HTTPS",
            "spec.loadBalancer.l7Listeners[0].domains[0].rules[0].forwardType: \"GRPC\" is not one of HTTP, HTTPS",
            "spec.loadBalancer.l7Listeners[0].domains[0].rules[0].healthCheck.httpCheckMethod: \"POST\" is not one of HEAD, GET",
            "spec.loadBalancer.l7Listeners[0].domains[0].rules[0].scheduler: \"wrr\" is not one of WRR, LEAST_CONN, IP_HASH");
  }

  @Test
  void checkPathMustStartWithSlashAndUrlMustNotBeEmpty() {
    JsonObject resource = full();
    at(resource, L7 + "[0].domains[0].rules[0].healthCheck")
        .addProperty("httpCheckPath", "healthz");
    at(resource, L7 + "[0].domains[1].rules[0]").addProperty("url", "");

    assertThat(errors(resource))
        .containsExactly(
            "spec.loadBalancer.l7Listeners[0].domains[0].rules[0].healthCheck.httpCheckPath: \"healthz\" must start with \"/\"",
            "spec.loadBalancer.l7Listeners[0].domains[1].rules[0].url: must not be empty");
  }

  @Test
  void duplicateListenersAreTheSameProtocolAndPort() {
    TkeServiceConfigParser.Result result =
        TkeServiceConfigParser.parse(
            withLoadBalancer(
                """
                {"l4Listeners": [{"protocol": "TCP", "port": 80}, {"protocol": "UDP", "port": 80},
                                 {"protocol": "TCP", "port": 80, "scheduler": "WRR"}],
                 "l7Listeners": [{"protocol": "HTTP", "port": 8080}, {"protocol": "HTTPS", "port": 8080},
                                 {"protocol": "HTTPS", "port": 8080}]}
                """));

    assertThat(result.errors())
        .containsExactly(
            "spec.loadBalancer.l4Listeners[2]: duplicates spec.loadBalancer.l4Listeners[0] (TCP 80)",
            "spec.loadBalancer.l7Listeners[2]: duplicates spec.loadBalancer.l7Listeners[1] (HTTPS 8080)");
  }

  @Test
  void duplicateRulesAreTheSameDomainAndUrlOnOneListenerWhicheverEntryHoldsThem() {
    TkeServiceConfigParser.Result result =
        TkeServiceConfigParser.parse(
            withLoadBalancer(
                """
                {"l7Listeners": [
                  {"protocol": "HTTP", "port": 80, "domains": [
                    {"domain": "a.example.com", "rules": [{"url": "/api"}, {"url": "/API"}, {"url": "/api"}]},
                    {"domain": "A.Example.com", "rules": [{"url": "/api"}]},
                    {"rules": [{"url": "/api"}]}, {"domain": "", "rules": [{"url": "/api"}]}]},
                  {"protocol": "HTTPS", "port": 443, "domains": [
                    {"domain": "a.example.com", "rules": [{"url": "/api"}]}]}]}
                """));

    String listener = "spec.loadBalancer.l7Listeners[0]";
    assertThat(result.errors())
        .containsExactly(
            listener
                + ".domains[0].rules[2]: duplicates "
                + listener
                + ".domains[0].rules[0] (domain \"a.example.com\", url \"/api\")",
            listener
                + ".domains[1].rules[0]: duplicates "
                + listener
                + ".domains[0].rules[0] (domain \"A.Example.com\", url \"/api\")",
            listener
                + ".domains[3].rules[0]: duplicates "
                + listener
                + ".domains[2].rules[0] (domain \"\", url \"/api\")");
  }

  @Test
  void aMissingResourceIsAnErrorNotAnException() {
    assertThat(TkeServiceConfigParser.parse(null).errors())
        .containsExactly("the resource is missing");
  }

  @Test
  void aResultHasASpecOrErrors() {
    TkeServiceConfigSpec spec = new TkeServiceConfigSpec(List.of(), List.of());
    assertThatThrownBy(() -> new Result(spec, List.of("x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Result(null, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
