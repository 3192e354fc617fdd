package io.clbdirect.webhook.admission;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.clbdirect.webhook.mutation.PatchOperation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Bytes to AdmissionReview and back. Strict JSON: a request that is not exactly JSON is refused.
 */
public final class AdmissionReviewCodec {

  private static final Set<String> API_VERSIONS =
      Set.of(AdmissionReview.V1, AdmissionReview.V1BETA1);

  private final Gson gson = new GsonBuilder().disableHtmlEscaping().create();
  private final TypeAdapter<JsonElement> treeReader = gson.getAdapter(JsonElement.class);

  /**
   * @throws MalformedAdmissionReviewException when the body is not JSON, not an AdmissionReview of
   *     a known apiVersion, or has no {@code request.uid} to answer to
   */
  public AdmissionReview decode(byte[] body) throws MalformedAdmissionReviewException {
    JsonElement tree = parseStrictly(body);
    if (!tree.isJsonObject()) {
      throw new MalformedAdmissionReviewException("body is not a JSON object");
    }
    JsonObject root = tree.getAsJsonObject();
    String apiVersion = stringOrNull(root, "apiVersion");
    String kind = stringOrNull(root, "kind");
    // Set.of(...).contains(null) throws: a missing or non-string apiVersion must be refused, not
    // crash.
    if (!AdmissionReview.KIND.equals(kind)
        || apiVersion == null
        || !API_VERSIONS.contains(apiVersion)) {
      throw new MalformedAdmissionReviewException(
          "expected kind AdmissionReview with apiVersion "
              + AdmissionReview.V1
              + ", got kind "
              + kind
              + " apiVersion "
              + apiVersion);
    }
    if (!(root.get("request") instanceof JsonObject request)) {
      throw new MalformedAdmissionReviewException("AdmissionReview has no request object");
    }
    String uid = stringOrNull(request, "uid");
    if (uid == null || uid.isBlank()) {
      throw new MalformedAdmissionReviewException(
          "AdmissionReview request has no uid to answer to");
    }
    try {
      return gson.fromJson(root, AdmissionReview.class);
    } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
      throw new MalformedAdmissionReviewException(
          "AdmissionReview request has a field of the wrong type: " + e.getMessage(), e);
    }
  }

  public byte[] encode(AdmissionReview review) {
    return escapeLoneSurrogates(gson.toJson(review)).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A request may carry a lone surrogate as a JSON escape ({@code "\ud800"}); UTF-8 has no form for
   * it, so written raw it would turn into {@code ?} and, in {@code response.uid}, no longer match
   * the request. Escaped again it round-trips. Gson's output holds such characters only inside
   * string literals, where the escape is valid JSON.
   */
  static String escapeLoneSurrogates(String json) {
    StringBuilder out = null;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      boolean lone =
          Character.isHighSurrogate(c)
              ? i + 1 == json.length() || !Character.isLowSurrogate(json.charAt(i + 1))
              : Character.isLowSurrogate(c)
                  && (i == 0 || !Character.isHighSurrogate(json.charAt(i - 1)));
      if (lone && out == null) {
        out = new StringBuilder(json.length() + 16).append(json, 0, i);
      }
      if (out != null) {
        if (lone) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? json : out.toString();
  }

  /** The base64 form the {@code patch} field carries. */
  public String encodePatch(List<PatchOperation> patch) {
    return Base64.getEncoder().encodeToString(gson.toJson(patch).getBytes(StandardCharsets.UTF_8));
  }

  private JsonElement parseStrictly(byte[] body) throws MalformedAdmissionReviewException {
    if (body.length == 0) {
      throw new MalformedAdmissionReviewException("empty body");
    }
    try (JsonReader reader =
        new JsonReader(
            new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8))) {
      reader.setStrictness(Strictness.STRICT);
      JsonElement tree = treeReader.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new MalformedAdmissionReviewException("unexpected data after the JSON document");
      }
      return tree;
    } catch (IOException | JsonParseException | IllegalStateException e) {
      throw new MalformedAdmissionReviewException("body is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String stringOrNull(JsonObject object, String field) {
    JsonElement value = object.get(field);
    return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
        ? value.getAsString()
        : null;
  }
}
