package io.clbdirect.emulator.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks TC3-HMAC-SHA256 signatures the way the CLB API does. The service name is read from the
 * credential scope, never assumed: the SDK derives it from the endpoint's first DNS label, which is
 * "127" for an endpoint of 127.0.0.1:port.
 */
public final class Tc3Verifier {

  static final Duration MAX_SKEW = Duration.ofMinutes(5);
  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "TC3-HMAC-SHA256 Credential=([^/]+)/(\\d{4}-\\d{2}-\\d{2})/([^/]+)/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final Map<String, String> secrets;

  /**
   * @param secrets SecretId to SecretKey
   */
  public Tc3Verifier(Map<String, String> secrets) {
    this.secrets = Map.copyOf(secrets);
  }

  /** A request as it arrived. {@code headers} are looked up lower-case. */
  public record SignedRequest(
      String method, String path, String query, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /**
   * @throws ApiError AuthFailure.* when the request is not correctly signed by a known key, now
   */
  public void verify(SignedRequest request, Instant now) {
    String authorization = request.header("Authorization");
    if (authorization == null || authorization.isBlank()) {
      throw new ApiError("AuthFailure.InvalidAuthorization", "Authorization header is missing.");
    }
    Matcher matcher = AUTHORIZATION.matcher(authorization.trim());
    if (!matcher.matches()) {
      throw new ApiError(
          "AuthFailure.InvalidAuthorization",
          "Authorization header is not a TC3-HMAC-SHA256 credential.");
    }
    String secretId = matcher.group(1);
    String date = matcher.group(2);
    String service = matcher.group(3);
    String signedHeaders = matcher.group(4);
    String signature = matcher.group(5);
    String secretKey = secrets.get(secretId);
    if (secretKey == null) {
      throw new ApiError(
          "AuthFailure.SecretIdNotFound",
          "The SecretId is not found, please ensure that your SecretId is correct.");
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(request.header("X-TC-Timestamp"));
    } catch (NumberFormatException | NullPointerException e) {
      throw new ApiError(
          "AuthFailure.InvalidAuthorization", "X-TC-Timestamp is missing or not a number.");
    }
    Instant signedAt = Instant.ofEpochSecond(timestamp);
    if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
      throw new ApiError(
          "AuthFailure.SignatureExpire",
          "Signature expired, timestamp is "
              + timestamp
              + ", server time is "
              + now.getEpochSecond()
              + ".");
    }
    if (!DATE.format(signedAt).equals(date)) {
      throw new ApiError(
          "AuthFailure.SignatureFailure", "The credential date does not match X-TC-Timestamp.");
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    for (String name : signedHeaders.split(";")) {
      String value = request.header(name);
      canonicalHeaders
          .append(name)
          .append(':')
          .append(value == null ? "" : value.trim())
          .append('\n');
    }
    String payloadHash =
        "UNSIGNED-PAYLOAD".equals(request.header("X-TC-Content-SHA256"))
            ? sha256Hex("UNSIGNED-PAYLOAD".getBytes(StandardCharsets.UTF_8))
            : sha256Hex(request.body());
    String canonicalRequest =
        request.method()
            + "\n"
            + request.path()
            + "\n"
            + (request.query() == null ? "" : request.query())
            + "\n"
            + canonicalHeaders
            + "\n"
            + signedHeaders
            + "\n"
            + payloadHash;
    String scope = date + "/" + service + "/tc3_request";
    String stringToSign =
        "TC3-HMAC-SHA256\n"
            + timestamp
            + "\n"
            + scope
            + "\n"
            + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    String expected = sign(secretKey, date, service, stringToSign);
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII))) {
      throw new ApiError(
          "AuthFailure.SignatureFailure",
          "The provided credentials could not be validated. Please check your signature is correct.");
    }
  }

  /**
   * The signature a client with {@code secretKey} would send. Public for tests and the test
   * vectors.
   */
  public static String sign(String secretKey, String date, String service, String stringToSign) {
    byte[] kDate = hmac(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date);
    byte[] kService = hmac(kDate, service);
    byte[] kSigning = hmac(kService, "tc3_request");
    return HexFormat.of().formatHex(hmac(kSigning, stringToSign));
  }

  static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
