package io.clbdirect.webhook.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.internal.LazilyParsedNumber;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fuzz test's side of the JSON: where in a tree a mutation lands, the mutations themselves, and
 * a writer that can do what no JSON library will, such as emit a key twice or escape every
 * non-ASCII character (lone surrogates included). Nothing here is code under test.
 */
final class FuzzJson {

  private FuzzJson() {}

  /** Fields the webhook reads or patches; half of all tree mutations aim at one of these. */
  static final List<List<String>> HOT_PATHS =
      List.of(
          List.of("apiVersion"),
          List.of("kind"),
          List.of("request"),
          List.of("request", "uid"),
          List.of("request", "kind"),
          List.of("request", "kind", "kind"),
          List.of("request", "kind", "group"),
          List.of("request", "kind", "version"),
          List.of("request", "requestKind"),
          List.of("request", "operation"),
          List.of("request", "namespace"),
          List.of("request", "name"),
          List.of("request", "dryRun"),
          List.of("request", "userInfo"),
          List.of("request", "options"),
          List.of("request", "oldObject"),
          List.of("request", "object"),
          List.of("request", "object", "kind"),
          List.of("request", "object", "apiVersion"),
          List.of("request", "object", "metadata"),
          List.of("request", "object", "metadata", "namespace"),
          List.of("request", "object", "metadata", "labels"),
          List.of("request", "object", "metadata", "labels", "app"),
          List.of("request", "object", "metadata", "annotations"),
          List.of("request", "object", "metadata", "annotations", "clb-direct.io/inject"),
          List.of("request", "object", "metadata", "annotations", "tke.cloud.tencent.com/networks"),
          List.of("request", "object", "spec"),
          List.of("request", "object", "spec", "containers"),
          List.of("request", "object", "spec", "containers", "0"),
          List.of("request", "object", "spec", "containers", "0", "resources"),
          List.of("request", "object", "spec", "containers", "0", "resources", "requests"),
          List.of("request", "object", "spec", "containers", "0", "resources", "limits"),
          List.of(
              "request",
              "object",
              "spec",
              "containers",
              "0",
              "resources",
              "requests",
              "tke.cloud.tencent.com/eni-ip"),
          List.of("request", "object", "spec", "containers", "1"),
          List.of("request", "object", "spec", "initContainers"),
          List.of("request", "object", "spec", "readinessGates"),
          List.of("request", "object", "spec", "readinessGates", "0"),
          List.of("request", "object", "spec", "readinessGates", "0", "conditionType"),
          List.of("request", "object", "spec", "hostNetwork"),
          List.of("response"));

  /** Fields of the Pod the webhook reads or patches, relative to {@code request.object}. */
  static final List<List<String>> POD_HOT_PATHS =
      List.of(
          List.of("kind"),
          List.of("apiVersion"),
          List.of("metadata"),
          List.of("metadata", "namespace"),
          List.of("metadata", "creationTimestamp"),
          List.of("metadata", "ownerReferences"),
          List.of("metadata", "labels"),
          List.of("metadata", "labels", "app"),
          List.of("metadata", "annotations"),
          List.of("metadata", "annotations", "clb-direct.io/inject"),
          List.of("metadata", "annotations", "tke.cloud.tencent.com/networks"),
          List.of("metadata", "annotations", "clb-direct.io/drain"),
          List.of("spec"),
          List.of("spec", "containers"),
          List.of("spec", "containers", "0"),
          List.of("spec", "containers", "0", "name"),
          List.of("spec", "containers", "0", "ports"),
          List.of("spec", "containers", "0", "ports", "0", "containerPort"),
          List.of("spec", "containers", "0", "resources"),
          List.of("spec", "containers", "0", "resources", "requests"),
          List.of("spec", "containers", "0", "resources", "limits"),
          List.of(
              "spec", "containers", "0", "resources", "requests", "tke.cloud.tencent.com/eni-ip"),
          List.of("spec", "containers", "0", "resources", "limits", "tke.cloud.tencent.com/eni-ip"),
          List.of("spec", "containers", "0", "resources", "requests", "cpu"),
          List.of("spec", "containers", "1"),
          List.of("spec", "containers", "1", "resources"),
          List.of("spec", "containers", "0", "lifecycle"),
          List.of("spec", "containers", "0", "lifecycle", "preStop"),
          List.of("spec", "containers", "0", "lifecycle", "preStop", "sleep", "seconds"),
          List.of("spec", "containers", "0", "lifecycle", "postStart"),
          List.of("spec", "containers", "1", "lifecycle"),
          List.of("spec", "containers", "1", "lifecycle", "preStop"),
          List.of("spec", "initContainers"),
          List.of("spec", "initContainers", "0", "resources"),
          List.of("spec", "readinessGates"),
          List.of("spec", "readinessGates", "0"),
          List.of("spec", "readinessGates", "0", "conditionType"),
          List.of("spec", "readinessGates", "1"),
          List.of("spec", "hostNetwork"),
          List.of("spec", "terminationGracePeriodSeconds"),
          List.of("status"));

