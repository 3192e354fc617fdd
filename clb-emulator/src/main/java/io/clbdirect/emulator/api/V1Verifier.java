package io.clbdirect.emulator.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the v1 signature ("签名方法 v1": {@code SignatureMethod} HmacSHA1 or HmacSHA256) the way the
 * API does. The signed string is {@code METHOD + host + path + "?" + name=value&...}, names sorted,
 * values as sent before URL encoding, {@code Signature} left out; the signature is
 * Base64(HMAC(SecretKey, that string)). The host is the Host header as received: the SDK signs its
 * endpoint exactly as configured, port included ({@code 127.0.0.1:18080}), and sends that as Host.
 */
public final class V1Verifier {

  public static final String HMAC_SHA1 = "HmacSHA1";
  public static final String HMAC_SHA256 = "HmacSHA256";

  /**
   * The v1 common parameters, which are not the action's: the documented ones plus RequestClient,
   * which the official SDKs add to every v1 request (tencentcloud-sdk-java
   * AbstractClient.formatRequestData).
   */
  public static final Set<String> COMMON =
      Set.of(
          "Action",
          "Region",
          "Timestamp",
          "Nonce",
          "SecretId",
          "Signature",
          "SignatureMethod",
          "Version",
          "Token",
          "Language",
          "RequestClient");

  /**
   * The parameters without which nothing can be verified, in the order their absence is reported.
   */
  private static final String[] REQUIRED = {"SecretId", "Timestamp", "Nonce", "Signature"};

  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");

  private final Map<String, String> secrets;

  /**
   * @param secrets SecretId to SecretKey
   */
  public V1Verifier(Map<String, String> secrets) {
    this.secrets = Map.copyOf(secrets);
  }

  /**
   * @param params every parameter received, decoded, Signature included
   * @throws ApiError MissingParameter, InvalidParameter, InvalidParameterValue or AuthFailure.*
   *     when the request is not correctly signed by a known key, now
   */
  public void verify(
      String method, String host, String path, Map<String, String> params, Instant now) {
    for (String name : REQUIRED) {
      if (params.get(name) == null || params.get(name).isEmpty()) {
        throw ApiError.missing(name);
      }
    }
    // Nonce and Timestamp are integers; Tencent answers a malformed one "Parameter `Nonce` type
    // error.".
    // The sign of Nonce is not checked: the Java SDK sends Math.abs(random int), negative once in
    // 2^32.
    for (String name : new String[] {"Timestamp", "Nonce"}) {
      if (!INTEGER.matcher(params.get(name)).matches()) {
        throw new ApiError("InvalidParameter", "Parameter `" + name + "` type error.");
      }
    }
    String algorithm = params.getOrDefault("SignatureMethod", HMAC_SHA1);
    if (!HMAC_SHA1.equals(algorithm) && !HMAC_SHA256.equals(algorithm)) {
      throw new ApiError(
          "InvalidParameterValue",
          "SignatureMethod `"
              + algorithm
              + "` is not supported; use "
              + HMAC_SHA1
              + " or "
              + HMAC_SHA256
              + ".");
    }
    String secretKey = secrets.get(params.get("SecretId"));
    if (secretKey == null) {
      throw new ApiError(
          "AuthFailure.SecretIdNotFound",
          "The SecretId is not found, please ensure that your SecretId is correct.");
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(params.get("Timestamp"));
    } catch (NumberFormatException e) {
      throw new ApiError("InvalidParameter", "Parameter `Timestamp` type error.");
    }
    if (Math.abs(now.getEpochSecond() - timestamp) > Tc3Verifier.MAX_SKEW.toSeconds()) {
      throw new ApiError(
          "AuthFailure.SignatureExpire",
          "Signature expired, timestamp is "
              + timestamp
              + ", server time is "
              + now.getEpochSecond()
              + ".");
    }
    String expected = sign(secretKey, algorithm, stringToSign(method, host, path, params));
    byte[] received = params.get("Signature").getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), received)) {
      throw new ApiError(
          "AuthFailure.SignatureFailure",
          "The provided credentials could not be validated. Please check your signature is correct.");
    }
  }

  /**
   * {@code METHOD + host + path + "?" + sorted name=value pairs}, without Signature and without URL
   * encoding.
   */
  public static String stringToSign(
      String method, String host, String path, Map<String, String> params) {
    StringBuilder text = new StringBuilder(method).append(host).append(path).append('?');
    boolean first = true;
    for (Map.Entry<String, String> entry : new TreeMap<>(params).entrySet()) {
      if (entry.getKey().equals("Signature")) {
        continue;
      }
      if (!first) {
        text.append('&');
      }
      text.append(entry.getKey()).append('=').append(entry.getValue());
      first = false;
    }
    return text.toString();
  }

  /** Base64(HMAC(secretKey, stringToSign)) with {@code algorithm} HmacSHA1 or HmacSHA256. */
  public static String sign(String secretKey, String algorithm, String stringToSign) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), algorithm));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
