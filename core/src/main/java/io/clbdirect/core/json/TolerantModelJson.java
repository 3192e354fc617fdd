package io.clbdirect.core.json;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import io.kubernetes.client.openapi.JSON;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * Reads client-java model objects ({@code V1Pod}, ...) without client-java's strict validation.
 *
 * <p>client-java's generated models throw on any JSON field their Kubernetes version does not know
 * ("The field `x` in the JSON string is not defined in the `V1ObjectMeta` properties"). An API
 * server newer than the client would then make every Pod unreadable, and the webhook would let Pods
 * through without their readiness gate: exactly the traffic loss clb-direct exists to prevent. This
 * reader binds the same model classes field by field and ignores what it does not know, using
 * client-java's own adapters for timestamps, bytes, {@code Quantity} and {@code IntOrString}.
 */
public final class TolerantModelJson {

  private static final Gson GSON =
      new GsonBuilder()
          .registerTypeAdapter(OffsetDateTime.class, new JSON.OffsetDateTimeTypeAdapter())
          .registerTypeAdapter(LocalDate.class, new JSON.LocalDateTypeAdapter())
          .registerTypeAdapter(byte[].class, new JSON.ByteArrayAdapter())
          .disableHtmlEscaping()
          .create();

  private TolerantModelJson() {}

  public static Gson gson() {
    return GSON;
  }

  /**
   * Binds a JSON tree to a model class.
   *
   * @throws JsonParseException when a known field has the wrong shape (e.g. a string where an
   *     object belongs)
   */
  public static <T> T read(JsonElement json, Class<T> type) {
    try {
      return GSON.fromJson(json, type);
    } catch (RuntimeException e) {
      // Gson reports shape errors as several exception types; callers need one.
      throw e instanceof JsonParseException jpe ? jpe : new JsonParseException(e.getMessage(), e);
    }
  }
}
