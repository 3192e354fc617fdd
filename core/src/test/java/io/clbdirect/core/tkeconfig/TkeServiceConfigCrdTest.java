package io.clbdirect.core.tkeconfig;

import static io.clbdirect.core.tkeconfig.Examples.at;
import static io.clbdirect.core.tkeconfig.Examples.full;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The CRD's schema and the parser enforce the same rules, so what the API server accepts clb-direct
 * applies, and what clb-direct rejects the API server already refused. Checked black-box: every
 * constraint found in the schema is tried against the parser at its edges, and every keyword the
 * test does not know how to try fails the test, so a constraint cannot be added to one side only.
 */
class TkeServiceConfigCrdTest {

  static final Path CRD =
      Path.of("..", "manifests", "crd", "tkeserviceconfigs.cloud.tencent.com.yaml");

  private static final Set<String> OBJECT_KEYWORDS =
      Set.of(
          "type", "description", "properties", "required", "x-kubernetes-preserve-unknown-fields");
  private static final Set<String> ARRAY_KEYWORDS =
      Set.of(
          "type", "description", "items", "x-kubernetes-list-type", "x-kubernetes-list-map-keys");
  private static final Set<String> INTEGER_KEYWORDS =
      Set.of("type", "description", "minimum", "maximum");
  private static final Set<String> STRING_KEYWORDS =
      Set.of("type", "description", "enum", "pattern", "minLength");
  private static final Set<String> BOOLEAN_KEYWORDS = Set.of("type", "description");

