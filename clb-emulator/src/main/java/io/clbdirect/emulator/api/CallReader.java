package io.clbdirect.emulator.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns a request of any served {@link RequestShape} into a verified {@link ApiCall}: finds the
 * action, checks the signature with the scheme the shape carries, and knows how to decode that
 * shape's parameters. Nothing past the signature (versions, actions, limits) is decided here.
 */
final class CallReader {

  private final Tc3Verifier tc3;
  private final V1Verifier v1;

  CallReader(Map<String, String> secrets) {
    this.tc3 = new Tc3Verifier(secrets);
    this.v1 = new V1Verifier(secrets);
  }

  /**
   * @throws ApiError when the shape is not served, a common parameter is missing, or the signature
   *     fails
   */
  ApiCall read(IncomingRequest request, Instant now) {
    RequestShape shape = RequestShape.of(request);
    shape.checkSize(request);
    return switch (shape) {
      case TC3_POST_JSON -> tc3(request, now, Params.Source.JSON, () -> json(request.body()));
      case TC3_GET_QUERY ->
          tc3(
              request,
              now,
              Params.Source.FORM,
              () -> FlattenedParams.unflatten(UrlEncodedForm.parse(request.rawQuery())));
      case V1_GET_QUERY -> v1(request, UrlEncodedForm.parse(request.rawQuery()), now);
      case V1_POST_FORM ->
          v1(
              request,
              UrlEncodedForm.parse(new String(request.body(), StandardCharsets.UTF_8)),
              now);
    };
  }

  private ApiCall tc3(
      IncomingRequest request, Instant now, Params.Source source, Supplier<JsonObject> params) {
    String action = request.header("X-TC-Action");
    if (action == null || action.isBlank()) {
      throw ApiError.missing("X-TC-Action");
    }
    // A GET's canonical query string is the query exactly as received, and its payload the empty
    // body.
    tc3.verify(
        new Tc3Verifier.SignedRequest(
            request.method(), "/", request.rawQuery(), request.headers(), request.body()),
        now);
    return new ApiCall(action, request.header("X-TC-Version"), source, params);
  }

  private ApiCall v1(IncomingRequest request, Map<String, String> form, Instant now) {
    String action = form.get("Action");
    if (action == null || action.isBlank()) {
      throw ApiError.missing("Action");
    }
    String host = request.header("Host");
    v1.verify(request.method(), host == null ? "" : host, "/", form, now);
    String version = form.get("Version");
    if (version == null || version.isBlank()) {
      throw ApiError.missing("Version");
    }
    Map<String, String> own = new LinkedHashMap<>(form);
    own.keySet().removeAll(V1Verifier.COMMON);
    return new ApiCall(action, version, Params.Source.FORM, () -> FlattenedParams.unflatten(own));
  }

  private static JsonObject json(byte[] body) {
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new ApiError("InvalidParameter.FormatError", "The request body is not JSON.");
    }
    if (!parsed.isJsonObject()) {
      throw new ApiError("InvalidParameter.FormatError", "The request body must be a JSON object.");
    }
    return parsed.getAsJsonObject();
  }
}
