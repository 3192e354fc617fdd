package io.clbdirect.webhook.admission;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.annotations.JsonAdapter;
import com.google.gson.annotations.SerializedName;
import com.google.gson.internal.LazilyParsedNumber;
import com.google.gson.internal.bind.JsonTreeReader;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.clbdirect.core.json.TolerantModelJson;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streams a Pod's JSON and keeps only what the mutator and the handler read; checks the rest only
 * for whether it would bind to {@link V1Pod}, without building anything.
 *
 * <p>The result is the Pod's JSON <em>projected</em> onto {@link #PROJECTION}: the same members, in
 * the same order, with the same values (copied verbatim as Gson trees) at the projected paths,
 * every array on the way kept whole (so indices in patch paths are the sent ones), everything else
 * dropped. {@code AdmittedPod.read} of it gives the model and the JSON the mutator needs, and
 * answers {@code has}/{@code find} for every path the mutator asks about exactly as the whole Pod
 * would.
 *
 * <p>The full bind of the whole Pod reports a field of the wrong shape anywhere (a string where
 * {@code volumes} belongs, a bad timestamp): the handler then allows the Pod unchanged with a
 * warning naming the error. So that the fast path answers the same, every skipped member is checked
 * against the {@code V1Pod} model: strings, objects, lists and maps by their JSON token alone,
 * every other scalar (numbers, booleans, {@code Quantity}, {@code IntOrString}, timestamps) by the
 * very adapter the full bind uses. Whenever that check is not sure the full bind would succeed, the
 * reader gives up ({@link Unsure}) and the caller falls back to the full parse, which then gives
 * the reference answer, error message included.
 */
final class LeanPodReader {

  /**
   * The paths kept. {@code COPY}: the value verbatim. {@code KEYS}: a map's keys, each with a null
   * value (its value is checked, not kept). A map: an object (or array of objects) projected in
   * turn.
   */
  private static final Object COPY = new Object();

  private static final Object KEYS = new Object();

  /**
   * The mutator asks only whether a container requests or limits a resource, never how much: the
   * quantities are checked (by Quantity's own parser, remembered per distinct string) but not
   * bound.
   */
  private static final Map<String, Object> RESOURCES = Map.of("requests", KEYS, "limits", KEYS);

  static final Map<String, Object> PROJECTION =
      Map.of(
          "kind", COPY,
          "metadata", Map.of("namespace", COPY, "labels", COPY, "annotations", COPY),
          "spec",
              Map.of(
                  "hostNetwork", COPY,
                  "terminationGracePeriodSeconds", COPY,
                  "readinessGates", COPY,
                  "containers", Map.of("lifecycle", COPY, "resources", RESOURCES),
                  "initContainers", Map.of("resources", RESOURCES)));

  /** Thrown when the reader cannot be sure the fast answer equals the full parse's. */
  static final class Unsure extends Exception {
    Unsure(String why) {
      super(why, null, false, false);
    }
  }

  /** What a member must look like to bind. */
  private sealed interface Shape permits Text, Model, ListOf, MapOf, Scalar, Never {}

  /** A String: Gson binds a string, a number or a boolean. */
  private record Text() implements Shape {}

  /** A model class bound reflectively, member by member. */
  private static final class Model implements Shape {
    final Class<?> type;
    volatile Map<String, Shape> fields;

    Model(Class<?> type) {
      this.type = type;
    }
  }

  private record ListOf(Shape element) implements Shape {}

  private record MapOf(Shape value) implements Shape {}

  /** A field with its own {@code @JsonAdapter}: never checked, always unsure (none in V1Pod). */
  private record Never() implements Shape {}

  /**
   * Anything else: checked by the adapter the full bind uses.
   *
   * @param integral the digits of an integer literal that surely bind, 0 for types that are not
   *     integers
   */
  private record Scalar(Type type, TypeAdapter<?> adapter, int integral, Set<String> bindingStrings)
      implements Shape {}

  /**
   * Strings a scalar's adapter has accepted (quantities such as {@code 500m}, timestamps) are
   * remembered, up to this many per type: the adapters are pure, and a cluster's Pods repeat the
   * same few quantities.
   */
  private static final int MAX_REMEMBERED = 4096;

