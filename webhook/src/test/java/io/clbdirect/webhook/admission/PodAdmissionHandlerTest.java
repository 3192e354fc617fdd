package io.clbdirect.webhook.admission;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.clbdirect.core.DirectAccessFrontend;
import io.clbdirect.core.NetworkMode;
import io.clbdirect.webhook.mutation.PodMutator;
import io.clbdirect.webhook.mutation.TopologySnapshot;
import io.clbdirect.webhook.topology.DirectAccessTopology;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodAdmissionHandlerTest {

  private final List<String> namespacesAsked = new ArrayList<>();
  private final List<PodAdmissionHandler.Outcome> outcomes = new ArrayList<>();
  private boolean synced = true;
  private java.util.function.Function<String, TopologySnapshot> snapshots =
      namespace ->
          new TopologySnapshot(
              List.of(
                  new DirectAccessFrontend(
                      DirectAccessFrontend.Kind.SERVICE, "web", "web", Map.of("app", "web"))),
              NetworkMode.VPC_CNI,
              false);
  private final DirectAccessTopology topology =
      new DirectAccessTopology() {
        @Override
        public TopologySnapshot snapshot(String namespace) {
          namespacesAsked.add(namespace);
          return snapshots.apply(namespace);
        }

        @Override
        public boolean hasSynced() {
          return synced;
        }
      };

  private AdmissionReview handle(String request) throws Exception {
    AdmissionReviewCodec codec = new AdmissionReviewCodec();
    PodAdmissionHandler handler =
        new PodAdmissionHandler(topology, new PodMutator(), codec, outcomes::add);
    String review =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
            + request
            + "}";
    byte[] body = review.getBytes(StandardCharsets.UTF_8);
    // Every fixture also goes through the lean decoding, which must answer byte for byte the same.
    PodAdmissionHandler leanHandler =
        new PodAdmissionHandler(topology, new PodMutator(), codec, outcome -> {});
    int asked = namespacesAsked.size();
    String lean;
    try {
      lean = new String(codec.encode(leanHandler.handle(codec.decodeLean(body))), UTF_8);
    } catch (RuntimeException e) {
      lean = e.toString();
    }
    namespacesAsked.subList(asked, namespacesAsked.size()).clear();
    AdmissionReview full;
    try {
      full = handler.handle(codec.decode(body));
    } catch (RuntimeException e) {
      assertThat(lean).as("lean decoding of %s", request).isEqualTo(e.toString());
      throw e;
    }
    assertThat(lean)
        .as("lean decoding of %s", request)
        .isEqualTo(new String(codec.encode(full), UTF_8));
    return full;
  }

  private static final String POD_KIND =
      "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}";

  @Test
  void patchesASelectedPodAskingTheTopologyForTheRequestNamespace() throws Exception {
    AdmissionReview reply =
        handle(
            "{\"uid\":\"u1\","
                + POD_KIND
                + ",\"namespace\":\"shop\",\"operation\":\"CREATE\","
                + "\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"generateName\":\"web-\",\"labels\":{\"app\":\"web\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}");

    assertThat(reply.apiVersion()).isEqualTo(AdmissionReview.V1);
    assertThat(reply.response().uid()).isEqualTo("u1");
    assertThat(reply.response().allowed()).isTrue();
    assertThat(reply.response().patchType()).isEqualTo("JSONPatch");
    String patch =
        new String(Base64.getDecoder().decode(reply.response().patch()), StandardCharsets.UTF_8);
    assertThat(
            JsonParser.parseString(patch)
                .getAsJsonArray()
                .get(0)
                .getAsJsonObject()
                .get("path")
                .getAsString())
        .isEqualTo("/spec/readinessGates");
    assertThat(namespacesAsked).containsExactly("shop");
    assertThat(outcomes).containsExactly(PodAdmissionHandler.Outcome.PATCHED);
  }

  @Test
  void unselectedPodIsAllowedWithoutPatchOrPatchType() throws Exception {
    AdmissionReview reply =
        handle(
            "{\"uid\":\"u2\","
                + POD_KIND
                + ",\"namespace\":\"shop\",\"operation\":\"CREATE\","
                + "\"object\":{\"metadata\":{\"labels\":{\"app\":\"db\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}");

    assertThat(reply.response().allowed()).isTrue();
    assertThat(reply.response().patch()).isNull();
    assertThat(reply.response().patchType()).isNull();
    assertThat(reply.response().warnings()).isNull();
    assertThat(outcomes).containsExactly(PodAdmissionHandler.Outcome.UNCHANGED);
  }

  @Test
  void objectThatIsNotAPodIsAllowedWithAWarning() throws Exception {
    AdmissionReview reply =
        handle(
            "{\"uid\":\"u3\",\"kind\":{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"},"
                + "\"operation\":\"CREATE\",\"object\":{\"kind\":\"Deployment\"}}");

    assertThat(reply.response().allowed()).isTrue();
    assertThat(reply.response().patch()).isNull();
    assertThat(reply.response().warnings())
        .singleElement()
        .asString()
        .contains("expected a Pod")
        .contains("apps/v1, Kind=Deployment");
    assertThat(outcomes).containsExactly(PodAdmissionHandler.Outcome.SKIPPED_NOT_A_POD);
  }

  @Test
  void podRequestWithoutObjectOrWithMismatchedObjectKindIsNotAPod() throws Exception {
    assertThat(
            handle("{\"uid\":\"u4\"," + POD_KIND + ",\"operation\":\"CREATE\"}")
                .response()
                .warnings())
        .singleElement()
        .asString()
        .contains("without an object");
    assertThat(
            handle(
                    "{\"uid\":\"u5\","
                        + POD_KIND
                        + ",\"operation\":\"CREATE\",\"object\":{\"kind\":\"Secret\"}}")
                .response()
                .allowed())
        .isTrue();
    assertThat(outcomes).containsOnly(PodAdmissionHandler.Outcome.SKIPPED_NOT_A_POD);
  }

  @Test
  void unreadablePodIsAllowedWithAShortWarning() throws Exception {
    AdmissionReview reply =
        handle(
            "{\"uid\":\"u6\","
                + POD_KIND
                + ",\"operation\":\"CREATE\","
                + "\"object\":{\"metadata\":{\"labels\":\"not-a-map\"},\"spec\":{}}}");

    assertThat(reply.response().allowed()).isTrue();
    assertThat(reply.response().patch()).isNull();
    assertThat(reply.response().warnings())
        .singleElement()
        .asString()
        .startsWith("clb-direct: could not read the Pod")
        .hasSizeLessThan(200);
    assertThat(outcomes).containsExactly(PodAdmissionHandler.Outcome.SKIPPED_UNREADABLE);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"annotations\":[]},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
        "{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"requests\":[]}}]}}",
        "{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":[[\"cpu\",\"1\"]]}}]}}",
      })
  void mapWrittenAsAnArrayIsUnreadableRatherThanPatchedAsAnObject(String pod) throws Exception {
    // Gson reads [] and [[k,v],...] as a Map, so the model saw an (empty) map where the JSON has an
    // array, and the mixed-mode patch added "/metadata/annotations/<key>" into that array: a patch
    // the
    // API server cannot apply, failing the Pod (found by MutatePodsFuzzTest).
    snapshots =
        namespace ->
            new TopologySnapshot(
                List.of(
                    new DirectAccessFrontend(
                        DirectAccessFrontend.Kind.SERVICE, "web", "web", Map.of("app", "web"))),
                NetworkMode.MIXED,
                false);
    AdmissionReview reply =
        handle(
            "{\"uid\":\"u12\","
                + POD_KIND
                + ",\"namespace\":\"shop\",\"operation\":\"CREATE\","
                + "\"object\":"
                + pod
                + "}");

    assertThat(reply.response().allowed()).isTrue();
    assertThat(reply.response().patch()).isNull();
    assertThat(reply.response().warnings())
        .singleElement()
        .asString()
        .startsWith("clb-direct: could not read the Pod")
        .contains("is not a JSON object");
    assertThat(outcomes).containsExactly(PodAdmissionHandler.Outcome.SKIPPED_UNREADABLE);
  }

  @Test
  void operationsOtherThanCreateAreLeftAlone() throws Exception {
    AdmissionReview reply =
        handle(
            "{\"uid\":\"u7\","
                + POD_KIND
                + ",\"operation\":\"UPDATE\","
                + "\"object\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}}");

    assertThat(reply.response().patch()).isNull();
    assertThat(namespacesAsked).isEmpty();
  }

  @Test
  void failureWhileDecidingNeverBlocksThePod() throws Exception {
    snapshots =
        namespace -> {
          throw new IllegalStateException("cache exploded");
        };
    AdmissionReview reply =
        handle(
            "{\"uid\":\"u8\","
                + POD_KIND
                + ",\"namespace\":\"shop\",\"operation\":\"CREATE\","
                + "\"object\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}}");

    assertThat(reply.response().allowed()).isTrue();
    assertThat(reply.response().patch()).isNull();
    assertThat(reply.response().warnings())
        .singleElement()
        .asString()
        .contains("internal error (cache exploded)");
    assertThat(outcomes).containsExactly(PodAdmissionHandler.Outcome.SKIPPED_ERROR);
  }

  @Test
  void refusesToAnswerBeforeTheCachesHaveSynced() {
    synced = false;
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                handle("{\"uid\":\"u11\"," + POD_KIND + ",\"operation\":\"CREATE\",\"object\":{}}"))
        .isInstanceOf(TopologyNotSyncedException.class)
        .hasMessageContaining("not yet synced");
    assertThat(namespacesAsked).isEmpty();
    assertThat(outcomes).containsExactly(PodAdmissionHandler.Outcome.NOT_SYNCED);
  }

  @Test
  void podsOwnNamespaceWinsOverTheRequests() throws Exception {
    handle(
        "{\"uid\":\"u9\","
            + POD_KIND
            + ",\"namespace\":\"shop\",\"operation\":\"CREATE\","
            + "\"object\":{\"metadata\":{\"namespace\":\"shop\",\"labels\":{\"app\":\"x\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}}");
    handle(
        "{\"uid\":\"u10\","
            + POD_KIND
            + ",\"namespace\":\"other\",\"operation\":\"CREATE\","
            + "\"object\":{\"metadata\":{\"labels\":{\"app\":\"x\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}}");
    assertThat(namespacesAsked).containsExactly("shop", "other");
  }
}
