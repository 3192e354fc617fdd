package io.clbdirect.gate.decide;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.TreeSet;

/**
 * JSON with object keys sorted, so the same content always reads the same whatever order the user
 * wrote.
 */
final class CanonicalJson {

  private CanonicalJson() {}

  static String of(JsonElement element) {
    StringBuilder out = new StringBuilder();
    write(element, out);
    return out.toString();
  }

  private static void write(JsonElement element, StringBuilder out) {
    if (element.isJsonObject()) {
      JsonObject object = element.getAsJsonObject();
      out.append('{');
      String separator = "";
      for (String key : new TreeSet<>(object.keySet())) {
        out.append(separator).append(new com.google.gson.JsonPrimitive(key)).append(':');
        write(object.get(key), out);
        separator = ",";
      }
      out.append('}');
    } else if (element.isJsonArray()) {
      JsonArray array = element.getAsJsonArray();
      out.append('[');
      for (int i = 0; i < array.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(array.get(i), out);
      }
      out.append(']');
    } else {
      out.append(element);
    }
  }
}
