package io.clbdirect.gate.controller;

import java.util.Objects;

/** A workqueue item: one direct-access Service or Ingress. */
record FrontendKey(Kind kind, String namespace, String name) {

  enum Kind {
    SERVICE,
    INGRESS
  }

  FrontendKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  static FrontendKey service(String namespace, String name) {
    return new FrontendKey(Kind.SERVICE, namespace, name);
  }

  static FrontendKey ingress(String namespace, String name) {
    return new FrontendKey(Kind.INGRESS, namespace, name);
  }

  /** The informer cache key. */
  String cacheKey() {
    return namespace + "/" + name;
  }

  @Override
  public String toString() {
    return (kind == Kind.SERVICE ? "Service " : "Ingress ") + cacheKey();
  }
}
