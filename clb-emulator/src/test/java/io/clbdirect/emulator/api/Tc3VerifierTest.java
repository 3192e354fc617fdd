package io.clbdirect.emulator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The published test vectors and every way a signature can be wrong. */
class Tc3VerifierTest {

  static final String BODY = "{\"LoadBalancerIds\":[\"lb-12345678\"]}";
  static final long TS = 1700000000L;

  static Tc3Verifier.SignedRequest request(
      String host, String service, String signature, String body, long ts) {
    Map<String, String> headers = new HashMap<>();
    headers.put("content-type", "application/json; charset=utf-8");
    headers.put("host", host);
    headers.put("x-tc-timestamp", Long.toString(ts));
    headers.put(
        "authorization",
        "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/"
            + service
            + "/tc3_request, SignedHeaders=content-type;host, Signature="
            + signature);
    return new Tc3Verifier.SignedRequest(
        "POST", "/", "", headers, body.getBytes(StandardCharsets.UTF_8));
  }

  final Tc3Verifier verifier = new Tc3Verifier(Map.of("AKIDEXAMPLE", "SECRETEXAMPLE"));

  @ParameterizedTest
  @CsvSource({
    "clb.tencentcloudapi.com, clb, 36c7f28ab3ff37476a67e07bb04f565b58ac979d403975347c8921968b29857a",
    "127.0.0.1:18080,         127, 84c58dbb2e25bcca546c13f51c4120d1f7ad54a4d3b0240c00fe369120233513",
  })
  void acceptsTheReferenceVectors(String host, String service, String signature) {
    verifier.verify(request(host, service, signature, BODY, TS), Instant.ofEpochSecond(TS + 10));
  }

  @Test
  void tamperedBodyFails() {
    assertThatThrownBy(
            () ->
                verifier.verify(
                    request(
                        "127.0.0.1:18080",
                        "127",
                        "84c58dbb2e25bcca546c13f51c4120d1f7ad54a4d3b0240c00fe369120233513",
                        BODY.replace("1234", "9999"),
                        TS),
                    Instant.ofEpochSecond(TS)))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.code()).isEqualTo("AuthFailure.SignatureFailure"));
  }

  @Test
  void wrongKeyFails() {
    Tc3Verifier other = new Tc3Verifier(Map.of("AKIDEXAMPLE", "ANOTHERKEY"));
    assertThatThrownBy(
            () ->
                other.verify(
                    request(
                        "127.0.0.1:18080",
                        "127",
                        "84c58dbb2e25bcca546c13f51c4120d1f7ad54a4d3b0240c00fe369120233513",
                        BODY,
                        TS),
                    Instant.ofEpochSecond(TS)))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.code()).isEqualTo("AuthFailure.SignatureFailure"));
  }

  @Test
  void staleOrFutureTimestampsExpire() {
    Tc3Verifier.SignedRequest valid =
        request(
            "127.0.0.1:18080",
            "127",
            "84c58dbb2e25bcca546c13f51c4120d1f7ad54a4d3b0240c00fe369120233513",
            BODY,
            TS);
    assertThatThrownBy(() -> verifier.verify(valid, Instant.ofEpochSecond(TS + 301)))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.code()).isEqualTo("AuthFailure.SignatureExpire"));
    assertThatThrownBy(() -> verifier.verify(valid, Instant.ofEpochSecond(TS - 301)))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.code()).isEqualTo("AuthFailure.SignatureExpire"));
    verifier.verify(valid, Instant.ofEpochSecond(TS + 299));
  }

  @Test
  void unknownSecretIdAndMalformedHeaders() {
    Tc3Verifier nobody = new Tc3Verifier(Map.of("AKIDOTHER", "x"));
    assertThatThrownBy(
            () ->
                nobody.verify(
                    request("h", "clb", "0".repeat(64), BODY, TS), Instant.ofEpochSecond(TS)))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.code()).isEqualTo("AuthFailure.SecretIdNotFound"));
    Tc3Verifier.SignedRequest garbled =
        new Tc3Verifier.SignedRequest(
            "POST",
            "/",
            "",
            Map.of("authorization", "Basic Zm9v", "x-tc-timestamp", "1"),
            new byte[0]);
    assertThatThrownBy(() -> verifier.verify(garbled, Instant.ofEpochSecond(1)))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> assertThat(e.code()).isEqualTo("AuthFailure.InvalidAuthorization"));
  }
}