  private static final Map<String, Object> DEFINITION = load();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load() {
    try (Reader reader = Files.newBufferedReader(CRD)) {
      return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + CRD.toAbsolutePath(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value == null ? List.of() : (List<Object>) value;
  }

  private static Map<String, Object> spec() {
    return map(DEFINITION.get("spec"));
  }

  private static Map<String, Object> version() {
    List<Object> versions = list(spec().get("versions"));
    assertThat(versions).hasSize(1);
    return map(versions.get(0));
  }

  private static Map<String, Object> rootSchema() {
    return map(map(version().get("schema")).get("openAPIV3Schema"));
  }

  @Test
  void namesAreTkes() {
    Map<String, Object> names = map(spec().get("names"));

    assertThat(DEFINITION.get("apiVersion")).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(map(DEFINITION.get("metadata")).get("name"))
        .isEqualTo(TkeServiceConfigs.PLURAL + "." + TkeServiceConfigs.GROUP);
    assertThat(spec().get("group")).isEqualTo(TkeServiceConfigs.GROUP);
    assertThat(spec().get("scope")).isEqualTo("Namespaced");
    assertThat(names.get("kind")).isEqualTo(TkeServiceConfigs.KIND);
    assertThat(names.get("plural")).isEqualTo(TkeServiceConfigs.PLURAL);
    assertThat(list(names.get("shortNames"))).containsExactly("tsc");
    assertThat(version().get("name")).isEqualTo(TkeServiceConfigs.VERSION);
    assertThat(version().get("served")).isEqualTo(true);
    assertThat(version().get("storage")).isEqualTo(true);
  }

  @Test
  void reservesTheNamesOfTkesAutomaticConfigs() {
    List<Object> rules = list(rootSchema().get("x-kubernetes-validations"));

    assertThat(rules).hasSize(1);
    assertThat((String) map(rules.get(0)).get("rule"))
        .contains("self.metadata.name")
        .contains("'-auto-service-config'")
        .contains("'-auto-ingress-config'");
  }

  @Test
  void everyFieldOfTheFullExampleIsInTheSchema() {
    // With the factory below, which needs every schema field in the example, the two name the same
    // fields.
    assertFieldsKnown(
        full().get("spec"), map(map(rootSchema().get("properties")).get("spec")), "spec");
  }

  private static void assertFieldsKnown(
      JsonElement value, Map<String, Object> schema, String path) {
    if (value.isJsonObject()) {
      Map<String, Object> properties = map(schema.get("properties"));
      for (Map.Entry<String, JsonElement> field : value.getAsJsonObject().entrySet()) {
        String fieldPath = path + "." + field.getKey();
        assertThat(properties).as(fieldPath + " in the schema").containsKey(field.getKey());
        assertFieldsKnown(field.getValue(), map(properties.get(field.getKey())), fieldPath);
      }
    } else if (value.isJsonArray()) {
      JsonArray array = value.getAsJsonArray();
      for (int i = 0; i < array.size(); i++) {
        assertFieldsKnown(array.get(i), map(schema.get("items")), path + "[" + i + "]");
      }
    }
  }

  @TestFactory
  List<DynamicTest> everySchemaConstraintIsTheParsers() {
    List<DynamicTest> tests = new ArrayList<>();
    walk(map(map(rootSchema().get("properties")).get("spec")), "spec", tests);
    return tests;
  }

  private static void walk(Map<String, Object> schema, String path, List<DynamicTest> tests) {
    String type = (String) schema.get("type");
    Set<String> known =
        switch (type) {
          case "object" -> OBJECT_KEYWORDS;
          case "array" -> ARRAY_KEYWORDS;
          case "integer" -> INTEGER_KEYWORDS;
          case "string" -> STRING_KEYWORDS;
          case "boolean" -> BOOLEAN_KEYWORDS;
          default -> Set.of();
        };
    tests.add(
        dynamicTest(
            path + " (" + type + ") uses only keywords this test tries",
            () -> assertThat(known).containsAll(schema.keySet())));
    switch (type) {
      case "object" -> object(schema, path, tests);
      case "array" -> array(schema, path, tests);
      case "integer" -> integer(schema, path, tests);
      case "string" -> string(schema, path, tests);
      case "boolean" -> bool(path, tests);
      default -> {
        // Reported by the keyword test above: no keyword is known for an unknown type.
      }
    }
  }

  private static void object(Map<String, Object> schema, String path, List<DynamicTest> tests) {
    for (Object required : list(schema.get("required"))) {
      tests.add(
          dynamicTest(
              path + "." + required + " is required",
              () -> {
                JsonObject resource = full();
                assertThat(at(resource, path).remove((String) required))
                    .as("in the example")
                    .isNotNull();
                assertThat(errorsOf(resource))
                    .containsExactly(path + "." + required + ": is required");
              }));
    }
    if (Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))) {
      tests.add(
          dynamicTest(
              path + " keeps fields clb-direct does not apply, and the parser ignores them",
              () -> {
                JsonObject resource = full();
                at(resource, path).addProperty("someTkeOnlyField", 1);
                assertThat(TkeServiceConfigParser.parse(resource))
                    .isEqualTo(TkeServiceConfigParser.parse(full()));
              }));
    }
    Map<String, Object> properties =
        schema.get("properties") == null ? Map.of() : map(schema.get("properties"));
    properties.forEach((name, child) -> walk(map(child), path + "." + name, tests));
  }

  private static void array(Map<String, Object> schema, String path, List<DynamicTest> tests) {
    if (schema.containsKey("x-kubernetes-list-type")) {
      tests.add(
          dynamicTest(
              path + " has one entry per protocol and port",
              () -> {
                assertThat(schema.get("x-kubernetes-list-type")).isEqualTo("map");
                assertThat(list(schema.get("x-kubernetes-list-map-keys")))
                    .containsExactly("protocol", "port");
                JsonObject resource = full();
                JsonArray entries = at(resource, parentOf(path)).getAsJsonArray(keyOf(path));
                entries.add(entries.get(0).deepCopy());
                int last = entries.size() - 1;
                assertThat(errorsOf(resource))
                    .singleElement()
                    .asString()
                    .startsWith(path + "[" + last + "]: duplicates " + path + "[0] (");
              }));
    }
    walk(map(schema.get("items")), path + "[0]", tests);
  }