  private static boolean isShortInteger(String literal, int maxDigits) {
    int start = literal.startsWith("-") ? 1 : 0;
    int digits = literal.length() - start;
    if (digits < 1 || digits > maxDigits) {
      return false;
    }
    for (int i = start; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static final Text TEXT = new Text();
  private static final Gson MODEL_GSON = TolerantModelJson.gson();
  private static final Map<Class<?>, Model> MODELS = new ConcurrentHashMap<>();
  private static final Model POD = model(V1Pod.class);

  private final TypeAdapter<JsonElement> treeReader;

  LeanPodReader(TypeAdapter<JsonElement> treeReader) {
    this.treeReader = treeReader;
  }

  /** Reads the Pod object the reader is positioned at (it must be a JSON object). */
  JsonObject read(JsonReader in) throws IOException, Unsure {
    return projectObject(in, POD, PROJECTION);
  }

  @SuppressWarnings("unchecked")
  private JsonObject projectObject(JsonReader in, Model model, Map<String, Object> projection)
      throws IOException, Unsure {
    JsonObject lean = new JsonObject();
    Map<String, Shape> fields = fields(model);
    in.beginObject();
    while (in.hasNext()) {
      String name = in.nextName();
      Shape shape = fields.get(name);
      Object kept = projection.get(name);
      if (kept == COPY) {
        // Checked when AdmittedPod.read binds the projection, exactly as the full bind would.
        lean.add(name, treeReader.read(in));
      } else if (kept == KEYS) {
        lean.add(name, projectKeys(in, shape));
      } else if (kept != null) {
        lean.add(name, projectMember(in, shape, (Map<String, Object>) kept));
      } else if (shape == null) {
        in.skipValue(); // unknown to the model: the full bind ignores it too
      } else {
        check(in, shape);
      }
    }
    in.endObject();
    return lean;
  }

  private JsonElement projectKeys(JsonReader in, Shape shape) throws IOException, Unsure {
    JsonToken token = in.peek();
    if (token == JsonToken.NULL) {
      in.nextNull();
      return JsonNull.INSTANCE;
    }
    if (!(shape instanceof MapOf map) || token != JsonToken.BEGIN_OBJECT) {
      throw new Unsure("unexpected " + token + " at " + in.getPath());
    }
    JsonObject keys = new JsonObject();
    in.beginObject();
    while (in.hasNext()) {
      keys.add(in.nextName(), JsonNull.INSTANCE);
      check(in, map.value());
    }
    in.endObject();
    return keys;
  }

  private JsonElement projectMember(JsonReader in, Shape shape, Map<String, Object> projection)
      throws IOException, Unsure {
    JsonToken token = in.peek();
    if (token == JsonToken.NULL) {
      in.nextNull();
      return JsonNull.INSTANCE;
    }
    if (shape instanceof Model model && token == JsonToken.BEGIN_OBJECT) {
      return projectObject(in, model, projection);
    }
    if (shape instanceof ListOf list
        && list.element() instanceof Model element
        && token == JsonToken.BEGIN_ARRAY) {
      JsonArray lean = new JsonArray();
      in.beginArray();
      while (in.hasNext()) {
        lean.add(projectMember(in, element, projection));
      }
      in.endArray();
      return lean;
    }
    throw new Unsure("unexpected " + token + " at " + in.getPath());
  }

  /** Consumes one value, throwing {@link Unsure} unless it surely binds to the shape. */
  private void check(JsonReader in, Shape shape) throws IOException, Unsure {
    JsonToken token = in.peek();
    if (shape instanceof Never) {
      throw new Unsure("a field with its own adapter at " + in.getPath());
    }
    if (token == JsonToken.NULL) {
      in.nextNull(); // every shape binds null (the fields are objects, never primitives)
      return;
    }
    if (shape instanceof Text) {
      if (token == JsonToken.STRING || token == JsonToken.NUMBER || token == JsonToken.BOOLEAN) {
        in.skipValue();
        return;
      }
    } else if (shape instanceof Model model) {
      if (token == JsonToken.BEGIN_OBJECT) {
        Map<String, Shape> fields = fields(model);
        in.beginObject();
        while (in.hasNext()) {
          Shape field = fields.get(in.nextName());
          if (field == null) {
            in.skipValue();
          } else {
            check(in, field);
          }
        }
        in.endObject();
        return;
      }
    } else if (shape instanceof ListOf list) {
      if (token == JsonToken.BEGIN_ARRAY) {
        in.beginArray();
        while (in.hasNext()) {
          check(in, list.element());
        }
        in.endArray();
        return;
      }
    } else if (shape instanceof MapOf map) {
      // Gson also binds an array of pairs as a map; too odd to be sure of: only BEGIN_OBJECT.
      if (token == JsonToken.BEGIN_OBJECT) {
        in.beginObject();
        while (in.hasNext()) {
          in.nextName();
          check(in, map.value());
        }
        in.endObject();
        return;
      }
    } else if (shape instanceof Scalar scalar) {
      JsonPrimitive value;
      if (token == JsonToken.NUMBER) {
        String literal = in.nextString();
        // Gson binds an integer literal to Integer/Long/IntOrString without fail (from a tree, even
        // out of range); a short one surely binds.
        if (scalar.integral() > 0 && isShortInteger(literal, scalar.integral())) {
          return;
        }
        value = new JsonPrimitive(new LazilyParsedNumber(literal)); // as the tree parse builds it
      } else if (token == JsonToken.STRING) {
        String text = in.nextString();
        if (scalar.type() == IntOrString.class || scalar.bindingStrings().contains(text)) {
          return;
        }
        value = new JsonPrimitive(text);
      } else if (token == JsonToken.BOOLEAN) {
        boolean flag = in.nextBoolean();
        if (scalar.type() == Boolean.class) {
          return;
        }
        value = new JsonPrimitive(flag);
      } else {
        throw new Unsure("unexpected " + token + " at " + in.getPath());
      }
      // The same tree value the full parse builds, read by the same adapter, as leniently as
      // Gson.fromJson(JsonElement, ...) reads it.
      JsonTreeReader tree = new JsonTreeReader(value);
      tree.setStrictness(Strictness.LENIENT);
      try {
        scalar.adapter().read(tree);
      } catch (RuntimeException e) {
        throw new Unsure("does not bind: " + e.getMessage());
      }
      if (value.isString() && scalar.bindingStrings().size() < MAX_REMEMBERED) {
        scalar.bindingStrings().add(value.getAsString());
      }
      return;
    }
    throw new Unsure("unexpected " + token + " at " + in.getPath());
  }

  // -----------------------------------------------------------------------------------------------
  // The model's shapes, from the same fields Gson's reflective adapter binds
  // -----------------------------------------------------------------------------------------------

  private static Model model(Class<?> type) {
    return MODELS.computeIfAbsent(type, Model::new);
  }

  private static Map<String, Shape> fields(Model model) {
    Map<String, Shape> fields = model.fields;
    if (fields == null) {
      fields = new HashMap<>();
      for (Class<?> c = model.type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field field : c.getDeclaredFields()) {
          int modifiers = field.getModifiers();
          if (Modifier.isStatic(modifiers)
              || Modifier.isTransient(modifiers)
              || field.isSynthetic()) {
            continue;
          }
          Shape shape =
              field.isAnnotationPresent(JsonAdapter.class)
                  ? new Never()
                  : shapeOf(field.getGenericType());
          SerializedName serialized = field.getAnnotation(SerializedName.class);
          String name = serialized == null ? field.getName() : serialized.value();
          fields.putIfAbsent(name, shape);
          if (serialized != null) {
            for (String alternate : serialized.alternate()) {
              fields.putIfAbsent(alternate, shape);
            }
          }
        }
      }
      fields = Map.copyOf(fields);
      model.fields = fields;
    }
    return fields;
  }

  private static Shape shapeOf(Type type) {
    if (type == String.class) {
      return TEXT;
    }
    if (type instanceof Class<?> c
        && c.getPackageName().equals(V1Pod.class.getPackageName())
        && !c.isEnum()
        && !c.isAnnotationPresent(JsonAdapter.class)) {
      return model(c);
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] arguments = p.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw) && raw.isAssignableFrom(List.class)) {
        return new ListOf(shapeOf(arguments[0]));
      }
      if (Map.class.isAssignableFrom(raw)
          && raw.isAssignableFrom(Map.class)
          && arguments[0] == String.class) {
        return new MapOf(shapeOf(arguments[1]));
      }
    }
    int integral =
        type == Integer.class || type == IntOrString.class ? 9 : type == Long.class ? 18 : 0;
    return new Scalar(
        type, MODEL_GSON.getAdapter(TypeToken.get(type)), integral, ConcurrentHashMap.newKeySet());
  }
}
