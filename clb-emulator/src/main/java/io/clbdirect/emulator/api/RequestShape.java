package io.clbdirect.emulator.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;

/**
 * The request shapes Tencent's "Request Structure" page lists, told apart by method, Content-Type
 * and where the signature is; everything else is refused with what was received and what is served,
 * never guessed at. TC3-HMAC-SHA256 travels in the Authorization and X-TC-* headers, so their
 * presence marks a TC3 request; the v1 signature travels among the parameters.
 */
enum RequestShape {

  /** POST / with a JSON body, TC3 in the headers: what the SDK sends by default. */
  TC3_POST_JSON(10 * 1024 * 1024),
  /** GET /?query with TC3 headers and Content-Type application/x-www-form-urlencoded. */
  TC3_GET_QUERY(32 * 1024),
  /** GET /?query carrying the common parameters and Signature. */
  V1_GET_QUERY(32 * 1024),
  /**
   * POST / with an application/x-www-form-urlencoded body carrying the common parameters and
   * Signature.
   */
  V1_POST_FORM(1024 * 1024);

  static final String SERVED =
      "Served: POST / with application/json and TC3-HMAC-SHA256; GET /?<query> with TC3-HMAC-SHA256 "
          + "(Content-Type application/x-www-form-urlencoded) or the v1 signature; POST / with an application/x-www-form-urlencoded "
          + "body and the v1 signature.";
  static final String FORM = "application/x-www-form-urlencoded";

  /**
   * Tencent's limits: GET 32 KB, v1 POST 1 MB, TC3 POST 10 MB (that one is enforced while reading
   * the body).
   */
  private final int maxBytes;

  RequestShape(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * @throws ApiError UnsupportedOperation or UnsupportedProtocol for a shape the API does not serve
   */
  static RequestShape of(IncomingRequest request) {
    if (!"/".equals(request.path())) {
      throw new ApiError(
          "UnsupportedOperation",
          "Path `" + request.path() + "` is not served; the API is at `/`. " + SERVED);
    }
    boolean tc3 = request.header("Authorization") != null || request.header("X-TC-Action") != null;
    String type = request.mediaType();
    switch (request.method()) {
      case "GET" -> {
        if (request.body().length > 0) {
          throw refused(
              request,
              "a GET carries its parameters in the query string, yet "
                  + request.body().length
                  + " bytes of body were sent");
        }
        if (!tc3) {
          return V1_GET_QUERY;
        }
        if (!FORM.equals(type)) {
          throw refused(request, "TC3-HMAC-SHA256 over GET signs Content-Type " + FORM);
        }
        return TC3_GET_QUERY;
      }
      case "POST" -> {
        if ("application/json".equals(type)) {
          if (!tc3 && looksLikeV1(request)) {
            throw refused(
                request,
                "the v1 signature (Signature, SignatureMethod) is served with an "
                    + FORM
                    + " body; application/json takes TC3-HMAC-SHA256 in the Authorization header");
          }
          return TC3_POST_JSON;
        }
        if (FORM.equals(type)) {
          if (tc3) {
            throw refused(
                request,
                "TC3-HMAC-SHA256 over POST takes an application/json body; an "
                    + FORM
                    + " body is signed with v1 (SignatureMethod and Signature among its parameters)");
          }
          if (request.hasQuery()) {
            throw refused(
                request,
                "a v1 POST carries every parameter in its body, yet a query string was sent too");
          }
          return V1_POST_FORM;
        }
        if ("multipart/form-data".equals(type)) {
          throw refused(request, "multipart/form-data is taken by no CLB action");
        }
        throw refused(
            request, "a POST body is application/json (TC3-HMAC-SHA256) or " + FORM + " (v1)");
      }
      default ->
          throw new ApiError(
              "UnsupportedProtocol",
              "HTTP method "
                  + request.method()
                  + " is not served; only GET and POST requests are supported. "
                  + SERVED);
    }
  }

  /**
   * @throws ApiError RequestSizeLimitExceeded past Tencent's limit for this shape
   */
  void checkSize(IncomingRequest request) {
    int size =
        this == V1_POST_FORM || this == TC3_POST_JSON
            ? request.body().length
            : request.rawQuery() == null
                ? 0
                : request.rawQuery().getBytes(StandardCharsets.UTF_8).length;
    if (size > maxBytes) {
      throw new ApiError(
          "RequestSizeLimitExceeded",
          "The request is " + size + " bytes; " + this + " takes at most " + maxBytes + ".");
    }
  }

  /**
   * A JSON body without TC3 headers that names the v1 signature's parameters: a v1 client, not a
   * broken TC3 one.
   */
  private static boolean looksLikeV1(IncomingRequest request) {
    if (request.hasQuery() && ("&" + request.rawQuery()).contains("&Signature=")) {
      return true;
    }
    try {
      JsonElement body = JsonParser.parseString(new String(request.body(), StandardCharsets.UTF_8));
      return body.isJsonObject()
          && (body.getAsJsonObject().has("Signature")
              || body.getAsJsonObject().has("SignatureMethod"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static ApiError refused(IncomingRequest request, String why) {
    return new ApiError(
        "UnsupportedOperation", "Received " + request.describe() + ": " + why + ". " + SERVED);
  }
}
