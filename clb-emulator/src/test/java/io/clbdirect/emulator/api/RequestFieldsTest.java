package io.clbdirect.emulator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.annotations.SerializedName;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.emulator.faults.FaultInjector;
import io.clbdirect.emulator.model.ClbState;
import java.lang.reflect.Field;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No request field can be silently ignored: every field of the SDK's request model of every served
 * action (tencentcloud-sdk-java 3.1.1436, read by reflection, nested models included) is documented
 * in {@link RequestFields}, so it is either implemented or refused by name; every documented field
 * that is not implemented is refused with UnsupportedOperation, every implemented one passes, and
 * an undocumented one is UnknownParameter.
 */
class RequestFieldsTest {

  private static final String MODELS = "com.tencentcloudapi.clb.v20180317.models.";
  private static final String SSL_MODELS = "com.tencentcloudapi.ssl.v20191205.models.";

  /** The SDK model package of an action: the SSL API's or CLB's. */
  private static String models(String action) {
    return new SslApi(new ClbState(Clock.systemUTC())).actions().contains(action)
        ? SSL_MODELS
        : MODELS;
  }

  @Test
  void theRecordedActionsAreExactlyTheServedOnes() throws Exception {
    ClbState state = new ClbState(Clock.systemUTC());
    try (Tasks tasks = new Tasks(state, Duration.ofMillis(10))) {
      ClbApi api =
          new ClbApi(state, EmulatorConfig.defaults("id", "key"), new FaultInjector(), tasks);
      Set<String> served = new LinkedHashSet<>(api.actions());
      served.addAll(new SslApi(state).actions());
      assertThat(RequestFields.actions()).containsExactlyInAnyOrderElementsOf(served);
    }
  }

  @Test
  void everySdkRequestFieldIsImplementedOrRefusedByName() throws Exception {
    for (String action : RequestFields.actions()) {
      Set<String> sdk = sdkPaths(Class.forName(models(action) + action + "Request"), "");
      assertThat(sdk).as(action + ": the SDK model's fields").isNotNull();
      Set<String> documented = RequestFields.documented(action);
      assertThat(documented)
          .as(action + ": every SDK 3.1.1436 field is documented, so implemented or refused")
          .containsAll(sdk);
      assertThat(documented)
          .as(action + ": only documented fields are implemented")
          .containsAll(RequestFields.implemented(action));
    }
  }

  @Test
  void everyDocumentedFieldIsRefusedUnlessImplemented() {
    int refused = 0;
    for (String action : RequestFields.actions()) {
      Set<String> implemented = RequestFields.implemented(action);
      for (String path : RequestFields.documented(action)) {
        JsonObject body = body(path);
        if (implemented.contains(path)) {
          assertThatCode(() -> RequestFields.check(action, body))
              .as(action + " " + path)
              .doesNotThrowAnyException();
        } else {
          refused++;
          String named = firstRefused(path, implemented);
          assertThatThrownBy(() -> RequestFields.check(action, body))
              .as(action + " " + path)
              .isInstanceOfSatisfying(
                  ApiError.class,
                  e -> {
                    assertThat(e.code()).isEqualTo("UnsupportedOperation");
                    assertThat(e.getMessage()).contains("`" + named + "`").contains(action);
                  });
        }
      }
    }
    assertThat(refused).isGreaterThan(50);
  }

  @Test
  void undocumentedFieldsAreUnknownParameters() {
    for (String action : RequestFields.actions()) {
      assertUnknown(action, "Bogus");
      for (String path : RequestFields.implemented(action)) {
        // Inside every implemented object or list of objects, an unknown field is named with its
        // path.
        if (RequestFields.documented(action).stream()
            .anyMatch(p -> p.startsWith(path + ".") || p.startsWith(path + "[]."))) {
          boolean list =
              RequestFields.documented(action).stream().anyMatch(p -> p.startsWith(path + "[]."));
          assertUnknown(action, path + (list ? "[]." : ".") + "Bogus");
        }
      }
    }
    // Case matters: the API's names are exact.
    assertUnknown("DescribeLoadBalancers", "loadBalancerIds");
  }

  @Test
  void commonParametersAndNullsPass() {
    JsonObject body = new JsonObject();
    body.addProperty("Action", "DescribeQuota");
    body.addProperty("Region", "ap-guangzhou");
    body.add("Egress", com.google.gson.JsonNull.INSTANCE);
    assertThatCode(() -> RequestFields.check("DescribeQuota", body)).doesNotThrowAnyException();
    assertThatCode(() -> RequestFields.check("CreateLoadBalancer", body))
        .doesNotThrowAnyException();
  }

  /**
   * The field a refusal names: the path itself, or the outermost object on it that is refused
   * (Certificate for Certificate.CertId).
   */
  private static String firstRefused(String path, Set<String> implemented) {
    for (int dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
      String prefix = path.substring(0, dot);
      String field = prefix.endsWith("[]") ? prefix.substring(0, prefix.length() - 2) : prefix;
      if (!implemented.contains(field)) {
        return field;
      }
    }
    return path;
  }

  private static void assertUnknown(String action, String path) {
    assertThatThrownBy(() -> RequestFields.check(action, body(path)))
        .as(action + " " + path)
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.code()).isEqualTo("UnknownParameter");
              assertThat(e.getMessage()).contains("`" + path + "`").contains(action);
            });
  }

  /** A request holding just {@code path}: {@code A[].B.C} becomes {"A":[{"B":{"C":"x"}}]}. */
  static JsonObject body(String path) {
    JsonObject root = new JsonObject();
    JsonObject current = root;
    String rest = path;
    while (true) {
      int dot = rest.indexOf('.');
      if (dot < 0) {
        current.addProperty(rest, "x");
        return root;
      }
      String head = rest.substring(0, dot);
      JsonObject next = new JsonObject();
      if (head.endsWith("[]")) {
        JsonArray list = new JsonArray();
        list.add(next);
        current.add(head.substring(0, head.length() - 2), list);
      } else {
        current.add(head, next);
      }
      current = next;
      rest = rest.substring(dot + 1);
    }
  }

  /**
   * The SDK model's field paths, as RequestFields writes them ({@code Name[].Sub} for a list of
   * objects).
   */
  private static Set<String> sdkPaths(Class<?> model, String prefix) {
    Set<String> paths = new LinkedHashSet<>();
    for (Field field : model.getDeclaredFields()) {
      SerializedName name = field.getAnnotation(SerializedName.class);
      if (name == null) {
        continue;
      }
      String path = prefix + name.value();
      paths.add(path);
      Class<?> type =
          field.getType().isArray() ? field.getType().getComponentType() : field.getType();
      if (type.getName().startsWith(MODELS) || type.getName().startsWith(SSL_MODELS)) {
        paths.addAll(sdkPaths(type, path + (field.getType().isArray() ? "[]." : ".")));
      }
    }
    return paths;
  }
}
