package io.clbdirect.emulator.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads request fields with the API's error codes for missing or malformed ones. A JSON body
 * carries typed values and is read strictly; a flattened form (a query string or a v1 form body)
 * carries only strings, so there a number is a decimal string and a boolean is {@code "true"} or
 * {@code "false"}.
 */
final class Params {

  /** Where the parameters came from, which decides how their values are typed. */
  enum Source {
    JSON,
    FORM
  }

  /**
   * The source of the request being answered on this thread. ClbApi builds the root Params from a
   * bare JsonObject, synchronously on the calling thread, so the edge sets the source around that
   * call ({@link #readingFrom}) instead of threading it through every action; nested Params inherit
   * theirs.
   */
  private static final ThreadLocal<Source> READING = ThreadLocal.withInitial(() -> Source.JSON);

  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+");

  private final JsonObject body;
  private final Source source;

  Params(JsonObject body) {
    this(body, READING.get());
  }

  Params(JsonObject body, Source source) {
    this.body = body;
    this.source = source;
  }

  /**
   * Runs {@code call}, during which new root Params read their values as coming from {@code
   * source}.
   */
  static <T> T readingFrom(Source source, Supplier<T> call) {
    Source before = READING.get();
    READING.set(source);
    try {
      return call.get();
    } finally {
      READING.set(before);
    }
  }

  Source source() {
    return source;
  }

  JsonObject raw() {
    return body;
  }

  boolean has(String field) {
    return body.has(field) && !body.get(field).isJsonNull();
  }

  String string(String field) {
    if (!has(field)) {
      throw ApiError.missing(field);
    }
    return optString(field);
  }

  String optString(String field) {
    if (!has(field)) {
      return null;
    }
    JsonElement value = body.get(field);
    if (!value.isJsonPrimitive()) {
      throw format(field, "a string");
    }
    return value.getAsString();
  }

  Integer optInt(String field) {
    if (!has(field)) {
      return null;
    }
    return toInt(body.get(field), field, "an integer");
  }

  Boolean optBoolean(String field) {
    if (!has(field)) {
      return null;
    }
    JsonElement value = body.get(field);
    if (source == Source.FORM) {
      String text = value.isJsonPrimitive() ? value.getAsString() : null;
      if ("true".equals(text) || "false".equals(text)) {
        return Boolean.valueOf(text);
      }
      throw format(field, "a boolean (`true` or `false`)");
    }
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
      throw format(field, "a boolean");
    }
    return value.getAsBoolean();
  }

  int integer(String field) {
    Integer value = optInt(field);
    if (value == null) {
      throw ApiError.missing(field);
    }
    return value;
  }

  List<String> strings(String field) {
    if (!has(field)) {
      return List.of();
    }
    if (!body.get(field).isJsonArray()) {
      throw format(field, "an array");
    }
    List<String> values = new ArrayList<>();
    for (JsonElement element : body.getAsJsonArray(field)) {
      if (source == Source.FORM && !element.isJsonPrimitive()) {
        throw format(field, "an array of strings");
      }
      values.add(element.getAsString());
    }
    return values;
  }

  List<Integer> ints(String field) {
    if (!has(field)) {
      return List.of();
    }
    if (!body.get(field).isJsonArray()) {
      throw format(field, "an array of integers");
    }
    List<Integer> values = new ArrayList<>();
    for (JsonElement element : body.getAsJsonArray(field)) {
      values.add(toInt(element, field, "an array of integers"));
    }
    return values;
  }

  /**
   * JSON: as Gson reads a number (today's rule); a form: a decimal string that fits an int, nothing
   * else.
   */
  private int toInt(JsonElement value, String field, String expected) {
    if (source == Source.FORM) {
      String text = value.isJsonPrimitive() ? value.getAsString() : "";
      if (DECIMAL.matcher(text).matches()) {
        try {
          return Integer.parseInt(text);
        } catch (NumberFormatException e) {
          // out of range: refused below
        }
      }
      throw format(field, expected);
    }
    try {
      return value.getAsInt();
    } catch (RuntimeException e) {
      throw format(field, expected);
    }
  }

  List<Boolean> booleans(String field) {
    if (!has(field)) {
      return List.of();
    }
    if (!body.get(field).isJsonArray()) {
      throw format(field, "an array of booleans");
    }
    List<Boolean> values = new ArrayList<>();
    JsonArray array = body.getAsJsonArray(field);
    for (int i = 0; i < array.size(); i++) {
      JsonObject one = new JsonObject();
      one.add(field, array.get(i));
      values.add(new Params(one, source).optBoolean(field));
    }
    return values;
  }

  List<Params> objects(String field) {
    if (!has(field)) {
      return List.of();
    }
    if (!body.get(field).isJsonArray()) {
      throw format(field, "an array");
    }
    List<Params> values = new ArrayList<>();
    for (JsonElement element : body.getAsJsonArray(field)) {
      if (!element.isJsonObject()) {
        throw format(field, "an array of objects");
      }
      values.add(new Params(element.getAsJsonObject(), source));
    }
    return values;
  }

  Params object(String field) {
    if (!has(field)) {
      return null;
    }
    if (!body.get(field).isJsonObject()) {
      throw format(field, "an object");
    }
    return new Params(body.getAsJsonObject(field), source);
  }

  JsonArray array(String field) {
    return has(field) && body.get(field).isJsonArray()
        ? body.getAsJsonArray(field)
        : new JsonArray();
  }

  static ApiError format(String field, String expected) {
    return new ApiError(
        "InvalidParameter.FormatError", "`" + field + "` must be " + expected + ".");
  }
}
