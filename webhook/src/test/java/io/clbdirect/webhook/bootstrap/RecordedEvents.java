package io.clbdirect.webhook.bootstrap;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.extended.event.EventType;
import io.kubernetes.client.extended.event.legacy.EventRecorder;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Keeps the Events recorded, as "name Reason". */
final class RecordedEvents implements EventRecorder {

  final List<String> events = new ArrayList<>();

  @Override
  public void event(
      KubernetesObject object, EventType type, String reason, String format, String... args) {
    events.add(object.getMetadata().getName() + " " + reason);
  }

  @Override
  public void event(
      KubernetesObject object,
      Map<String, String> annotations,
      EventType type,
      String reason,
      String format,
      String... args) {
    event(object, type, reason, format, args);
  }

  @Override
  public void event(
      V1ObjectReference reference, EventType type, String reason, String format, String... args) {
    events.add(reference.getName() + " " + reason);
  }

  @Override
  public void event(
      V1ObjectReference reference,
      Map<String, String> annotations,
      EventType type,
      String reason,
      String format,
      String... args) {
    event(reference, type, reason, format, args);
  }
}
