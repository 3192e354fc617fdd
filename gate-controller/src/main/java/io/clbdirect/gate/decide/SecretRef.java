package io.clbdirect.gate.decide;

import java.util.Objects;

/**
 * A Secret named by a frontend (an Ingress's {@code tls[].secretName}, a Service's annotation), in
 * the frontend's namespace.
 */
public record SecretRef(String namespace, String name) {

  public SecretRef {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
