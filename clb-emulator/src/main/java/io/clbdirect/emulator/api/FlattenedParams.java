package io.clbdirect.emulator.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Tencent's flattened parameter form, as query strings and v1 form bodies carry it, and the JSON
 * object the actions read: {@code Targets.0.EniIp=10.0.0.1&Targets.0.Port=80&Tags.0.TagKey=k} is
 * {@code {"Targets":[{"EniIp":"10.0.0.1","Port":"80"}],"Tags":[{"TagKey":"k"}]}}. A numeric segment
 * is an array index, and arrays must be whole ({@code Values.1} without {@code Values.0} is
 * refused): an action reading {@code Targets} cannot tell a hole from a client bug. Values stay
 * strings; {@link Params} reads them as numbers or booleans where the action asks for one.
 */
final class FlattenedParams {

  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  /** Nine digits at most: an index that large is a gap anyway, and it must fit an int. */
  private static final Pattern INDEX = Pattern.compile("0|[1-9][0-9]{0,8}");

  private FlattenedParams() {}

  /**
   * @throws ApiError InvalidParameter.FormatError naming the key that cannot be placed
   */
  static JsonObject unflatten(Map<String, String> flat) {
    Node root = new Node("", "");
    root.indexed = false;
    for (Map.Entry<String, String> entry : flat.entrySet()) {
      String key = entry.getKey();
      String[] segments = key.split("\\.", -1);
      Node node = root;
      for (String segment : segments) {
        node = node.child(segment, key);
      }
      node.setValue(entry.getValue(), key);
    }
    return root.toJson().getAsJsonObject();
  }

  /**
   * The inverse of {@link #unflatten}, for non-empty arrays and objects (empty ones have no keys).
   */
  static Map<String, String> flatten(JsonObject object) {
    Map<String, String> flat = new LinkedHashMap<>();
    flatten("", object, flat);
    return flat;
  }

  private static void flatten(String prefix, JsonElement element, Map<String, String> flat) {
    if (element.isJsonObject()) {
      for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
        if (entry.getKey().isEmpty()
            || entry.getKey().contains(".")
            || DIGITS.matcher(entry.getKey()).matches()) {
          throw new IllegalArgumentException(
              "`" + entry.getKey() + "` cannot be a flattened field name");
        }
        flatten(
            prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey(),
            entry.getValue(),
            flat);
      }
    } else if (element.isJsonArray()) {
      JsonArray array = element.getAsJsonArray();
      for (int i = 0; i < array.size(); i++) {
        flatten(prefix + "." + i, array.get(i), flat);
      }
    } else if (!element.isJsonNull()) {
      flat.put(prefix, element.getAsString());
    }
  }

  static ApiError format(String key, String problem) {
    return new ApiError("InvalidParameter.FormatError", "`" + key + "` " + problem + ".");
  }

  /** One path of the tree being built: a value, or children that are all indices or all names. */
  private static final class Node {
    final String path;
    final String firstKey;
    String value;
    Boolean indexed;
    final Map<String, Node> children = new LinkedHashMap<>();

    Node(String path, String firstKey) {
      this.path = path;
      this.firstKey = firstKey;
    }

    Node child(String segment, String key) {
      if (segment.isEmpty()) {
        throw format(key, "has an empty segment (a leading, trailing or doubled `.`)");
      }
      boolean index = DIGITS.matcher(segment).matches();
      if (index && path.isEmpty()) {
        throw format(key, "starts with an index; a parameter needs a name");
      }
      if (index && !INDEX.matcher(segment).matches()) {
        throw format(
            key, "has the index `" + segment + "`; indices are 0, 1, 2, ... without leading zeros");
      }
      if (value != null) {
        throw format(
            key, "puts items under `" + path + "`, which `" + firstKey + "` sets to a value");
      }
      if (indexed == null) {
        indexed = index;
      } else if (indexed != index) {
        String other = children.values().iterator().next().firstKey;
        throw format(
            key, "mixes index and name segments under `" + path + "` (compare `" + other + "`)");
      }
      return children.computeIfAbsent(
          segment, s -> new Node(path.isEmpty() ? s : path + "." + s, key));
    }

    void setValue(String text, String key) {
      if (!children.isEmpty()) {
        throw format(
            key,
            "sets a value where `" + children.values().iterator().next().firstKey + "` puts items");
      }
      value = text;
    }

    JsonElement toJson() {
      if (value != null) {
        return new JsonPrimitive(value);
      }
      if (Boolean.TRUE.equals(indexed)) {
        JsonArray array = new JsonArray();
        for (int i = 0; i < children.size(); i++) {
          Node item = children.get(Integer.toString(i));
          if (item == null) {
            throw format(
                firstKeyAfter(i),
                "leaves a gap: `"
                    + path
                    + "` has no item "
                    + i
                    + "; indices run 0, 1, 2, ... without gaps");
          }
          array.add(item.toJson());
        }
        return array;
      }
      JsonObject object = new JsonObject();
      children.forEach((name, child) -> object.add(name, child.toJson()));
      return object;
    }

    /** The key of the lowest index above a missing one: the first the client sent past the gap. */
    private String firstKeyAfter(int missing) {
      Node after = null;
      int lowest = Integer.MAX_VALUE;
      for (Map.Entry<String, Node> entry : children.entrySet()) {
        int index = Integer.parseInt(entry.getKey());
        if (index > missing && index < lowest) {
          lowest = index;
          after = entry.getValue();
        }
      }
      return after == null ? path : after.firstKey;
    }
  }
}
