package io.clbdirect.emulator.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Reads request fields with the API's error codes for missing or malformed ones. */
final class Params {

  private final JsonObject body;

  Params(JsonObject body) {
    this.body = body;
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
    try {
      return body.get(field).getAsInt();
    } catch (RuntimeException e) {
      throw format(field, "an integer");
    }
  }

  Boolean optBoolean(String field) {
    if (!has(field)) {
      return null;
    }
    JsonElement value = body.get(field);
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
      values.add(element.getAsString());
    }
    return values;
  }

  List<Integer> ints(String field) {
    if (!has(field)) {
      return List.of();
    }
    List<Integer> values = new ArrayList<>();
    try {
      for (JsonElement element : body.getAsJsonArray(field)) {
        values.add(element.getAsInt());
      }
    } catch (RuntimeException e) {
      throw format(field, "an array of integers");
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
      values.add(new Params(element.getAsJsonObject()));
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
    return new Params(body.getAsJsonObject(field));
  }

  JsonArray array(String field) {
    return has(field) && body.get(field).isJsonArray() ? body.getAsJsonArray(field) : new JsonArray();
  }

  static ApiError format(String field, String expected) {
    return new ApiError("InvalidParameter.FormatError", "`" + field + "` must be " + expected + ".");
  }
}
