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
import java.io.StringReader;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes to AdmissionReview and back. Strict JSON: a request that is not exactly JSON is refused.
 */
public final class AdmissionReviewCodec {

  private static final Set<String> API_VERSIONS =
      Set.of(AdmissionReview.V1, AdmissionReview.V1BETA1);

  private final Gson gson = new GsonBuilder().disableHtmlEscaping().create();
  private final TypeAdapter<JsonElement> treeReader = gson.getAdapter(JsonElement.class);
  private final LeanPodReader leanPods = new LeanPodReader(treeReader);
  private final LongAdder leanFallbacks = new LongAdder();

  /**
   * @throws MalformedAdmissionReviewException when the body is not JSON, not an AdmissionReview of
   *     a known apiVersion, or has no {@code request.uid} to answer to
   */
  public AdmissionReview decode(byte[] body) throws MalformedAdmissionReviewException {
    return bind(parseStrictly(body));
  }

  /**
   * The fast path: the same answer as {@link #decode}, except that {@code request.object} holds
   * only the part of the Pod that clb-direct reads ({@link LeanPodReader}). Streams the body once,
   * building no tree of the Pod and binding no model of it. When the body is not an AdmissionReview
   * it can read with certainty (invalid JSON, a request or object that is not a JSON object, a
   * member of the Pod that might not bind to {@code V1Pod}, duplicate {@code request} or {@code
   * object} members, ...) it falls back to {@link #decode}, which then gives the reference answer,
   * error message included.
   *
   * @throws MalformedAdmissionReviewException as {@link #decode} does, for the same bodies
   */
  public AdmissionReview decodeLean(byte[] body) throws MalformedAdmissionReviewException {
    JsonObject root = readLean(body);
    if (root == null) {
      leanFallbacks.increment();
      return decode(body);
    }
    return bind(root);
  }

  /** How many bodies {@link #decodeLean} handed to the full parse. */
  public long leanFallbacks() {
    return leanFallbacks.sum();
  }

  private AdmissionReview bind(JsonElement tree) throws MalformedAdmissionReviewException {
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

  /** The envelope as a tree with a lean Pod, or null when the full parse must decide. */
  private JsonObject readLean(byte[] body) {
    if (body.length == 0 || hasControlBytes(body)) {
      return null;
    }
    // Decoded at once rather than through InputStreamReader's 8 KB buffers: the same characters
    // (malformed UTF-8 becomes U+FFFD either way), for less work.
    try (JsonReader in =
        new JsonReader(new StringReader(new String(body, StandardCharsets.UTF_8)))) {
      in.setStrictness(Strictness.STRICT);
      if (in.peek() != JsonToken.BEGIN_OBJECT) {
        return null;
      }
      JsonObject root = new JsonObject();
      in.beginObject();
      while (in.hasNext()) {
        String name = in.nextName();
        switch (name) {
          case "request" -> {
            if (root.has(name) || in.peek() != JsonToken.BEGIN_OBJECT) {
              return null;
            }
            root.add(name, readLeanRequest(in));
          }
          // The members AdmissionReview binds; any other is ignored by decode too.
          case "apiVersion", "kind", "response" -> root.add(name, treeReader.read(in));
          default -> in.skipValue();
        }
      }
      in.endObject();
      return in.peek() == JsonToken.END_DOCUMENT ? root : null;
    } catch (IOException | RuntimeException | LeanPodReader.Unsure e) {
      return null;
    }
  }

  /**
   * {@link JsonReader#skipValue} does not check a skipped string for the raw control characters
   * strict JSON forbids in strings, which the full parse refuses. Compact JSON (what the API server
   * sends) has no byte below 0x20 at all; a body that has one is left to the full parse.
   */
  private static boolean hasControlBytes(byte[] body) {
    int i = 0;
    // Eight bytes at a time: a byte below 0x20 makes (x - 0x20..) borrow into its top bit, which
    // ~x keeps only for bytes below 0x80 (multi-byte UTF-8 has the top bit set and is no match).
    for (; i + 8 <= body.length; i += 8) {
      long x = (long) LONGS.get(body, i);
      if (((x - 0x2020202020202020L) & ~x & 0x8080808080808080L) != 0) {
        return true;
      }
    }
    for (; i < body.length; i++) {
      if (body[i] >= 0 && body[i] < 0x20) {
        return true;
      }
    }
    return false;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private JsonObject readLeanRequest(JsonReader in) throws IOException, LeanPodReader.Unsure {
    JsonObject request = new JsonObject();
    in.beginObject();
    while (in.hasNext()) {
      String name = in.nextName();
      switch (name) {
        case "object" -> {
          if (request.has(name) || in.peek() != JsonToken.BEGIN_OBJECT) {
            throw new LeanPodReader.Unsure("object is repeated or not a JSON object");
          }
          request.add(name, leanPods.read(in));
        }
        // The members AdmissionRequest binds; any other is ignored by decode too.
        case "uid", "kind", "name", "namespace", "operation", "dryRun" ->
            request.add(name, treeReader.read(in));
        default -> in.skipValue();
      }
    }
    in.endObject();
    return request;
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
