package io.clbdirect.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.clbdirect.webhook.mutation.PatchOperation;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdmissionReviewCodecTest {

  private final AdmissionReviewCodec codec = new AdmissionReviewCodec();

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void decodesTheFieldsItNeedsAndIgnoresOthers() throws Exception {
    AdmissionReview review =
        codec.decode(
            bytes(
                """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
         "request":{"uid":"u-1","kind":{"group":"","version":"v1","kind":"Pod"},
                    "resource":{"group":"","version":"v1","resource":"pods"},
                    "namespace":"shop","operation":"CREATE","userInfo":{"username":"alice"},
                    "object":{"metadata":{"name":"p"}},"oldObject":null,"dryRun":false,"options":{}}}
        """));

    assertThat(review.apiVersion()).isEqualTo("admission.k8s.io/v1");
    assertThat(review.request().uid()).isEqualTo("u-1");
    assertThat(review.request().kind().isCorePod()).isTrue();
    assertThat(review.request().namespace()).isEqualTo("shop");
    assertThat(review.request().operation()).isEqualTo("CREATE");
    assertThat(
            review
                .request()
                .object()
                .getAsJsonObject()
                .getAsJsonObject("metadata")
                .get("name")
                .getAsString())
        .isEqualTo("p");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "empty body|''|empty body",
        "not json|'hello'|not valid JSON",
        "truncated|'{\"apiVersion\":'|not valid JSON",
        "trailing garbage|'{\"a\":1} x'|not valid JSON",
        "lenient-only syntax|'{apiVersion:\"admission.k8s.io/v1\"}'|not valid JSON",
        "array|'[]'|not a JSON object",
        "wrong kind|'{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Pod\",\"request\":{\"uid\":\"u\"}}'|expected kind AdmissionReview",
        "unknown version|'{\"apiVersion\":\"admission.k8s.io/v2\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"}}'|apiVersion admission.k8s.io/v2",
        "no apiVersion|'{\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"}}'|got kind AdmissionReview apiVersion null",
        "apiVersion not a string|'{\"apiVersion\":1,\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"}}'|apiVersion null",
        "no request|'{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}'|no request object",
        "no uid|'{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}'|no uid",
        "blank uid|'{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\" \"}}'|no uid",
        "numeric uid|'{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":7}}'|no uid",
        "kind of wrong type|'{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"kind\":\"Pod\"}}'|wrong type",
      })
  void refusesWhatItCannotAnswerWithAClearMessage(String name, String body, String message) {
    assertThatThrownBy(() -> codec.decode(bytes(body)))
        .isInstanceOf(MalformedAdmissionReviewException.class)
        .hasMessageContaining(message);
  }

  @Test
  void encodesAReplyInTheRequestsApiVersionWithoutNulls() throws Exception {
    AdmissionReview request =
        codec.decode(
            bytes(
                """
        {"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"u-2"}}
        """));
    AdmissionReview reply = request.reply(AdmissionResponse.allow("u-2", List.of()));

    JsonObject json =
        JsonParser.parseString(new String(codec.encode(reply), StandardCharsets.UTF_8))
            .getAsJsonObject();

    assertThat(json.get("apiVersion").getAsString()).isEqualTo("admission.k8s.io/v1beta1");
    assertThat(json.get("kind").getAsString()).isEqualTo("AdmissionReview");
    assertThat(json.has("request")).isFalse();
    JsonObject response = json.getAsJsonObject("response");
    assertThat(response.get("uid").getAsString()).isEqualTo("u-2");
    assertThat(response.get("allowed").getAsBoolean()).isTrue();
    assertThat(response.keySet()).containsExactlyInAnyOrder("uid", "allowed");
  }

  @Test
  void replyEchoesAUidWithALoneSurrogateEscapeExactly() throws Exception {
    // Valid JSON, but a lone surrogate has no UTF-8 form: written raw it became '?' and the reply's
    // uid no longer matched the request's (found by MutatePodsFuzzTest).
    AdmissionReview request =
        codec.decode(
            bytes(
                """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"a\\ud800b\\udc00\\ud83d\\ude80"}}
        """));
    assertThat(request.request().uid()).isEqualTo("a\ud800b\udc00\ud83d\ude80");

    byte[] reply =
        codec.encode(request.reply(AdmissionResponse.allow(request.request().uid(), List.of())));

    String text = new String(reply, StandardCharsets.UTF_8);
    assertThat(
            JsonParser.parseString(text)
                .getAsJsonObject()
                .getAsJsonObject("response")
                .get("uid")
                .getAsString())
        .isEqualTo(request.request().uid());
    // A proper pair (here U+1F680) stays plain UTF-8; only the lone halves are escaped.
    assertThat(text).contains("a\\ud800b\\udc00\ud83d\ude80");
  }

  @Test
  void patchIsBase64OfAJsonPatchDocument() {
    JsonArray gates = new JsonArray();
    gates.add(new JsonPrimitive("x"));
    String encoded =
        codec.encodePatch(List.of(PatchOperation.add("/metadata/annotations/a~1b", gates)));

    String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);

    assertThat(JsonParser.parseString(decoded))
        .isEqualTo(
            JsonParser.parseString(
                "[{\"op\":\"add\",\"path\":\"/metadata/annotations/a~1b\",\"value\":[\"x\"]}]"));
  }
}