  /** What a tree mutation does at its location. */
  enum Op {
    DROP,
    NULL,
    RETYPE,
    SET_TEXT,
    HUGE_STRING,
    DEEP_NESTING,
    UNICODE,
    NUMBER_FOR_STRING,
    LONG_ARRAY,
    DUPLICATE,
    RENAME_KEY,
    ADD_UNKNOWN,
    IDENTITY
  }

  /**
   * One change to the tree.
   *
   * @param target even: a {@link #HOT_PATHS} entry; odd: any node, counted depth-first
   * @param size picks lengths, depths, numbers and value shapes from the tables below
   * @param text seed text for strings and keys
   */
  record Mutation(Op op, int target, int size, String text) {
    @Override
    public String toString() {
      return op
          + "@"
          + (target % 2 == 0 ? "hot#" + target / 2 : "node#" + target / 2)
          + "/"
          + size
          + "/"
          + quote(text);
    }
  }

  static final int[] HUGE_LENGTHS = {1_000, 8_000, 30_000, 60_000, 70_000, 100_000};
  static final int[] DEPTHS = {10, 100, 240, 254, 255, 256, 300, 1_000};
  static final int[] ARRAY_LENGTHS = {0, 1, 2, 100, 1_000, 3_000, 12_000};
  static final String[] NUMBERS = {
    "0",
    "-0",
    "1",
    "-1",
    "1.5",
    "-0.0e-0",
    "1e308",
    "1e309",
    "-1e400",
    "1e-400",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "123456789012345678901234567890",
    "1E+9999",
    "3.141592653589793238462643383279"
  };
  static final String[] UNICODE = {
    "\u00e9\u00e8",
    "\u4e2d\u6587\u547d\u540d\u7a7a\u95f4",
    "\ud83d\ude80\ud83d\udc4d\ud83c\udffd",
    "\u05e9\u05dc\u05d5\u05dd\u202e",
    "e\u0301\u0301\u0301",
    "\u200b\u200d\ufeff",
    "\u2028\u2029",
    "\u0000",
    "\u001f\u007f",
    "\ud800",
    "\udfff\ud800",
    "\uffff\ufffe",
    "\ud834\udd1e",
    "\u0130\u0131"
  };
  static final String[][] IDENTITIES = {
    {
      "apiVersion",
      "admission.k8s.io/v1beta1",
      "admission.k8s.io/v2",
      "admission.k8s.io/V1",
      "v1",
      "",
      "admission.k8s.io/v1 "
    },
    {"kind", "AdmissionResponse", "admissionreview", "Pod", "", "AdmissionReviewList"},
    {"request.kind.kind", "Deployment", "pod", "Pods", "", "Pod\u0000"},
    {"request.kind.group", "apps", "core", " "},
    {"request.kind.version", "v2", ""},
    {"request.object.kind", "Secret", "pod", "Pod ", ""},
    {"request.object.apiVersion", "v2", "apps/v1"},
    {"request.operation", "UPDATE", "DELETE", "CONNECT", "create", "", "CREATE ", "Create"},
    {"request.uid", "", " ", "\t\n", "x", "\u00a0"},
    {"request.namespace", "", "shop ", "SHOP", "kube-system", "other"},
  };

