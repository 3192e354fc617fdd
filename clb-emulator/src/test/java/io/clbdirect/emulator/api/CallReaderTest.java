package io.clbdirect.emulator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tencent's published GET examples, read whole: shape, signature, action, version and parameters.
 */
class CallReaderTest {

  final CallReader reader = new CallReader(Map.of(V1VerifierTest.DOC_ID, V1VerifierTest.DOC_KEY));

  static IncomingRequest request(
      String method, String query, Map<String, String> headers, String body) {
    Map<String, String> lower = new HashMap<>();
    headers.forEach((name, value) -> lower.put(name.toLowerCase(java.util.Locale.ROOT), value));
    return new IncomingRequest(method, "/", query, lower, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The TC3 GET example of the "签名方法 v3" page as first published (CVM DescribeInstances,
   * Limit=10&Offset=0, timestamp 1539084154; its Korean edition still carries it): signature
   * 5da7a33f...c474. The page's canonical-request block names host cvm.api.tencentyun.com, a typo:
   * the signature is for the Host header it shows, cvm.tencentcloudapi.com.
   */
  @Test
  void readsThePublishedTc3GetExample() {
    Map<String, String> headers =
        Map.of(
            "Authorization",
                "TC3-HMAC-SHA256 Credential="
                    + V1VerifierTest.DOC_ID
                    + "/2018-10-09/cvm/tc3_request, "
                    + "SignedHeaders=content-type;host, Signature=5da7a33f6993f0614b047e5df4582db9e9bf4672ba50567dba16c6ccf174c474",
            "Content-Type", "application/x-www-form-urlencoded",
            "Host", "cvm.tencentcloudapi.com",
            "X-TC-Action", "DescribeInstances",
            "X-TC-Version", "2017-03-12",
            "X-TC-Timestamp", "1539084154",
            "X-TC-Region", "ap-guangzhou");
    ApiCall call =
        reader.read(
            request("GET", "Limit=10&Offset=0", headers, ""), Instant.ofEpochSecond(1539084154));
    assertThat(call.action()).isEqualTo("DescribeInstances");
    assertThat(call.version()).isEqualTo("2017-03-12");
    assertThat(call.source()).isEqualTo(Params.Source.FORM);
    assertThat(call.params().get())
        .isEqualTo(JsonParser.parseString("{\"Limit\":\"10\",\"Offset\":\"0\"}"));

    // The query is signed as received: the same parameters in another order are another signature.
    assertThatThrownBy(
            () ->
                reader.read(
                    request("GET", "Offset=0&Limit=10", headers, ""),
                    Instant.ofEpochSecond(1539084154)))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.code()).isEqualTo("AuthFailure.SignatureFailure"));
  }

  /** The v1 example of the "签名方法 v1" page (see V1VerifierTest), sent as its final URL. */
  @Test
  void readsThePublishedV1GetExample() {
    String query =
        "Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou"
            + "&SecretId="
            + V1VerifierTest.DOC_ID
            + "&Signature=EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D&Timestamp=1465185768"
            + "&Version=2017-03-12";
    ApiCall call =
        reader.read(
            request("GET", query, Map.of("Host", "cvm.tencentcloudapi.com"), ""),
            Instant.ofEpochSecond(1465185768));
    assertThat(call.action()).isEqualTo("DescribeInstances");
    assertThat(call.version()).isEqualTo("2017-03-12");
    assertThat(call.params().get())
        .as("common parameters stripped")
        .isEqualTo(
            JsonParser.parseString(
                "{\"InstanceIds\":[\"ins-09dx96dg\"],\"Limit\":\"20\",\"Offset\":\"0\"}"));

    // As a form POST the same parameters sign "POST..." and fail; the Host header is what is
    // signed.
    assertThatThrownBy(
            () ->
                reader.read(
                    request(
                        "POST",
                        null,
                        Map.of(
                            "Host",
                            "cvm.tencentcloudapi.com",
                            "Content-Type",
                            "application/x-www-form-urlencoded; charset=utf-8"),
                        query),
                    Instant.ofEpochSecond(1465185768)))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.code()).isEqualTo("AuthFailure.SignatureFailure"));
    assertThatThrownBy(
            () ->
                reader.read(
                    request("GET", query, Map.of("Host", "cvm.tencentcloudapi.com:443"), ""),
                    Instant.ofEpochSecond(1465185768)))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.code()).isEqualTo("AuthFailure.SignatureFailure"));
  }

  @Test
  void shapesAreToldApartByMethodContentTypeAndWhereTheSignatureIs() {
    Map<String, String> tc3 =
        Map.of(
            "Authorization",
            "TC3-HMAC-SHA256 x",
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(RequestShape.of(request("GET", "a=1", tc3, "")))
        .isEqualTo(RequestShape.TC3_GET_QUERY);
    assertThat(RequestShape.of(request("GET", "a=1", Map.of(), "")))
        .isEqualTo(RequestShape.V1_GET_QUERY);
    assertThat(
            RequestShape.of(
                request(
                    "POST", null, Map.of("Content-Type", "application/json; charset=utf-8"), "{}")))
        .isEqualTo(RequestShape.TC3_POST_JSON);
    assertThat(
            RequestShape.of(
                request(
                    "POST",
                    null,
                    Map.of("Content-Type", "Application/X-WWW-Form-Urlencoded"),
                    "a=1")))
        .isEqualTo(RequestShape.V1_POST_FORM);
    assertThatThrownBy(() -> RequestShape.of(request("DELETE", null, Map.of(), "")))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.code()).isEqualTo("UnsupportedProtocol"));
    assertThatThrownBy(() -> RequestShape.of(request("POST", null, Map.of(), "a=1")))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.code()).isEqualTo("UnsupportedOperation");
              assertThat(e.getMessage()).contains("POST / without a Content-Type", "Served:");
            });
  }
}
