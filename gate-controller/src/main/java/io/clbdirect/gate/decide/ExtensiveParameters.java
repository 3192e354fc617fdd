package io.clbdirect.gate.decide;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.annotations.SerializedName;
import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest;
import com.tencentcloudapi.common.AbstractModel;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CreateLoadBalancer fields a frontend asks for in TKE's {@code extensiveParameters}
 * annotation, e.g. {@code {"ZoneId":"ap-guangzhou-1"}}. Checked against the official SDK's own
 * request model, so the schema is Tencent's, not a copy: a field the model does not have, or a
 * value of the wrong JSON type, is refused with its path. Fields clb-direct sets itself are refused
 * too, because a user value would either be overwritten silently or break what clb-direct relies on
 * (the VPC, the owner tags, one load balancer per frontend). Pure.
 */
public final class ExtensiveParameters {

  /** Set by clb-direct on every load balancer it creates. */
  public static final Set<String> OWNED =
      Set.of("VpcId", "LoadBalancerType", "SubnetId", "Tags", "ClientToken", "Number");

  private static final Map<Class<?>, Map<String, Field>> SCHEMAS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private ExtensiveParameters() {}

  /**
   * @param fields the accepted fields (empty when the annotation is absent or refused)
   * @param problems one sentence per refused field or value, naming the annotation and the field
   *     path
   */
  public record Parsed(JsonObject fields, List<String> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * @param value the annotation's value, or null when it is absent
   */
  public static Parsed parse(String annotation, String value) {
    if (value == null || value.isBlank()) {
      return new Parsed(new JsonObject(), List.of());
    }
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(value);
    } catch (RuntimeException e) {
      return refused(annotation + " is not valid JSON: " + rootCause(e));
    }
    if (!parsed.isJsonObject()) {
      return refused(
          annotation
              + " must be a JSON object of CreateLoadBalancer fields, e.g. {\"ZoneId\":\"ap-guangzhou-1\"}");
    }
    List<String> problems = new ArrayList<>();
    JsonObject fields = parsed.getAsJsonObject();
    for (String name : fields.keySet()) {
      if (OWNED.contains(name)) {
        problems.add(
            annotation
                + ": "
                + name
                + " is set by clb-direct and cannot be given here"
                + (name.equals("SubnetId") || name.equals("LoadBalancerType")
                    ? " (use the internal-subnet annotation for an internal load balancer)"
                    : ""));
      }
    }
    check(annotation, "", fields, CreateLoadBalancerRequest.class, problems);
    return problems.isEmpty()
        ? new Parsed(fields.deepCopy(), List.of())
        : new Parsed(new JsonObject(), List.copyOf(problems));
  }

  private static void check(
      String annotation, String path, JsonObject object, Class<?> model, List<String> problems) {
    Map<String, Field> schema = schema(model);
    for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
      String fieldPath = path + entry.getKey();
      Field field = schema.get(entry.getKey());
      if (field == null) {
        if (!path.isEmpty() || !OWNED.contains(entry.getKey())) {
          problems.add(
              annotation
                  + ": "
                  + fieldPath
                  + " is not a field of "
                  + (path.isEmpty() ? "CreateLoadBalancer" : model.getSimpleName())
                  + " (the official SDK's model has no such field; names are case-sensitive)");
        }
        continue;
      }
      checkValue(annotation, fieldPath, entry.getValue(), field.getType(), problems);
    }
  }

  private static void checkValue(
      String annotation, String path, JsonElement value, Class<?> type, List<String> problems) {
    if (value.isJsonNull()) {
      problems.add(annotation + ": " + path + " is null; leave it out instead");
      return;
    }
    if (type.isArray()) {
      if (!value.isJsonArray()) {
        problems.add(annotation + ": " + path + " must be a JSON array");
        return;
      }
      int i = 0;
      for (JsonElement element : value.getAsJsonArray()) {
        checkValue(annotation, path + "[" + i++ + "]", element, type.getComponentType(), problems);
      }
      return;
    }
    if (AbstractModel.class.isAssignableFrom(type)) {
      if (!value.isJsonObject()) {
        problems.add(annotation + ": " + path + " must be a JSON object");
        return;
      }
      check(annotation, path + ".", value.getAsJsonObject(), type, problems);
      return;
    }
    String expected = expected(type);
    if (!matches(value, type)) {
      problems.add(annotation + ": " + path + " must be " + expected + ", got " + value);
    }
  }

  private static boolean matches(JsonElement value, Class<?> type) {
    if (!value.isJsonPrimitive()) {
      return false;
    }
    JsonPrimitive primitive = value.getAsJsonPrimitive();
    if (type == String.class) {
      return primitive.isString();
    }
    if (type == Boolean.class) {
      return primitive.isBoolean();
    }
    if (!primitive.isNumber()) {
      return false;
    }
    BigDecimal number = primitive.getAsBigDecimal();
    if (type == Long.class || type == Integer.class) {
      try {
        long exact = number.longValueExact();
        return type == Long.class || (exact >= Integer.MIN_VALUE && exact <= Integer.MAX_VALUE);
      } catch (ArithmeticException e) {
        return false;
      }
    }
    return type == Float.class || type == Double.class;
  }

  private static String expected(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class) {
      return "true or false";
    }
    if (type == Long.class || type == Integer.class) {
      return "an integer";
    }
    return "a number";
  }

  /** JSON name to field, from the model's {@code @SerializedName}s (the names the SDK sends). */
  private static Map<String, Field> schema(Class<?> model) {
    return SCHEMAS.computeIfAbsent(
        model,
        m -> {
          Map<String, Field> fields = new LinkedHashMap<>();
          for (Class<?> c = m; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
              SerializedName name = field.getAnnotation(SerializedName.class);
              if (name != null) {
                fields.putIfAbsent(name.value(), field);
              }
            }
          }
          return Map.copyOf(fields);
        });
  }

  private static Parsed refused(String problem) {
    return new Parsed(new JsonObject(), List.of(problem));
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
