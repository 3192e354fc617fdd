package io.clbdirect.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TolerantModelJsonTest {

  private static final String POD_FROM_A_NEWER_SERVER =
      """
      {"apiVersion":"v1","kind":"Pod",
       "metadata":{"name":"web-1","labels":{"app":"web"},"creationTimestamp":"2026-11-22T10:00:00Z",
                   "fieldFromTheFuture":{"a":1}},
       "spec":{"hostNetwork":false,"someNewSpecField":true,
               "containers":[{"name":"c","image":"nginx","ports":[{"containerPort":80}],
                              "resources":{"requests":{"cpu":"250m","memory":"64Mi"}},
                              "livenessProbe":{"httpGet":{"port":"http","path":"/"}},
                              "newContainerField":"x"}]}}
      """;

  @Test
  void clientJavasOwnReaderRejectsUnknownFieldsWhichIsWhyThisReaderExists() {
    assertThatThrownBy(() -> new JSON().deserialize(POD_FROM_A_NEWER_SERVER, V1Pod.class))
        .hasMessageContaining("fieldFromTheFuture");
  }

  @Test
  void readsKnownFieldsAndIgnoresUnknownOnes() {
    V1Pod pod =
        TolerantModelJson.read(JsonParser.parseString(POD_FROM_A_NEWER_SERVER), V1Pod.class);

    assertThat(pod.getMetadata().getName()).isEqualTo("web-1");
    assertThat(pod.getMetadata().getLabels()).containsEntry("app", "web");
    assertThat(pod.getMetadata().getCreationTimestamp())
        .isEqualTo(OffsetDateTime.of(2026, 11, 22, 10, 0, 0, 0, ZoneOffset.UTC));
    assertThat(pod.getSpec().getHostNetwork()).isFalse();
    assertThat(pod.getSpec().getContainers().get(0).getResources().getRequests())
        .containsEntry("cpu", Quantity.fromString("250m"));
    assertThat(
            pod.getSpec()
                .getContainers()
                .get(0)
                .getLivenessProbe()
                .getHttpGet()
                .getPort()
                .getStrValue())
        .isEqualTo("http");
  }

  @Test
  void wrongShapeOfAKnownFieldIsOneExceptionType() {
    assertThatThrownBy(
            () ->
                TolerantModelJson.read(
                    JsonParser.parseString("{\"spec\":{\"containers\":\"nope\"}}"), V1Pod.class))
        .isInstanceOf(JsonParseException.class);
  }
}