  private static void integer(Map<String, Object> schema, String path, List<DynamicTest> tests) {
    Integer min = (Integer) schema.get("minimum");
    Integer max = (Integer) schema.get("maximum");
    tests.add(
        dynamicTest(
            path + " is limited to " + min + "–" + max,
            () -> {
              assertThat(min).as("minimum").isNotNull();
              assertThat(max).as("maximum").isNotNull();
              assertAccepted(path, new JsonPrimitive(min));
              assertAccepted(path, new JsonPrimitive(max));
              String outOfRange = " is out of range " + min + "–" + max;
              assertRejected(
                  path, new JsonPrimitive(min - 1), path + ": " + (min - 1) + outOfRange);
              assertRejected(
                  path, new JsonPrimitive(max + 1), path + ": " + (max + 1) + outOfRange);
            }));
    tests.add(
        dynamicTest(
            path + " is an integer",
            () ->
                assertRejected(
                    path, new JsonPrimitive("1"), path + ": must be an integer, got \"1\"")));
  }

  private static void string(Map<String, Object> schema, String path, List<DynamicTest> tests) {
    List<Object> allowed = list(schema.get("enum"));
    if (!allowed.isEmpty()) {
      tests.add(
          dynamicTest(
              path + " is one of " + allowed,
              () -> {
                for (Object value : allowed) {
                  assertAccepted(path, new JsonPrimitive((String) value));
                }
                String names =
                    allowed.stream().map(String::valueOf).collect(Collectors.joining(", "));
                assertRejected(
                    path,
                    new JsonPrimitive("NOT_AN_OPTION"),
                    path + ": \"NOT_AN_OPTION\" is not one of " + names);
              }));
    }
    if (schema.containsKey("pattern")) {
      tests.add(
          dynamicTest(
              path + " matches " + schema.get("pattern"),
              () -> {
                assertThat(schema.get("pattern"))
                    .as("the one pattern the parser knows")
                    .isEqualTo("^/");
                assertAccepted(path, new JsonPrimitive("/x"));
                assertRejected(
                    path, new JsonPrimitive("x"), path + ": \"x\" must start with \"/\"");
              }));
    }
    if (schema.containsKey("minLength")) {
      tests.add(
          dynamicTest(
              path + " is not empty",
              () -> {
                assertThat(schema.get("minLength")).isEqualTo(1);
                assertAccepted(path, new JsonPrimitive("x"));
                assertRejected(path, new JsonPrimitive(""), path + ": must not be empty");
              }));
    }
    if (allowed.isEmpty() && !schema.containsKey("pattern") && !schema.containsKey("minLength")) {
      tests.add(
          dynamicTest(
              path + " is any string",
              () -> assertAccepted(path, new JsonPrimitive("any string"))));
    }
    tests.add(
        dynamicTest(
            path + " is a string",
            () -> assertRejected(path, new JsonPrimitive(1), path + ": must be a string, got 1")));
  }

  private static void bool(String path, List<DynamicTest> tests) {
    tests.add(
        dynamicTest(
            path + " is true or false",
            () -> {
              assertAccepted(path, new JsonPrimitive(true));
              assertAccepted(path, new JsonPrimitive(false));
              assertRejected(
                  path, new JsonPrimitive("true"), path + ": must be true or false, got \"true\"");
            }));
  }

  /** The example with the field at {@code path} (which it must have) set to {@code value}. */
  private static JsonObject withValue(String path, JsonElement value) {
    JsonObject resource = full();
    JsonObject parent = at(resource, parentOf(path));
    assertThat(parent.has(keyOf(path))).as(path + " in the example").isTrue();
    parent.add(keyOf(path), value);
    // timeout < intervalTime is a rule between two fields, which the schema does not carry; a range
    // probe of one of them must not trip over the other's example value.
    if (keyOf(path).equals("timeout")) {
      parent.remove("intervalTime");
    } else if (keyOf(path).equals("intervalTime")) {
      parent.remove("timeout");
    }
    return resource;
  }

  private static void assertAccepted(String path, JsonElement value) {
    assertThat(TkeServiceConfigParser.parse(withValue(path, value)).errors())
        .as(path + " = " + value)
        .isEmpty();
  }

  private static void assertRejected(String path, JsonElement value, String error) {
    assertThat(errorsOf(withValue(path, value))).as(path + " = " + value).containsExactly(error);
  }

  private static List<String> errorsOf(JsonObject resource) {
    return TkeServiceConfigParser.parse(resource).errors();
  }

  private static String parentOf(String path) {
    return path.substring(0, path.lastIndexOf('.'));
  }

  private static String keyOf(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }
}
