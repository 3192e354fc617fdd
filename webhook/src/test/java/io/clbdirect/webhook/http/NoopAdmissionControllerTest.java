package io.clbdirect.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * /noop answers what the API server accepts from a webhook: an allowed v1 AdmissionReview whose uid
 * is the request's (the Pod-creation benchmark registers it as one), and never fails on a body it
 * cannot read.
 */
class NoopAdmissionControllerTest {

  @Test
  void echoesTheRequestUidWhereverItIsInTheRequest() {
    assertThat(
            answer(
                "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\","
                    + "\"request\":{\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800002\",\"object\":{}}}"))
        .isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    assertThat(
            answer(
                "{\"request\":{\"kind\":{\"kind\":\"Pod\"},\"object\":{\"metadata\":{\"uid\":\"pod\"}},"
                    + "\"uid\":\"late\"},\"kind\":\"AdmissionReview\"}"))
        .as("the request's own uid, not the Pod's")
        .isEqualTo("late");
  }

  @Test
  void escapesTheUidItEchoes() {
    assertThat(answer("{\"request\":{\"uid\":\"a\\\"b\\\\c\\u2028\"}}")).isEqualTo("a\"b\\c\u2028");
  }

  @Test
  void answersAllowedWithAnEmptyUidWhenThereIsNone() {
    assertThat(answer("{\"kind\":\"AdmissionReview\"}")).isEmpty();
    assertThat(answer("{\"request\":{\"uid\":42}}")).isEmpty();
    assertThat(answer("{\"request\":[]}")).isEmpty();
    assertThat(answer("not json")).isEmpty();
    assertThat(answer("")).isEmpty();
    assertThat(answer("{\"request\":{\"uid\":\"trunc")).isEmpty();
  }

  /** The uid of the answer, after checking the rest of it. */
  private static String answer(String body) {
    JsonObject review =
        JsonParser.parseString(
                new String(
                    NoopAdmissionController.answer(body.getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8))
            .getAsJsonObject();
    assertThat(review.get("apiVersion").getAsString()).isEqualTo("admission.k8s.io/v1");
    assertThat(review.get("kind").getAsString()).isEqualTo("AdmissionReview");
    JsonObject response = review.getAsJsonObject("response");
    assertThat(response.get("allowed").getAsBoolean()).isTrue();
    assertThat(response.keySet()).containsExactlyInAnyOrder("uid", "allowed");
    return response.get("uid").getAsString();
  }
}
