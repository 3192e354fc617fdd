package io.clbdirect.emulator;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.clbdirect.emulator.api.Tc3Verifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * A hand-rolled TC3 client for requests the SDK will not send: stale, tampered, unknown actions.
 */
final class SignedHttp {

  private final String endpoint;
  private final String secretId;
  private final String secretKey;
  private final HttpClient http = HttpClient.newHttpClient();

  SignedHttp(String endpoint, String secretId, String secretKey) {
    this.endpoint = endpoint;
    this.secretId = secretId;
    this.secretKey = secretKey;
  }

  /** Signs {@code signedBody} at {@code timestamp} but sends {@code sentBody}; returns Response. */
  JsonObject post(String action, String signedBody, String sentBody, Instant timestamp)
      throws Exception {
    String contentType = "application/json; charset=utf-8";
    String date =
        DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC).format(timestamp);
    String canonical =
        "POST\n/\n\ncontent-type:"
            + contentType
            + "\nhost:"
            + endpoint
            + "\n\ncontent-type;host\n"
            + hex(signedBody);
    String toSign =
        "TC3-HMAC-SHA256\n"
            + timestamp.getEpochSecond()
            + "\n"
            + date
            + "/127/tc3_request\n"
            + hex(canonical);
    String signature = Tc3Verifier.sign(secretKey, date, "127", toSign);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + endpoint + "/"))
            .header("Content-Type", contentType)
            .header("X-TC-Action", action)
            .header("X-TC-Version", "2018-03-17")
            .header("X-TC-Timestamp", Long.toString(timestamp.getEpochSecond()))
            .header("X-TC-Region", "ap-guangzhou")
            .header(
                "Authorization",
                "TC3-HMAC-SHA256 Credential="
                    + secretId
                    + "/"
                    + date
                    + "/127/tc3_request, SignedHeaders=content-type;host, Signature="
                    + signature)
            .POST(HttpRequest.BodyPublishers.ofString(sentBody))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "API answered HTTP " + response.statusCode() + ": errors must be HTTP 200");
    }
    return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("Response");
  }

  JsonObject post(String action, String body) throws Exception {
    return post(action, body, body, Instant.now());
  }

  private static String hex(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
