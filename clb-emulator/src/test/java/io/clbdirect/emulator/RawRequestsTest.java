package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.clbdirect.emulator.IndependentSigner.Scheme;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TC3 over GET and v1 over GET and POST from {@link IndependentSigner}, a client written from
 * Tencent's documents rather than from the emulator or the SDK; every way such a request can be
 * wrong; and the shapes the API refuses.
 */
class RawRequestsTest extends EmulatorFixture {

  IndependentSigner signer() {
    return new IndependentSigner(clb.endpoint(), ID, KEY);
  }

  static Map<String, String> params(String... pairs) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      params.put(pairs[i], pairs[i + 1]);
    }
    return params;
  }

  static void assertError(JsonObject response, String code, String... mentioned) {
    assertThat(error(response)).as(response.toString()).isEqualTo(code);
    String message = response.getAsJsonObject("Error").get("Message").getAsString();
    for (String text : mentioned) {
      assertThat(message).contains(text);
    }
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void signedFromTheDocumentsAlone(Scheme scheme) throws Exception {
    String lb = createLoadBalancer("raw-" + scheme.name().toLowerCase());
    // Unsorted names, and values that need URL encoding (':', '/', ' ').
    Map<String, String> describe =
        params(
            "Limit",
            "5",
            "Filters.0.Values.0",
            "test",
            "LoadBalancerIds.0",
            lb,
            "Filters.0.Name",
            "tag:clb-direct.io/cluster",
            "Offset",
            "0");
    JsonObject found = signer().call(scheme, "DescribeLoadBalancers", describe);
    assertThat(found.get("TotalCount").getAsInt()).as(found.toString()).isEqualTo(1);
    assertThat(
            found
                .getAsJsonArray("LoadBalancerSet")
                .get(0)
                .getAsJsonObject()
                .get("LoadBalancerId")
                .getAsString())
        .isEqualTo(lb);

    JsonObject named =
        signer()
            .call(
                scheme,
                "DescribeLoadBalancers",
                params("LoadBalancerName", "raw " + scheme + " & co"));
    assertThat(named.get("TotalCount").getAsInt()).as(named.toString()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void everyBadSignatureIsRefused(Scheme scheme) throws Exception {
    Map<String, String> limit = params("Limit", "1");
    Instant now = Instant.now();
    assertError(
        signer()
            .call(
                scheme,
                "DescribeLoadBalancers",
                limit,
                limit,
                now.minus(Duration.ofMinutes(6)),
                true),
        "AuthFailure.SignatureExpire");
    assertError(
        signer()
            .call(
                scheme,
                "DescribeLoadBalancers",
                limit,
                limit,
                now.plus(Duration.ofMinutes(6)),
                true),
        "AuthFailure.SignatureExpire");
    assertError(
        signer().withSecretId("AKIDunknown").call(scheme, "DescribeLoadBalancers", limit),
        "AuthFailure.SecretIdNotFound");
    assertError(
        signer().withKey("not-the-key").call(scheme, "DescribeLoadBalancers", limit),
        "AuthFailure.SignatureFailure");
    assertError(
        signer()
            .signingHost("clb.tencentcloudapi.com")
            .call(scheme, "DescribeLoadBalancers", limit),
        "AuthFailure.SignatureFailure");
    assertError(
        signer().call(scheme, "DescribeLoadBalancers", limit, params("Limit", "2"), now, true),
        "AuthFailure.SignatureFailure");
    JsonObject unsigned = signer().call(scheme, "DescribeLoadBalancers", limit, limit, now, false);
    if (scheme == Scheme.TC3_GET) {
      assertError(unsigned, "AuthFailure.InvalidAuthorization", "Authorization");
    } else {
      assertError(unsigned, "MissingParameter", "`Signature`");
    }
    assertError(signer().call(scheme, "NoSuchAction", limit), "InvalidAction");
  }

  @Test
  void v1CommonParametersAreChecked() throws Exception {
    Map<String, String> none = Map.of();
    Map<String, String> common =
        params(
            "Action",
            "DescribeQuota",
            "Version",
            "2018-03-17",
            "Timestamp",
            Long.toString(Instant.now().getEpochSecond()),
            "Nonce",
            "12",
            "SecretId",
            ID,
            "SignatureMethod",
            "HmacSHA1");
    assertThat(signer().v1("POST", common, none, none, true).has("QuotaSet")).isTrue();
    Map<String, String> withoutMethod = new LinkedHashMap<>(common);
    withoutMethod.remove("SignatureMethod");
    assertThat(signer().v1("GET", withoutMethod, none, none, true).has("QuotaSet"))
        .as("HmacSHA1 is the default")
        .isTrue();

    for (String name : new String[] {"Action", "SecretId", "Timestamp", "Nonce", "Version"}) {
      Map<String, String> without = new LinkedHashMap<>(common);
      without.remove(name);
      assertError(
          signer().v1("POST", without, none, none, true), "MissingParameter", "`" + name + "`");
    }
    Map<String, String> spoiled = new LinkedHashMap<>(common);
    spoiled.put("Version", "2017-03-12");
    assertError(signer().v1("GET", spoiled, none, none, true), "NoSuchVersion");
    spoiled = new LinkedHashMap<>(common);
    spoiled.put("SignatureMethod", "HmacMD5");
    assertError(signer().v1("GET", spoiled, none, none, true), "InvalidParameterValue", "HmacMD5");
    spoiled = new LinkedHashMap<>(common);
    spoiled.put("Nonce", "twelve");
    assertError(
        signer().v1("GET", spoiled, none, none, true),
        "InvalidParameter",
        "Parameter `Nonce` type error.");
  }

  @Test
  void flattenedValuesAreTypedAndWhole() throws Exception {
    String lb = createLoadBalancer("typed");
    String web = createListener(lb, "HTTP", 80, null);
    IndependentSigner signer = signer();
    assertError(
        signer.call(Scheme.V1_POST, "DescribeLoadBalancers", params("Limit", "ten")),
        "InvalidParameter.FormatError",
        "`Limit`");
    assertError(
        signer.call(
            Scheme.TC3_GET,
            "CreateListener",
            params("LoadBalancerId", lb, "Protocol", "TCP", "Ports.0", "81.5")),
        "InvalidParameter.FormatError",
        "`Ports`");
    assertError(
        signer.call(
            Scheme.V1_GET,
            "CreateRule",
            params(
                "LoadBalancerId",
                lb,
                "ListenerId",
                web,
                "Rules.0.Domain",
                "a.example.com",
                "Rules.0.Url",
                "/",
                "Rules.0.DefaultServer",
                "yes")),
        "InvalidParameter.FormatError",
        "`DefaultServer`");
    assertError(
        signer.call(
            Scheme.V1_POST,
            "DescribeLoadBalancers",
            params("LoadBalancerIds.0", lb, "LoadBalancerIds.2", lb)),
        "InvalidParameter.FormatError",
        "`LoadBalancerIds.2`");
    assertError(
        signer.call(
            Scheme.TC3_GET,
            "DescribeLoadBalancers",
            params("Filters.0.Name", "tag-key", "Filters.Name", "x")),
        "InvalidParameter.FormatError",
        "`Filters.Name`");

    // The same CreateRule, well typed, takes effect.
    JsonObject created =
        signer.call(
            Scheme.V1_POST,
            "CreateRule",
            params(
                "LoadBalancerId",
                lb,
                "ListenerId",
                web,
                "Rules.0.Domain",
                "a.example.com",
                "Rules.0.Url",
                "/",
                "Rules.0.DefaultServer",
                "true",
                "Rules.0.SessionExpireTime",
                "30"));
    assertThat(await(created.get("RequestId").getAsString())).as(created.toString()).isZero();
    String location = created.getAsJsonArray("LocationIds").get(0).getAsString();
    assertThat(describeRule(lb, web, location).getDefaultServer()).isTrue();
  }

  @Test
  void shapesTheApiDoesNotServeAreRefusedByName() throws Exception {
    IndependentSigner signer = signer();
    assertError(
        signer.send(
            HttpRequest.newBuilder(signer.uri("/")).PUT(HttpRequest.BodyPublishers.ofString("{}"))),
        "UnsupportedProtocol",
        "PUT",
        "GET and POST");
    assertError(
        signer.send(HttpRequest.newBuilder(signer.uri("/v2/clb")).GET()),
        "UnsupportedOperation",
        "`/v2/clb`");
    assertError(
        signer.send(
            HttpRequest.newBuilder(signer.uri("/"))
                .header("Content-Type", "multipart/form-data; boundary=x")
                .header("X-TC-Action", "DescribeQuota")
                .POST(HttpRequest.BodyPublishers.ofString("--x--\r\n"))),
        "UnsupportedOperation",
        "multipart/form-data",
        "Served:");
    assertError(
        signer.send(
            HttpRequest.newBuilder(signer.uri("/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-TC-Action", "DescribeQuota")
                .header("Authorization", "TC3-HMAC-SHA256 Credential=x")
                .POST(HttpRequest.BodyPublishers.ofString("Limit=1"))),
        "UnsupportedOperation",
        "TC3-HMAC-SHA256 over POST");
    assertError(
        signer.send(
            HttpRequest.newBuilder(signer.uri("/"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"SignatureMethod\":\"HmacSHA1\",\"Signature\":\"x\"}"))),
        "UnsupportedOperation",
        "v1 signature");
    assertError(
        signer.send(
            HttpRequest.newBuilder(signer.uri("/"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("Action=DescribeQuota"))),
        "UnsupportedOperation",
        "text/plain");
    assertError(
        signer.send(
            HttpRequest.newBuilder(signer.uri("/?Limit=1"))
                .header("Content-Type", "application/json")
                .header("X-TC-Action", "DescribeQuota")
                .GET()),
        "UnsupportedOperation",
        "application/json",
        "TC3-HMAC-SHA256 over GET");
    assertError(
        signer.send(
            HttpRequest.newBuilder(signer.uri("/?Action=DescribeQuota"))
                .method("GET", HttpRequest.BodyPublishers.ofString("Limit=1"))),
        "UnsupportedOperation",
        "query string");
    assertError(
        signer.send(
            HttpRequest.newBuilder(signer.uri("/?Action=DescribeQuota"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("Limit=1"))),
        "UnsupportedOperation",
        "query string was sent too");
    assertError(
        signer.call(
            Scheme.V1_GET,
            "DescribeLoadBalancers",
            params("LoadBalancerName", "x".repeat(33 * 1024))),
        "RequestSizeLimitExceeded");
    // The JSON POST path is as before: no X-TC-Action, no v1 markers.
    assertError(
        signer.send(
            HttpRequest.newBuilder(signer.uri("/"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))),
        "MissingParameter",
        "X-TC-Action");
  }
}