  /** A spot in a tree: a member of an object or an element of an array. */
  record Location(JsonElement container, String key) {

    JsonElement get() {
      if (container instanceof JsonObject object) {
        return object.get(key);
      }
      JsonArray array = container.getAsJsonArray();
      int index = index();
      return index < array.size() ? array.get(index) : null;
    }

    void set(JsonElement value) {
      if (container instanceof JsonObject object) {
        object.add(key, value);
        return;
      }
      JsonArray array = container.getAsJsonArray();
      int index = index();
      if (index < array.size()) {
        array.set(index, value);
      } else {
        array.add(value);
      }
    }

    void remove() {
      if (container instanceof JsonObject object) {
        object.remove(key);
      } else if (index() < container.getAsJsonArray().size()) {
        container.getAsJsonArray().remove(index());
      }
    }

    int index() {
      try {
        return Math.max(0, Integer.parseInt(key));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
  }

  /** Members the writer emits in addition to an object's own, to produce duplicate keys. */
  record Extra(String key, JsonElement value, boolean before) {}

  /** A tree being mutated, with the duplicate keys no {@link JsonObject} can hold. */
  static final class Tree {
    final JsonObject root;
    final JsonObject scope;
    final List<List<String>> hotPaths;
    final Map<JsonObject, List<Extra>> extras = new IdentityHashMap<>();
    final List<String> applied = new ArrayList<>();

    /** Mutations anywhere in the review. */
    Tree(JsonObject root) {
      this(root, root, HOT_PATHS);
    }

    /** Mutations only inside {@code scope}, hot paths relative to it. */
    Tree(JsonObject root, JsonObject scope, List<List<String>> hotPaths) {
      this.root = root;
      this.scope = scope;
      this.hotPaths = hotPaths;
    }

    /** Applies the mutations in order and describes each, with where it landed. */
    Tree applyAll(List<Mutation> mutations) {
      mutations.forEach(this::apply);
      return this;
    }

    @Override
    public String toString() {
      return applied.toString();
    }

    void apply(Mutation m) {
      Location at = locate(m.target());
      if (at == null) {
        return;
      }
      applied.add(
          m.op()
              + "@"
              + (m.target() % 2 == 0
                  ? String.join(".", hotPaths.get((m.target() / 2) % hotPaths.size()))
                  : at.key() + "(node#" + m.target() / 2 + ")")
              + "/"
              + m.size()
              + "/"
              + quote(m.text(), 12));
      JsonElement current = at.get();
      switch (m.op()) {
        case DROP -> at.remove();
        case NULL -> at.set(JsonNull.INSTANCE);
        case RETYPE -> at.set(retyped(current, m));
        case SET_TEXT -> at.set(new JsonPrimitive(m.text()));
        case HUGE_STRING ->
            at.set(
                new JsonPrimitive(repeat(m.text(), HUGE_LENGTHS[m.size() % HUGE_LENGTHS.length])));
        case DEEP_NESTING ->
            at.set(nested(DEPTHS[m.size() % DEPTHS.length], m.size() % 2 == 0, m.text()));
        case UNICODE -> at.set(new JsonPrimitive(UNICODE[m.size() % UNICODE.length] + m.text()));
        case NUMBER_FOR_STRING -> at.set(number(NUMBERS[m.size() % NUMBERS.length]));
        case LONG_ARRAY ->
            at.set(longArray(current, ARRAY_LENGTHS[m.size() % ARRAY_LENGTHS.length], m));
        case DUPLICATE -> duplicate(at, current, m);
        case RENAME_KEY -> rename(at, current, m);
        case ADD_UNKNOWN -> addUnknown(at, current, m);
        case IDENTITY -> identity(m);
      }
    }

    private Location locate(int target) {
      if (target % 2 == 0) {
        return follow(hotPaths.get((target / 2) % hotPaths.size()));
      }
      List<Location> all = new ArrayList<>();
      collect(scope, all);
      return all.isEmpty() ? null : all.get((target / 2) % all.size());
    }

    /** The location at the path, or the deepest existing spot on the way there. */
    Location follow(List<String> path) {
      return follow(scope, path);
    }

    static Location follow(JsonObject from, List<String> path) {
      JsonElement container = from;
      for (int i = 0; i < path.size() - 1; i++) {
        JsonElement next = new Location(container, path.get(i)).get();
        if (next == null || !(next.isJsonObject() || next.isJsonArray())) {
          return new Location(container, path.get(i));
        }
        container = next;
      }
      return new Location(container, path.get(path.size() - 1));
    }

    private static void collect(JsonElement node, List<Location> into) {
      if (node instanceof JsonObject object) {
        for (Map.Entry<String, JsonElement> member : object.entrySet()) {
          into.add(new Location(object, member.getKey()));
          collect(member.getValue(), into);
        }
      } else if (node instanceof JsonArray array) {
        for (int i = 0; i < array.size(); i++) {
          into.add(new Location(array, Integer.toString(i)));
          collect(array.get(i), into);
        }
      }
    }

    private void duplicate(Location at, JsonElement current, Mutation m) {
      if (current == null) {
        return;
      }
      JsonElement twin = m.size() % 3 == 0 ? current.deepCopy() : retyped(current, m);
      if (at.container() instanceof JsonObject object) {
        extras
            .computeIfAbsent(object, o -> new ArrayList<>())
            .add(new Extra(at.key(), twin, m.size() % 2 == 0));
      } else {
        at.container().getAsJsonArray().asList().add(at.index(), twin);
      }
    }

    private static void rename(Location at, JsonElement current, Mutation m) {
      if (current == null || !(at.container() instanceof JsonObject object)) {
        return;
      }
      String key = at.key();
      String renamed =
          switch (m.size() % 5) {
            case 0 -> key.toUpperCase(java.util.Locale.ROOT);
            case 1 -> key + " ";
            case 2 -> "\u200b" + key;
            case 3 -> key.isEmpty() ? "x" : key.substring(0, key.length() - 1);
            default -> m.text();
          };
      object.remove(key);
      object.add(renamed, current);
    }

    private static void addUnknown(Location at, JsonElement current, Mutation m) {
      JsonElement value = retyped(null, m);
      if (current instanceof JsonObject object) {
        object.add(m.text(), value);
      } else if (current instanceof JsonArray array) {
        array.add(value);
      } else if (at.container() instanceof JsonObject object) {
        object.add(m.text(), value);
      }
    }

    private void identity(Mutation m) {
      String[] row = IDENTITIES[m.target() % IDENTITIES.length];
      String value = row[1 + m.size() % (row.length - 1)];
      follow(root, List.of(row[0].split("\\."))).set(new JsonPrimitive(value));
    }

    byte[] bytes(boolean asciiOnly) {
      return write(root, asciiOnly, extras).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** What a byte-level mutation does to the serialised body. */
  enum ByteOp {
    TRUNCATE,
    FLIP,
    INSERT,
    DELETE,
    APPEND,
    PREPEND_BOM,
    WHITESPACE,
    SWAP_QUOTE
  }

  /** One change to the bytes; {@code position} is taken modulo the body's length. */
  record ByteMutation(ByteOp op, int position, byte[] bytes) {
    @Override
    public String toString() {
      return op + "@" + position + "/" + java.util.HexFormat.of().formatHex(bytes);
    }

    byte[] apply(byte[] body) {
      int at = body.length == 0 ? 0 : position % (body.length + 1);
      byte[] extra = bytes.length == 0 ? new byte[] {'x'} : bytes;
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      switch (op) {
        case TRUNCATE -> out.write(body, 0, Math.min(at, body.length));
        case FLIP -> {
          out.writeBytes(body);
          byte[] flipped = out.toByteArray();
          if (flipped.length > 0) {
            flipped[Math.min(at, flipped.length - 1)] ^= (byte) (extra[0] | 1);
          }
          return flipped;
        }
        case INSERT -> {
          out.write(body, 0, at);
          out.writeBytes(extra);
          out.write(body, at, body.length - at);
        }
        case DELETE -> {
          int end = Math.min(body.length, at + 1 + (extra[0] & 0x3f));
          out.write(body, 0, at);
          out.write(body, end, body.length - end);
        }
        case APPEND -> {
          out.writeBytes(body);
          out.writeBytes(extra);
        }
        case PREPEND_BOM -> {
          out.writeBytes(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
          out.writeBytes(body);
        }
        case WHITESPACE -> {
          byte[] pad = " \t\r\n".repeat(1 + (extra[0] & 0x0f)).getBytes(StandardCharsets.US_ASCII);
          out.writeBytes(pad);
          out.writeBytes(body);
          out.writeBytes(pad);
        }
        case SWAP_QUOTE -> {
          out.writeBytes(body);
          byte[] swapped = out.toByteArray();
          for (int i = 0; i < swapped.length; i++) {
            int j = (at + i) % swapped.length;
            if (swapped[j] == '"') {
              swapped[j] = '\'';
              break;
            }
          }
          return swapped;
        }
      }
      return out.toByteArray();
    }
  }

  /** A value of another shape than {@code current}, chosen by {@code size}. */
  static JsonElement retyped(JsonElement current, Mutation m) {
    int shape = m.size() % 10;
    if (current instanceof JsonObject object && shape == 9) {
      // An object written as a list of its entries, the other way maps are sometimes encoded.
      JsonArray pairs = new JsonArray();
      object
          .entrySet()
          .forEach(
              e -> {
                JsonArray pair = new JsonArray();
                pair.add(e.getKey());
                pair.add(e.getValue().deepCopy());
                pairs.add(pair);
              });
      return pairs;
    }
    return switch (shape) {
      case 0 -> new JsonPrimitive(m.size());
      case 1 -> new JsonPrimitive(true);
      case 2 -> new JsonPrimitive(false);
      case 3 -> new JsonPrimitive(m.text());
      case 4 -> new JsonArray();
      case 5 -> new JsonObject();
      case 6 -> {
        JsonArray array = new JsonArray();
        array.add(m.text());
        yield array;
      }
      case 7 -> {
        JsonObject object = new JsonObject();
        object.addProperty(m.text(), m.size());
        yield object;
      }
      case 8 -> number(NUMBERS[m.size() % NUMBERS.length]);
      default -> {
        JsonArray pairs = new JsonArray();
        JsonArray pair = new JsonArray();
        pair.add("app");
        pair.add("web");
        pairs.add(pair);
        yield pairs;
      }
    };
  }

  static JsonPrimitive number(String literal) {
    return new JsonPrimitive(new LazilyParsedNumber(literal));
  }

  static String repeat(String seed, int length) {
    String unit = seed.isEmpty() ? "x" : seed;
    StringBuilder s = new StringBuilder(length + unit.length());
    while (s.length() < length) {
      s.append(unit);
    }
    return s.toString();
  }

  static JsonElement nested(int depth, boolean arrays, String leaf) {
    JsonElement value = new JsonPrimitive(leaf);
    for (int i = 0; i < depth; i++) {
      if (arrays) {
        JsonArray array = new JsonArray();
        array.add(value);
        value = array;
      } else {
        JsonObject object = new JsonObject();
        object.add("a", value);
        value = object;
      }
    }
    return value;
  }

  static JsonArray longArray(JsonElement current, int length, Mutation m) {
    JsonArray array = new JsonArray();
    JsonElement element =
        current instanceof JsonArray existing && !existing.isEmpty()
            ? existing.get(0)
            : current != null && !current.isJsonNull() ? current : new JsonPrimitive(m.size());
    // Copies only of small elements, so that a few mutations in a row cannot exhaust the test's
    // heap.
    boolean copies = m.size() % 2 == 0 && element.toString().length() <= 512;
    for (int i = 0; i < length; i++) {
      array.add(copies ? element.deepCopy() : new JsonPrimitive(i));
    }
    return array;
  }

  /** Serialises a tree, emitting the extra (duplicate) members and escaping as asked. */
  static String write(JsonElement root, boolean asciiOnly, Map<JsonObject, List<Extra>> extras) {
    StringBuilder out = new StringBuilder();
    write(root, asciiOnly, extras, out);
    return out.toString();
  }

  private static void write(
      JsonElement e, boolean asciiOnly, Map<JsonObject, List<Extra>> extras, StringBuilder out) {
    if (e == null || e.isJsonNull()) {
      out.append("null");
    } else if (e instanceof JsonPrimitive p) {
      if (p.isString()) {
        string(p.getAsString(), asciiOnly, out);
      } else if (p.isNumber()) {
        out.append(p.getAsNumber().toString());
      } else {
        out.append(p.getAsBoolean());
      }
    } else if (e instanceof JsonArray array) {
      out.append('[');
      for (int i = 0; i < array.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(array.get(i), asciiOnly, extras, out);
      }
      out.append(']');
    } else {
      JsonObject object = e.getAsJsonObject();
      List<Extra> more = extras.getOrDefault(object, List.of());
      List<Map.Entry<String, JsonElement>> members = new ArrayList<>();
      more.stream().filter(Extra::before).forEach(x -> members.add(Map.entry(x.key(), x.value())));
      members.addAll(object.entrySet());
      more.stream()
          .filter(x -> !x.before())
          .forEach(x -> members.add(Map.entry(x.key(), x.value())));
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonElement> member : members) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(member.getKey(), asciiOnly, out);
        out.append(':');
        write(member.getValue(), asciiOnly, extras, out);
      }
      out.append('}');
    }
  }

  private static void string(String s, boolean asciiOnly, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || (asciiOnly && c > 0x7e)) {
            unicodeEscape(c, out);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void unicodeEscape(char c, StringBuilder out) {
    String hex = "0123456789abcdef";
    out.append("\\u")
        .append(hex.charAt(c >> 12))
        .append(hex.charAt((c >> 8) & 0xf))
        .append(hex.charAt((c >> 4) & 0xf))
        .append(hex.charAt(c & 0xf));
  }

  /**
   * The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not
   * count).
   */
  static int nestingDepth(byte[] json) {
    int depth = 0;
    int deepest = 0;
    boolean inString = false;
    for (int i = 0; i < json.length; i++) {
      byte b = json[i];
      if (inString) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '[' || b == '{') {
        deepest = Math.max(deepest, ++depth);
      } else if (b == ']' || b == '}') {
        depth--;
      }
    }
    return deepest;
  }

  /** For reports: printable, bounded. */
  static String quote(String s) {
    return quote(s, 40);
  }

  /**
   * For reports: ASCII only (surefire cuts a report at a NUL or a lone surrogate), at most {@code
   * max} characters of the original.
   */
  static String quote(String s, int max) {
    StringBuilder out = new StringBuilder("\"");
    int shown = Math.min(s.length(), max);
    for (int i = 0; i < shown; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        unicodeEscape(c, out);
      } else {
        out.append(c);
      }
    }
    return out.append(s.length() > shown ? "...(" + s.length() + " chars)\"" : "\"").toString();
  }
}
