package io.clbdirect.gate.controller;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.extended.event.EventType;
import io.kubernetes.client.extended.event.legacy.EventRecorder;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * In-memory stand-ins for the API server edges of the reconcilers: Events and frontend writes are
 * recorded, not sent.
 */
final class ControllerFakes {

  private ControllerFakes() {}

  /** One Event as the reconcilers emit it. */
  record Event(String object, EventType type, String reason, String message) {}

  /** Keeps every Event. */
  static final class Events implements EventRecorder {
    final List<Event> recorded = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void event(
        KubernetesObject object, EventType t, String reason, String format, String... args) {
      recorded.add(
          new Event(
              object.getMetadata().getNamespace() + "/" + object.getMetadata().getName(),
              t,
              reason,
              String.format(format, (Object[]) args)));
    }

    @Override
    public void event(
        KubernetesObject object,
        Map<String, String> annotations,
        EventType t,
        String reason,
        String format,
        String... args) {
      event(object, t, reason, format, args);
    }

    @Override
    public void event(
        V1ObjectReference ref, EventType t, String reason, String format, String... args) {
      recorded.add(
          new Event(
              ref.getNamespace() + "/" + ref.getName(),
              t,
              reason,
              String.format(format, (Object[]) args)));
    }

    @Override
    public void event(
        V1ObjectReference ref,
        Map<String, String> annotations,
        EventType t,
        String reason,
        String format,
        String... args) {
      event(ref, t, reason, format, args);
    }

    List<String> reasons() {
      synchronized (recorded) {
        return recorded.stream().map(Event::reason).toList();
      }
    }
  }

  /**
   * Records the writes instead of patching: annotations set (null = removed), finalizers, VIPs, per
   * namespace/name. The objects in the caches are not changed: a test that needs the effect puts
   * the updated object in its cache, as the informer would.
   */
  static final class Writes extends FrontendWriter {
    final Map<String, Map<String, String>> annotations = new LinkedHashMap<>();
    final Map<String, Boolean> finalizers = new LinkedHashMap<>();
    final Map<String, String> vips = new LinkedHashMap<>();

    Writes() {
      super(new ApiClient());
    }

    private static String key(KubernetesObject object) {
      return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }

    @Override
    synchronized void setFinalizer(KubernetesObject object, String finalizer, boolean present) {
      finalizers.put(key(object), present);
    }

    @Override
    synchronized void annotate(KubernetesObject object, Map<String, String> values) {
      values.forEach(
          (k, v) -> annotations.computeIfAbsent(key(object), o -> new LinkedHashMap<>()).put(k, v));
    }

    @Override
    synchronized void setVip(KubernetesObject object, String vip) {
      vips.put(key(object), vip);
    }
  }
}
