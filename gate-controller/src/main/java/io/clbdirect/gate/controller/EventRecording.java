package io.clbdirect.gate.controller;

import com.google.gson.JsonObject;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.extended.event.legacy.EventCorrelator;
import io.kubernetes.client.extended.event.legacy.EventSink;
import io.kubernetes.client.extended.event.legacy.EventSpamFilter;
import io.kubernetes.client.extended.event.legacy.EventUtils;
import io.kubernetes.client.extended.event.legacy.LegacyEventBroadcaster;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.util.PatchUtils;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Events as {@code kubectl describe} should show them: one Event per cause, its {@code count}
 * moving when the same Event (object, type, reason, message) is recorded again.
 * client-java-extended's {@link LegacyEventBroadcaster} aggregates that way (as client-go does),
 * with two repairs:
 *
 * <ul>
 *   <li>its count patch writes the message into JSON unescaped, so an Event whose message holds a
 *       double quote (the gate's own messages do) never had its count raised: the API server
 *       refused the patch and the broadcaster dropped the update silently. {@link Sink} builds the
 *       patch itself;
 *   <li>its spam filter allows 25 Events per object, then one per 5 minutes, across all reasons: a
 *       Service retrying a failing CLB call for a few minutes silenced every other cause on it.
 *       Here the budget is per object <em>and reason</em>.
 * </ul>
 */
final class EventRecording {

  private static final int CACHE_ENTRIES = 4096;

  private EventRecording() {}

  static LegacyEventBroadcaster broadcaster(CoreV1Api core) {
    return new LegacyEventBroadcaster(new PerReasonCorrelator(), new Sink(core));
  }

  /** Aggregates and counts as the library does; rate-limits per object and reason. */
  static final class PerReasonCorrelator extends EventCorrelator {
    PerReasonCorrelator() {
      this.filter =
          new EventSpamFilter(
                  CACHE_ENTRIES, event -> EventUtils.getSpamKey(event) + "/" + event.getReason())
              ::filter;
    }
  }

  /** The API server, with a count patch that is valid JSON whatever the message. */
  static final class Sink implements EventSink {

    private final CoreV1Api core;

    Sink(CoreV1Api core) {
      this.core = core;
    }

    @Override
    public CoreV1Event create(CoreV1Event event) throws ApiException {
      return core.createNamespacedEvent(event.getMetadata().getNamespace(), event).execute();
    }

    @Override
    public CoreV1Event update(CoreV1Event event) throws ApiException {
      return core.replaceNamespacedEvent(
              event.getMetadata().getName(), event.getMetadata().getNamespace(), event)
          .execute();
    }

    @Override
    public CoreV1Event patch(CoreV1Event event, V1Patch ignored) throws ApiException {
      V1Patch patch = countPatch(event, OffsetDateTime.now(ZoneOffset.UTC));
      return PatchUtils.patch(
          CoreV1Event.class,
          () ->
              core.patchNamespacedEvent(
                      event.getMetadata().getName(), event.getMetadata().getNamespace(), patch)
                  .buildCall(null),
          V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          core.getApiClient());
    }
  }

  /** The repeated Event's new count, message and last time, as JSON built by Gson (escaped). */
  static V1Patch countPatch(CoreV1Event event, OffsetDateTime now) {
    JsonObject patch = new JsonObject();
    patch.addProperty("message", event.getMessage());
    patch.addProperty("count", event.getCount());
    patch.addProperty(
        "lastTimestamp",
        now.withOffsetSameInstant(ZoneOffset.UTC)
            .truncatedTo(ChronoUnit.SECONDS)
            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    return new V1Patch(patch.toString());
  }
}
