package io.clbdirect.gate.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.extended.event.EventType;
import io.kubernetes.client.extended.event.legacy.EventRecorder;
import io.kubernetes.client.extended.event.legacy.EventSink;
import io.kubernetes.client.extended.event.legacy.LegacyEventBroadcaster;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The broadcaster with clb-direct's repairs, against a sink that records what would reach the API
 * server.
 */
class EventRecordingTest {

  /**
   * Creates, and patches as the API server would apply them (count and message from the patch
   * body).
   */
  static final class RecordingSink implements EventSink {
    final List<CoreV1Event> created = new CopyOnWriteArrayList<>();
    final List<JsonObject> patches = new CopyOnWriteArrayList<>();

    @Override
    public CoreV1Event create(CoreV1Event event) {
      event.getMetadata().setResourceVersion("1");
      created.add(event);
      return event;
    }

    @Override
    public CoreV1Event update(CoreV1Event event) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CoreV1Event patch(CoreV1Event event, V1Patch ignored) {
      // What clb-direct's sink sends; parsing it fails if it is not valid JSON.
      JsonObject body =
          JsonParser.parseString(
                  EventRecording.countPatch(event, OffsetDateTime.now(ZoneOffset.UTC)).getValue())
              .getAsJsonObject();
      patches.add(body);
      event.setCount(body.get("count").getAsInt());
      event.setMessage(body.get("message").getAsString());
      return event;
    }
  }

  final RecordingSink sink = new RecordingSink();
  final LegacyEventBroadcaster broadcaster =
      new LegacyEventBroadcaster(new EventRecording.PerReasonCorrelator(), sink);
  final EventRecorder recorder =
      broadcaster.newRecorder(new V1EventSource().component("clb-direct-gate-controller"));
  final V1Service web =
      new V1Service()
          .apiVersion("v1")
          .kind("Service")
          .metadata(new V1ObjectMeta().name("web").namespace("shop").uid("uid-web"));

  @AfterEach
  void stop() {
    broadcaster.shutdown();
  }

  static void await(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 5 s");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void theSameWarningAgainIsOneEventWithItsCountEvenWithQuotesInTheMessage() throws Exception {
    broadcaster.startRecording();
    String message =
        "CreateListener failed: LimitExceeded: the listener quota of \"lb-1\" is full\\n";
    for (int i = 0; i < 3; i++) {
      recorder.event(web, EventType.Warning, "CloudApiError", "%s", message);
    }

    await(() -> sink.patches.size() == 2);
    assertThat(sink.created)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getReason()).isEqualTo("CloudApiError");
              assertThat(event.getType()).isEqualTo("Warning");
              assertThat(event.getCount()).isEqualTo(1);
            });
    assertThat(sink.patches)
        .as("the same Event, its count raised")
        .extracting(p -> p.get("count").getAsInt())
        .containsExactly(2, 3);
    assertThat(sink.patches.get(1).get("message").getAsString()).isEqualTo(message);
    assertThat(sink.patches.get(1).get("lastTimestamp").getAsString())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
  }

  @Test
  void oneReasonRepeatedManyTimesDoesNotSilenceAnother() throws Exception {
    broadcaster.startRecording();
    for (int i = 0; i < 40; i++) {
      recorder.event(
          web,
          EventType.Warning,
          "CloudApiError",
          "%s",
          "DescribeTargets failed: InternalError: attempt " + i);
    }
    recorder.event(
        web,
        EventType.Warning,
        "LoadBalancerNotFound",
        "%s",
        "load balancer lb-typo does not exist");

    await(() -> sink.created.stream().anyMatch(e -> "LoadBalancerNotFound".equals(e.getReason())));
    assertThat(sink.created.stream().filter(e -> "CloudApiError".equals(e.getReason())).count())
        .as("the flood itself is still limited")
        .isLessThan(40);
  }
}
