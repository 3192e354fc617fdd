package io.clbdirect.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.webhook.admission.AdmissionReviewCodec;
import io.clbdirect.webhook.admission.PodAdmissionHandler;
import io.clbdirect.webhook.http.MutatePodsFuzzTest.Answer;
import io.clbdirect.webhook.http.MutatePodsFuzzTest.Cluster;
import io.clbdirect.webhook.mutation.PodMutator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lean decoding against the full parse on hand-picked Pods: the answers are the same byte for
 * byte, and the lean reader falls back to the full parse exactly when it cannot be sure (see {@code
 * LeanPodReader}). {@code MutatePodsFuzzTest} compares the two on every fuzzed body as well.
 */
class LeanDecodingTest {

  private final AdmissionReviewCodec codec = new AdmissionReviewCodec();
  private final MutatePodsController lean = controller(true);
  private final MutatePodsController full = controller(false);

  private MutatePodsController controller(boolean leanDecoding) {
    return new MutatePodsController(
        codec,
        new PodAdmissionHandler(
            MutatePodsFuzzTest.topology(Cluster.MIXED), new PodMutator(), codec, outcome -> {}),
        MutatePodsFuzzTest.MAX_REQUEST_BYTES,
        new SimpleMeterRegistry(),
        leanDecoding);
  }

  private static final String CONTAINER =
      "{'name':'app','image':'i','ports':[{'containerPort':8080,'protocol':'TCP'}],"
          + "'readinessProbe':{'httpGet':{'port':'http','path':'/'},'periodSeconds':5},"
          + "'resources':{'requests':{'cpu':'100m'}},'env':[{'name':'A','value':'1'}]}";

  private static String review(String metadata, String spec, String extra) {
    return ("{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u-1',"
            + "'kind':{'group':'','version':'v1','kind':'Pod'},'namespace':'shop',"
            + "'operation':'CREATE','userInfo':{'username':'x'},'object':{'apiVersion':'v1',"
            + "'kind':'Pod','metadata':"
            + metadata
            + ",'spec':"
            + spec
            + extra
            + "},'oldObject':null}}")
        .replace('\'', '"');
  }

  private static final String META = "{'labels':{'app':'web'},'annotations':{'a':'b'}}";
  private static final String SPEC = "{'containers':[" + CONTAINER + "]}";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // what           | metadata                          | spec | after spec | falls back
        "realistic         | " + META + " | " + SPEC + " | '' | false",
        "unselected        | {'labels':{'app':'db'}} | " + SPEC + " | '' | false",
        "numbers as labels | {'labels':{'app':'web','n':5,'b':true}} | " + SPEC + " | '' | false",
        "spec sent twice   | " + META + " | {'containers':[]},'spec':" + SPEC + " | '' | false",
        "labels sent twice | {'labels':{'app':'db'},'labels':{'app':'web'}} | "
            + SPEC
            + " | '' | false",
        "label object      | {'labels':{'app':{}}} | " + SPEC + " | '' | false",
        "annotations array | {'labels':{'app':'web'},'annotations':[]} | " + SPEC + " | '' | false",
        "requests array    | "
            + META
            + " | {'containers':[{'name':'a','resources':{'requests':[]}}]} | '' | true",
        "bad request       | "
            + META
            + " | {'containers':[{'name':'a','resources':{'requests':{'cpu':'x'}}}]} | '' | true",
        "number quantity   | "
            + META
            + " | {'containers':[{'name':'a','resources':{'limits':{'cpu':2}}}]} | '' | false",
        "null quantity     | "
            + META
            + " | {'containers':[{'name':'a','resources':{'limits':{'cpu':null}}}]} | '' | false",
        "null container    | " + META + " | {'containers':[null]} | '' | false",
        "preStop present   | "
            + META
            + " | {'containers':[{'name':'a','lifecycle':{'preStop':{'sleep':{'seconds':1}}}}]} | '' | false",
        "grace period text | "
            + META
            + " | {'terminationGracePeriodSeconds':'x','containers':[{'name':'a'}]} | '' | false",
        "status skipped    | "
            + META
            + " | "
            + SPEC
            + " | ,'status':{'phase':'Pending','conditions':[]} | false",
        "volumes a string  | "
            + META
            + " | {'volumes':'x','containers':[{'name':'a'}]} | '' | true",
        "bad timestamp     | {'labels':{'app':'web'},'creationTimestamp':'yesterday'} | "
            + SPEC
            + " | '' | true",
        "port not a number | "
            + META
            + " | {'containers':[{'name':'a','ports':[{'containerPort':'x'}]}]} | '' | true",
        "bad quantity      | "
            + META
            + " | {'overhead':{'cpu':'lots'},'containers':[{'name':'a'}]} | '' | true",
        "unknown field     | "
            + META
            + " | {'futureField':{'x':[1,2]},'containers':[{'name':'a'}]} | '' | false",
        "spec a string     | " + META + " | 'x' | '' | true",
      })
  void answersAsTheFullParse(
      String what, String metadata, String spec, String extra, boolean fallsBack) {
    assertSameAnswer(review(metadata, spec, extra), fallsBack);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not JSON          | {'apiVersion': | true",
        "trailing data     | {'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u'}} x | true",
        "no uid            | {'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'object':{}}} | false",
        "wrong apiVersion  | {'apiVersion':'v2','kind':'AdmissionReview','request':{'uid':'u','object':{}}} | false",
        "uid a number      | {'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':1,'object':{}}} | false",
        "request twice     | {'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'a'},'request':{'uid':'b'}} | true",
        "object a string   | {'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u','kind':{'kind':'Pod'},'object':'x'}} | true",
        "dryRun wrong type | {'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u','dryRun':[1]}} | false",
      })
  void envelopesAsTheFullParse(String what, String body, boolean fallsBack) {
    assertSameAnswer(body.replace('\'', '"'), fallsBack);
  }

  /** Strict JSON has no raw control character in a string; skipping a string does not check. */
  @org.junit.jupiter.api.Test
  void aRawControlCharacterAnywhereIsLeftToTheFullParse() {
    for (int padding = 0; padding < 16; padding++) {
      String value = "x".repeat(padding);
      for (char control : new char[] {'\u0000', '\t', '\n', '\u001f'}) {
        assertSameAnswer(
            review("{'labels':{'app':'web'},'generateName':'" + value + control + "'}", SPEC, ""),
            true);
      }
      // Multi-byte UTF-8 (bytes of 0x80 and above) is no control character.
      assertSameAnswer(
          review(
              "{'labels':{'app':'web'},'generateName':'" + value + "é日本\uD83D\uDE00'}", SPEC, ""),
          false);
    }
  }

  private void assertSameAnswer(String body, boolean fallsBack) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    long before = codec.leanFallbacks();
    Answer leanAnswer = MutatePodsFuzzTest.post(lean, "application/json", bytes, false);
    assertThat(codec.leanFallbacks() - before)
        .as("fell back to the full parse")
        .isEqualTo(fallsBack ? 1 : 0);
    Answer fullAnswer = MutatePodsFuzzTest.post(full, "application/json", bytes, false);
    LeanDecodingDifferential.assertSameAnswer(leanAnswer, fullAnswer);
  }
}
