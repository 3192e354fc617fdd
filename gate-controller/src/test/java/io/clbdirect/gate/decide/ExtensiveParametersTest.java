package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExtensiveParametersTest {

  static final String ANNOTATION = "service.kubernetes.io/service.extensiveParameters";

  @Test
  void absentOrBlankAsksForNothing() {
    assertThat(ExtensiveParameters.parse(ANNOTATION, null).fields().size()).isZero();
    assertThat(ExtensiveParameters.parse(ANNOTATION, "  ").ok()).isTrue();
  }

  @Test
  void tkeExamplesAreAcceptedAsWritten() {
    ExtensiveParameters.Parsed parsed =
        ExtensiveParameters.parse(
            ANNOTATION,
            "{\"ZoneId\":\"ap-guangzhou-1\",\"VipIsp\":\"CTCC\",\"AddressIPVersion\":\"IPV6\","
                + "\"InternetAccessible\":{\"InternetChargeType\":\"TRAFFIC_POSTPAID_BY_HOUR\",\"InternetMaxBandwidthOut\":10},"
                + "\"SnatPro\":true,\"SnatIps\":[{\"SubnetId\":\"subnet-a\",\"Ip\":\"10.0.0.9\"}]}");

    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.fields().get("ZoneId").getAsString()).isEqualTo("ap-guangzhou-1");
    assertThat(
            parsed
                .fields()
                .getAsJsonObject("InternetAccessible")
                .get("InternetMaxBandwidthOut")
                .getAsLong())
        .isEqualTo(10);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"ZoneId\":                                   | is not valid JSON",
        "[\"ZoneId\"]                                   | must be a JSON object of CreateLoadBalancer fields",
        "{\"Zoneid\":\"ap-guangzhou-1\"}                | Zoneid is not a field of CreateLoadBalancer",
        "{\"ZoneId\":1}                                 | ZoneId must be a string, got 1",
        "{\"SnatPro\":\"true\"}                         | SnatPro must be true or false",
        "{\"ProjectId\":1.5}                            | ProjectId must be an integer, got 1.5",
        "{\"InternetAccessible\":{\"Bandwidth\":1}}     | InternetAccessible.Bandwidth is not a field of InternetAccessible",
        "{\"InternetAccessible\":10}                    | InternetAccessible must be a JSON object",
        "{\"SnatIps\":[{\"Ip\":7}]}                     | SnatIps[0].Ip must be a string",
        "{\"ZoneId\":null}                              | ZoneId is null",
        "{\"VpcId\":\"vpc-other\"}                      | VpcId is set by clb-direct",
        "{\"LoadBalancerType\":\"INTERNAL\"}            | LoadBalancerType is set by clb-direct",
        "{\"SubnetId\":\"subnet-a\"}                    | SubnetId is set by clb-direct",
        "{\"Tags\":[]}                                  | Tags is set by clb-direct",
        "{\"ClientToken\":\"x\"}                        | ClientToken is set by clb-direct",
        "{\"Number\":2}                                 | Number is set by clb-direct",
      })
  void badInputIsRefusedNamingTheFieldAndAcceptsNothing(String value, String expected) {
    ExtensiveParameters.Parsed parsed = ExtensiveParameters.parse(ANNOTATION, value);

    assertThat(parsed.ok()).isFalse();
    assertThat(parsed.fields().size()).as("a refused annotation contributes nothing").isZero();
    assertThat(parsed.problems())
        .anySatisfy(p -> assertThat(p).startsWith(ANNOTATION).contains(expected));
  }

  @Test
  void everyProblemIsReportedNotOnlyTheFirst() {
    ExtensiveParameters.Parsed parsed =
        ExtensiveParameters.parse(ANNOTATION, "{\"VpcId\":\"v\",\"ZoneId\":2,\"Bogus\":true}");

    assertThat(parsed.problems()).hasSize(3);
  }
}
