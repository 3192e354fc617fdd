package io.clbdirect.emulator;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs raw requests from Tencent's published algorithms alone ("签名方法 v3" for TC3-HMAC-SHA256 and
 * "签名方法 v1" for HmacSHA1/HmacSHA256), sharing no code with the emulator's verifiers, and sends them
 * with java.net.http, so the emulator is checked against the documents rather than against itself.
 * {@code signed} is what the signature covers and {@code sent} what goes over the wire; they differ
 * only in tampering tests.
 */
final class IndependentSigner {

  enum Scheme {
    TC3_GET,
    V1_GET,
    V1_POST
  }

  static final String FORM = "application/x-www-form-urlencoded";

  private final String endpoint;
  private final String secretId;
  private final String secretKey;
  private final String signedHost;
  private final HttpClient http = HttpClient.newHttpClient();

  IndependentSigner(String endpoint, String secretId, String secretKey) {
    this(endpoint, secretId, secretKey, endpoint);
  }

  private IndependentSigner(String endpoint, String secretId, String secretKey, String signedHost) {
    this.endpoint = endpoint;
    this.secretId = secretId;
    this.secretKey = secretKey;
    this.signedHost = signedHost;
  }

  IndependentSigner withSecretId(String id) {
    return new IndependentSigner(endpoint, id, secretKey, signedHost);
  }

  IndependentSigner withKey(String key) {
    return new IndependentSigner(endpoint, secretId, key, signedHost);
  }

  /** Signs for another host than the one the request goes to (and names in its Host header). */
  IndependentSigner signingHost(String host) {
    return new IndependentSigner(endpoint, secretId, secretKey, host);
  }

  /** Sends {@code params} signed with {@code scheme} (v1: HmacSHA256) now; returns Response. */
  JsonObject call(Scheme scheme, String action, Map<String, String> params) throws Exception {
    return call(scheme, action, params, params, Instant.now(), true);
  }

  /**
   * @param signIt false leaves the signature out (no Authorization header, no Signature parameter)
   */
  JsonObject call(
      Scheme scheme,
      String action,
      Map<String, String> signed,
      Map<String, String> sent,
      Instant at,
      boolean signIt)
      throws Exception {
    return switch (scheme) {
      case TC3_GET -> tc3Get(action, signed, sent, at, signIt);
      case V1_GET -> v1("GET", action, signed, sent, "HmacSHA256", at, signIt);
      case V1_POST -> v1("POST", action, signed, sent, "HmacSHA256", at, signIt);
    };
  }

  /**
   * TC3 over GET: CanonicalRequest = GET \n / \n query \n content-type:..\nhost:..\n \n
   * content-type;host \n hex(sha256("")); the query is sent exactly as signed (here in the order
   * given, not sorted).
   */
  JsonObject tc3Get(
      String action,
      Map<String, String> signed,
      Map<String, String> sent,
      Instant at,
      boolean signIt)
      throws Exception {
    String date = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC).format(at);
    String canonical =
        "GET\n/\n"
            + form(signed)
            + "\ncontent-type:"
            + FORM
            + "\nhost:"
            + signedHost
            + "\n\ncontent-type;host\n"
            + sha256Hex("");
    String scope = date + "/clb/tc3_request";
    String stringToSign =
        "TC3-HMAC-SHA256\n" + at.getEpochSecond() + "\n" + scope + "\n" + sha256Hex(canonical);
    byte[] key = hmac("HmacSHA256", ("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date);
    key = hmac("HmacSHA256", key, "clb");
    key = hmac("HmacSHA256", key, "tc3_request");
    String signature = HexFormat.of().formatHex(hmac("HmacSHA256", key, stringToSign));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + endpoint + "/?" + form(sent)))
            .GET()
            .header("Content-Type", FORM)
            .header("X-TC-Action", action)
            .header("X-TC-Version", "2018-03-17")
            .header("X-TC-Timestamp", Long.toString(at.getEpochSecond()))
            .header("X-TC-Region", "ap-guangzhou");
    if (signIt) {
      request.header(
          "Authorization",
          "TC3-HMAC-SHA256 Credential="
              + secretId
              + "/"
              + scope
              + ", SignedHeaders=content-type;host, Signature="
              + signature);
    }
    return send(request);
  }

  /**
   * v1: the string to sign is METHOD + host + "/" + "?" + every parameter but Signature, sorted by
   * name, as name=value with the values not URL-encoded; Signature = Base64(HMAC(key, it)), then
   * URL-encoded.
   */
  JsonObject v1(
      String method,
      String action,
      Map<String, String> signed,
      Map<String, String> sent,
      String algorithm,
      Instant at,
      boolean signIt)
      throws Exception {
    Map<String, String> common = new LinkedHashMap<>();
    common.put("Action", action);
    common.put("Version", "2018-03-17");
    common.put("Region", "ap-guangzhou");
    common.put("Timestamp", Long.toString(at.getEpochSecond()));
    common.put("Nonce", "4711");
    common.put("SecretId", secretId);
    common.put("SignatureMethod", algorithm);
    return v1(method, common, signed, sent, signIt);
  }

  /**
   * v1 with the common parameters given as they are (to leave one out or spoil it); its
   * SignatureMethod picks the HMAC.
   */
  JsonObject v1(
      String method,
      Map<String, String> common,
      Map<String, String> signed,
      Map<String, String> sent,
      boolean signIt)
      throws Exception {
    Map<String, String> toSign = new TreeMap<>(common);
    toSign.putAll(signed);
    StringJoiner pairs = new StringJoiner("&");
    toSign.forEach((name, value) -> pairs.add(name + "=" + value));
    String plain = method + signedHost + "/?" + pairs;
    String algorithm = common.getOrDefault("SignatureMethod", "HmacSHA1");
    if (!algorithm.equals("HmacSHA1") && !algorithm.equals("HmacSHA256")) {
      algorithm = "HmacSHA256"; // a method the server must refuse: sign with something anyway
    }
    String signature =
        Base64.getEncoder()
            .encodeToString(hmac(algorithm, secretKey.getBytes(StandardCharsets.UTF_8), plain));
    Map<String, String> wire = new LinkedHashMap<>(sent);
    wire.putAll(common);
    if (signIt) {
      wire.put("Signature", signature);
    }
    HttpRequest.Builder request =
        method.equals("GET")
            ? HttpRequest.newBuilder(URI.create("http://" + endpoint + "/?" + form(wire))).GET()
            : HttpRequest.newBuilder(URI.create("http://" + endpoint + "/"))
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(form(wire)));
    return send(request);
  }

  /**
   * Sends any request to the emulator; the API answers HTTP 200 whatever happens. Returns Response.
   */
  JsonObject send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "API answered HTTP " + response.statusCode() + ": errors must be HTTP 200");
    }
    return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("Response");
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://" + endpoint + pathAndQuery);
  }

  static String form(Map<String, String> params) {
    StringJoiner form = new StringJoiner("&");
    params.forEach(
        (name, value) ->
            form.add(
                URLEncoder.encode(name, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return form.toString();
  }

  private static String sha256Hex(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] hmac(String algorithm, byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance(algorithm);
    mac.init(new SecretKeySpec(key, algorithm));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }
}
