package io.clbdirect.webhook.http;

import io.clbdirect.webhook.http.MutatePodsFuzzTest.Answer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The differential check of the lean decoding: for one request, the webhook reading only the part
 * of the Pod it needs must answer byte for byte what the webhook parsing and binding the whole Pod
 * answers (status, Content-Type, body; for a refusal, the problem's status, title and detail).
 */
final class LeanDecodingDifferential {

  private LeanDecodingDifferential() {}

  static void assertSameAnswer(Answer lean, Answer full) {
    boolean same =
        lean.status() == full.status()
            && Objects.equals(lean.contentType(), full.contentType())
            && Arrays.equals(lean.json(), full.json())
            && (lean.problem() == null) == (full.problem() == null)
            && (lean.problem() == null
                || (lean.problem().getStatus() == full.problem().getStatus()
                    && Objects.equals(lean.problem().getTitle(), full.problem().getTitle())
                    && Objects.equals(lean.problem().getDetail(), full.problem().getDetail())));
    if (!same) {
      throw new AssertionError(
          "the lean decoding answered differently from the full parse:\n  lean: "
              + describe(lean)
              + "\n  full: "
              + describe(full));
    }
  }

  private static String describe(Answer answer) {
    return answer.status()
        + " "
        + answer.contentType()
        + " "
        + (answer.problem() != null
            ? FuzzJson.quote(String.valueOf(answer.problem().getDetail()), 500)
            : FuzzJson.quote(new String(answer.json(), StandardCharsets.UTF_8), 2000));
  }
}
