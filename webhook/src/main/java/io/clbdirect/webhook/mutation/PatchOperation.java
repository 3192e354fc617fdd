package io.clbdirect.webhook.mutation;

import com.google.gson.JsonElement;
import java.util.Objects;

/**
 * One RFC 6902 operation. The webhook only ever adds: it never replaces or removes what a user
 * wrote.
 *
 * @param op always {@code add}
 * @param path a JSON pointer into the Pod as the API server sent it
 * @param value the value to add
 */
public record PatchOperation(String op, String path, JsonElement value) {

  public PatchOperation {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(value, "value");
  }

  public static PatchOperation add(String path, JsonElement value) {
    return new PatchOperation("add", path, value);
  }
}
