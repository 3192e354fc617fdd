package io.clbdirect.emulator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The documented v1 test vector and every way a v1 request can fail verification. */
class V1VerifierTest {

  static final String DOC_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
  static final String DOC_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

  /** The parameters of the example on Tencent's "Signature" (签名方法 v1) page, §2.1. */
  static Map<String, String> documentedParams() {
    Map<String, String> params = new HashMap<>();
    params.put("Action", "DescribeInstances");
    params.put("InstanceIds.0", "ins-09dx96dg");
    params.put("Limit", "20");
    params.put("Nonce", "11886");
    params.put("Offset", "0");
    params.put("Region", "ap-guangzhou");
    params.put("SecretId", DOC_ID);
    params.put("Timestamp", "1465185768");
    params.put("Version", "2017-03-12");
    return params;
  }

  /**
   * Tencent Cloud API "Signature" page (签名方法 v1), §2.1-2.4, e.g.
   * https://www.tencentcloud.com/document/api/1278/73613 (its Markdown source in
   * tencentyun/qcloud-documents spells out the EXAMPLE SecretId and key): CVM DescribeInstances
   * over GET, HmacSHA1, gives {@code EliP9YW3pW28FpsEdkXt/+WcGeI=}. (An older revision of the
   * English page printed {@code v9MVG3fopp/gCsLSZ4gMFeYGgDU=}, which this key does not give.)
   */
  @Test
  void reproducesTheDocumentedExample() {
    String plain =
        V1Verifier.stringToSign("GET", "cvm.tencentcloudapi.com", "/", documentedParams());
    assertThat(plain)
        .isEqualTo(
            "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20"
                + "&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768"
                + "&Version=2017-03-12");
    assertThat(V1Verifier.sign(DOC_KEY, "HmacSHA1", plain))
        .isEqualTo("EliP9YW3pW28FpsEdkXt/+WcGeI=");

    Map<String, String> signed = documentedParams();
    signed.put("Signature", "EliP9YW3pW28FpsEdkXt/+WcGeI=");
    new V1Verifier(Map.of(DOC_ID, DOC_KEY))
        .verify("GET", "cvm.tencentcloudapi.com", "/", signed, Instant.ofEpochSecond(1465185768));
  }

  final V1Verifier verifier = new V1Verifier(Map.of(DOC_ID, DOC_KEY));
  final Instant signedAt = Instant.ofEpochSecond(1465185768);

  Map<String, String> signed(String method, String algorithm) {
    Map<String, String> params = documentedParams();
    if (algorithm != null) {
      params.put("SignatureMethod", algorithm);
    }
    params.put(
        "Signature",
        V1Verifier.sign(
            DOC_KEY,
            algorithm == null ? "HmacSHA1" : algorithm,
            V1Verifier.stringToSign(method, "127.0.0.1:18080", "/", params)));
    return params;
  }

  void fails(Map<String, String> params, Instant now, String code, String mentioned) {
    assertThatThrownBy(() -> verifier.verify("POST", "127.0.0.1:18080", "/", params, now))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.getMessage()).contains(mentioned);
            });
  }

  @Test
  void acceptsBothAlgorithmsAndTheDefault() {
    verifier.verify("POST", "127.0.0.1:18080", "/", signed("POST", "HmacSHA256"), signedAt);
    verifier.verify("POST", "127.0.0.1:18080", "/", signed("POST", "HmacSHA1"), signedAt);
    verifier.verify(
        "POST", "127.0.0.1:18080", "/", signed("POST", null), signedAt.plusSeconds(300));
  }

  @Test
  void refusesEveryBadSignature() {
    fails(
        signed("POST", "HmacSHA256"),
        signedAt.plusSeconds(301),
        "AuthFailure.SignatureExpire",
        "expired");
    fails(
        signed("POST", "HmacSHA256"),
        signedAt.minusSeconds(360),
        "AuthFailure.SignatureExpire",
        "expired");
    fails(signed("GET", "HmacSHA256"), signedAt, "AuthFailure.SignatureFailure", "signature");

    Map<String, String> tampered = signed("POST", "HmacSHA1");
    tampered.put("Limit", "21");
    fails(tampered, signedAt, "AuthFailure.SignatureFailure", "signature");
    Map<String, String> switched = signed("POST", "HmacSHA1");
    switched.put("SignatureMethod", "HmacSHA256");
    fails(switched, signedAt, "AuthFailure.SignatureFailure", "signature");
    Map<String, String> unknown = signed("POST", "HmacSHA1");
    unknown.put("SecretId", "AKIDnobody");
    fails(unknown, signedAt, "AuthFailure.SecretIdNotFound", "SecretId");
    assertThatThrownBy(
            () ->
                new V1Verifier(Map.of(DOC_ID, "another-key"))
                    .verify("POST", "127.0.0.1:18080", "/", signed("POST", "HmacSHA1"), signedAt))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.code()).isEqualTo("AuthFailure.SignatureFailure"));
  }

  @Test
  void refusesMissingAndMalformedCommonParameters() {
    for (String name : new String[] {"SecretId", "Timestamp", "Nonce", "Signature"}) {
      Map<String, String> params = signed("POST", "HmacSHA1");
      params.remove(name);
      fails(params, signedAt, "MissingParameter", "`" + name + "`");
    }
    Map<String, String> nonce = signed("POST", "HmacSHA1");
    nonce.put("Nonce", "abc");
    fails(nonce, signedAt, "InvalidParameter", "Parameter `Nonce` type error.");
    Map<String, String> timestamp = signed("POST", "HmacSHA1");
    timestamp.put("Timestamp", "2016-06-06T10:00:00Z");
    fails(timestamp, signedAt, "InvalidParameter", "Parameter `Timestamp` type error.");
    Map<String, String> method = signed("POST", "HmacSHA1");
    method.put("SignatureMethod", "HmacMD5");
    fails(method, signedAt, "InvalidParameterValue", "HmacMD5");
  }
}
