package io.clbdirect.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.clbdirect.core.ControllerScope;
import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.core.NetworkMode;
import io.clbdirect.core.WellKnown;
import io.clbdirect.webhook.admission.AdmissionReview;
import io.clbdirect.webhook.admission.AdmissionReviewCodec;
import io.clbdirect.webhook.admission.PodAdmissionHandler;
import io.clbdirect.webhook.http.FuzzJson.ByteMutation;
import io.clbdirect.webhook.http.FuzzJson.ByteOp;
import io.clbdirect.webhook.http.FuzzJson.Mutation;
import io.clbdirect.webhook.http.FuzzJson.Op;
import io.clbdirect.webhook.mutation.PodMutator;
import io.clbdirect.webhook.topology.InformerDirectAccessTopology;
import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1HTTPIngressRuleValue;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressBackend;
import io.kubernetes.client.openapi.models.V1IngressRule;
import io.kubernetes.client.openapi.models.V1IngressServiceBackend;
import io.kubernetes.client.openapi.models.V1IngressSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;

/**
 * Fuzzes {@code POST /mutate-pods} with realistic AdmissionReviews and with mutated and random
 * bodies, and checks every answer is one the API server can use.
 *
 * <p>Level: the webhook module has no spring-test on its classpath (so no MockMvc and no
 * MockHttpServletRequest), so the test calls {@link MutatePodsController#mutate} with a minimal
 * fake servlet request, and routes a thrown exception to the {@code @ExceptionHandler} method
 * Spring MVC itself would choose ({@link ExceptionHandlerMethodResolver}, the resolver
 * DispatcherServlet uses). Codec, handler, mutator and the informer-backed topology are the real
 * ones; the topology's caches are filled by hand and report synced, so a 503 is never legitimate
 * here.
 *
 * <p>A failure prints the shrunk sample and jqwik's {@code seed}; put it in {@code @Property(seed =
 * "...")} to replay the run. jqwik also retries the last failing sample first on the next run
 * ({@code target/jqwik-database}).
 */
class MutatePodsFuzzTest {

  static final int TRIES = 10_000;
  static final int POD_TRIES = 5_000;
  static final int GSON_NESTING_LIMIT = 255;
  static final long MAX_REQUEST_BYTES = 64 * 1024;
  static final String GATE = WellKnown.READINESS_GATE;

  /** The cluster the webhook decides for; each try picks one. */
  enum Cluster {
    VPC_CNI(NetworkMode.VPC_CNI, false),
    MIXED(NetworkMode.MIXED, false),
    MIXED_GLOBAL_ROUTE(NetworkMode.MIXED, true),
    GLOBAL_ROUTER_OFF(NetworkMode.GLOBAL_ROUTER, false),
    GLOBAL_ROUTER_ON(NetworkMode.GLOBAL_ROUTER, true);

    final NetworkMode mode;
    final boolean globalRoute;

    Cluster(NetworkMode mode, boolean globalRoute) {
      this.mode = mode;
      this.globalRoute = globalRoute;
    }
  }

  private static final AtomicReference<PodAdmissionHandler.Outcome> lastOutcome =
      new AtomicReference<>();
  private static final Map<Cluster, MutatePodsController> controllers =
      new EnumMap<>(Cluster.class);

  /** The same webhook parsing and binding the whole Pod: the reference for the lean decoding. */
  private static final Map<Cluster, MutatePodsController> fullParseControllers =
      new EnumMap<>(Cluster.class);

  private static final AdmissionReviewCodec codec = new AdmissionReviewCodec();
  private static final ExceptionHandlerMethodResolver exceptionHandlers =
      new ExceptionHandlerMethodResolver(MutatePodsController.class);
  private static final JsonReaderFactory referenceParser =
      Json.createReaderFactory(
          Map.of(
              "org.eclipse.parsson.maxBigDecimalLength", 1_000_000,
              "org.eclipse.parsson.maxBigIntegerScale", 1_000_000,
              "org.eclipse.parsson.maxDepth", 100_000));

  static {
    for (Cluster cluster : Cluster.values()) {
      PodAdmissionHandler handler =
          new PodAdmissionHandler(topology(cluster), new PodMutator(), codec, lastOutcome::set);
      controllers.put(
          cluster,
          new MutatePodsController(codec, handler, MAX_REQUEST_BYTES, new SimpleMeterRegistry()));
      PodAdmissionHandler reference =
          new PodAdmissionHandler(topology(cluster), new PodMutator(), codec, outcome -> {});
      fullParseControllers.put(
          cluster,
          new MutatePodsController(
              codec, reference, MAX_REQUEST_BYTES, new SimpleMeterRegistry(), false));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The properties
  // ---------------------------------------------------------------------------------------------

  /**
   * Anything goes: valid reviews, reviews mutated anywhere (envelope included), byte-level damage,
   * random JSON and random bytes, under assorted Content-Types.
   */
  @Property(
      tries = TRIES,
      shrinking = ShrinkingMode.BOUNDED,
      afterFailure = AfterFailureMode.SAMPLE_FIRST,
      edgeCases = EdgeCasesMode.NONE)
  void everyBodyGetsAnAnswerTheApiServerCanUse(@ForAll("requests") Request request) {
    Answer answer = send(request);
    checkStatusForTheEdgeCases(request, answer);
    if (answer.status() == 200) {
      checkAdmissionReviewReply(request.cluster(), request.body(), answer, true);
    } else {
      checkProblem(answer);
    }
  }

  /**
   * The envelope stays a valid review and every mutation lands inside the Pod, so each try reaches
   * the Pod reader and the mutator. The webhook never blocks a Pod: whatever the Pod looks like the
   * answer is 200, except 413 for an oversized body and 400 for JSON nested deeper than the
   * parser's limit (no real Pod comes close).
   */
  @Property(
      tries = POD_TRIES,
      shrinking = ShrinkingMode.BOUNDED,
      afterFailure = AfterFailureMode.SAMPLE_FIRST,
      edgeCases = EdgeCasesMode.NONE)
  void whateverThePodLooksLikeTheReviewIsAnswered(@ForAll("podRequests") Request request) {
    Answer answer = send(request);
    if (answer.status() == 413) {
      assertThat(request.body().length)
          .as("body size of a 413")
          .isGreaterThan((int) MAX_REQUEST_BYTES);
      checkProblem(answer);
    } else if (answer.status() == 400
        && FuzzJson.nestingDepth(request.body()) >= GSON_NESTING_LIMIT) {
      checkProblem(answer);
      assertThat(answer.problem().getDetail()).contains("Nesting limit");
    } else {
      if (answer.status() != 200) {
        throw new AssertionError(
            "a well-formed review of a Pod was refused with "
                + answer.status()
                + ": "
                + (answer.problem() == null
                    ? ""
                    : FuzzJson.quote(String.valueOf(answer.problem().getDetail()), 300)));
      }
      checkAdmissionReviewReply(request.cluster(), request.body(), answer, true);
    }
  }

  private static Answer send(Request request) {
    lastOutcome.set(null);
    long fallbacks = codec.leanFallbacks();
    Answer answer =
        post(request.cluster(), request.contentType(), request.body(), request.chunked());
    boolean fellBack = codec.leanFallbacks() > fallbacks;
    Statistics.label("lean decoding").collect(fellBack ? "fell back to the full parse" : "lean");
    if (request.pristine() && answer.status() == 200) {
      assertThat(fellBack).as("a realistic review fell back to the full parse").isFalse();
    }
    Answer reference =
        post(
            fullParseControllers.get(request.cluster()),
            request.contentType(),
            request.body(),
            request.chunked());
    LeanDecodingDifferential.assertSameAnswer(answer, reference);
    Statistics.label("source").collect(request.source());
    Statistics.label("answer")
        .collect(answer.status() + (answer.status() == 200 ? " " + lastOutcome.get() : ""));
    return answer;
  }

  /**
   * What the HTTP edge must decide before reading any JSON: 415, 413, and 200 for a clean review.
   */
  private static void checkStatusForTheEdgeCases(Request request, Answer answer) {
    boolean json =
        request.contentType() != null && JSON_CONTENT_TYPES.contains(request.contentType());
    if (request.contentType() == null || NON_JSON_CONTENT_TYPES.contains(request.contentType())) {
      assertThat(answer.status())
          .as("non-JSON Content-Type %s", request.contentType())
          .isEqualTo(415);
    }
    if (json) {
      assertThat(answer.status())
          .as("Content-Type %s is JSON", request.contentType())
          .isNotEqualTo(415);
      if (request.body().length > MAX_REQUEST_BYTES) {
        assertThat(answer.status()).as("body of %d bytes", request.body().length).isEqualTo(413);
      }
    }
    if (request.body().length <= MAX_REQUEST_BYTES) {
      assertThat(answer.status())
          .as("body of %d bytes is within the limit", request.body().length)
          .isNotEqualTo(413);
    }
    if (json && request.pristine()) {
      assertThat(answer.status())
          .as("an unmutated AdmissionReview must be answered")
          .isEqualTo(200);
    }
  }

  private static void checkProblem(Answer answer) {
    assertThat(answer.status()).as("status").isBetween(400, 499);
    assertThat(answer.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(answer.problem()).as("problem body").isNotNull();
    assertThat(answer.problem().getStatus()).isEqualTo(answer.status());
    assertThat(answer.problem().getDetail()).as("problem detail").isNotBlank();
  }

  /**
   * A 200 must carry an AdmissionReview the API server accepts, for a request it could have sent:
   * an independent strict parser (Parsson) must read the request, with a kind, apiVersion and uid.
   */
  private static void checkAdmissionReviewReply(
      Cluster cluster, byte[] requestBody, Answer answer, boolean again) {
    jakarta.json.JsonObject sent = readableReview(requestBody);
    String uid = sent.getJsonObject("request").getString("uid");

    assertThat(answer.contentType()).isEqualTo(MediaType.APPLICATION_JSON);
    jakarta.json.JsonObject reply = parseReply(answer.json());
    assertThat(reply.keySet())
        .as("reply members")
        .containsExactlyInAnyOrder("apiVersion", "kind", "response");
    assertThat(reply.getString("apiVersion"))
        .as("reply apiVersion")
        .isEqualTo(sent.getString("apiVersion"));
    assertThat(reply.getString("kind")).isEqualTo(AdmissionReview.KIND);
    jakarta.json.JsonObject response = reply.getJsonObject("response");
    String answeredUid = response.getString("uid");
    if (!answeredUid.equals(uid)) {
      throw new AssertionError(
          "response.uid "
              + FuzzJson.quote(answeredUid)
              + " is not the request's uid "
              + FuzzJson.quote(uid));
    }
    assertThat(response.get("allowed"))
        .as("response.allowed (the webhook never blocks)")
        .isEqualTo(JsonValue.TRUE);
    assertThat(Set.of("uid", "allowed", "patchType", "patch", "warnings"))
        .containsAll(response.keySet());
    if (response.containsKey("warnings")) {
      assertThat(response.getJsonArray("warnings"))
          .isNotEmpty()
          .allSatisfy(w -> assertThat(w).isInstanceOf(JsonString.class));
    }
    assertThat(response.containsKey("patch"))
        .as("patch and patchType come together")
        .isEqualTo(response.containsKey("patchType"));
    if (!response.containsKey("patch")) {
      return;
    }
    assertThat(response.getString("patchType")).isEqualTo("JSONPatch");
    byte[] patchBytes = Base64.getDecoder().decode(response.getString("patch"));
    JsonValue patch =
        referenceParser.createReader(new StringReader(strictUtf8(patchBytes))).readValue();
    assertThat(patch.getValueType()).isEqualTo(JsonValue.ValueType.ARRAY);
    assertThat(patch.asJsonArray())
        .isNotEmpty()
        .allSatisfy(op -> assertThat(op.asJsonObject().getString("op")).isEqualTo("add"));

    JsonValue pod = sent.getJsonObject("request").get("object");
    assertThat(pod)
        .as("a patch needs a Pod to apply to")
        .isInstanceOf(jakarta.json.JsonObject.class);
    JsonStructure patched;
    try {
      patched = Json.createPatch(patch.asJsonArray()).apply(pod.asJsonObject());
    } catch (JsonException e) {
      throw new AssertionError(
          "the patch does not apply to the Pod the API server sent: "
              + e.getMessage()
              + "\npatch: "
              + patch
              + "\npod: "
              + FuzzJson.quote(pod.toString()),
          e);
    }
    StringWriter written = new StringWriter();
    Json.createWriter(written).write(patched);
    JsonValue reread =
        referenceParser.createReader(new StringReader(written.toString())).readValue();
    assertThat(reread).as("patched Pod re-read").isEqualTo(patched);
    assertThat(reread.asJsonObject().getJsonObject("spec").getJsonArray("readinessGates"))
        .as("patched Pod's readinessGates")
        .anySatisfy(
            g -> assertThat(g.asJsonObject().getString("conditionType", null)).isEqualTo(GATE));
    checkDrain(pod.asJsonObject(), reread.asJsonObject());

    if (again) {
      // Documented: running the webhook over its own output changes nothing.
      jakarta.json.JsonObject request =
          Json.createObjectBuilder(sent.getJsonObject("request")).add("object", reread).build();
      StringWriter review = new StringWriter();
      Json.createWriter(review)
          .write(Json.createObjectBuilder(sent).add("request", request).build());
      byte[] body = review.toString().getBytes(StandardCharsets.UTF_8);
      Answer second = post(cluster, "application/json", body, false);
      assertThat(second.status()).as("second pass over the patched Pod").isEqualTo(200);
      checkAdmissionReviewReply(cluster, body, second, false);
      assertThat(parseReply(second.json()).getJsonObject("response").containsKey("patch"))
          .as("second pass over the patched Pod patches again")
          .isFalse();
    }
  }

  /**
   * The drain never touches what the user wrote: init containers (sidecars included) are unchanged,
   * a container's existing preStop and postStart are unchanged, and an added preStop is a positive
   * sleep no longer than the grace period (the API server would reject the Pod otherwise).
   */
  private static void checkDrain(jakarta.json.JsonObject sent, jakarta.json.JsonObject patched) {
    jakarta.json.JsonObject sentSpec = sent.getJsonObject("spec");
    jakarta.json.JsonObject patchedSpec = patched.getJsonObject("spec");
    assertThat(patchedSpec.get("initContainers"))
        .as("initContainers after the patch")
        .isEqualTo(sentSpec.get("initContainers"));
    JsonValue grace = sentSpec.get("terminationGracePeriodSeconds");
    long gracePeriod = grace instanceof jakarta.json.JsonNumber n ? n.longValue() : 30;
    jakarta.json.JsonArray before = sentSpec.getJsonArray("containers");
    jakarta.json.JsonArray after = patchedSpec.getJsonArray("containers");
    assertThat(after).as("containers after the patch").hasSameSizeAs(before);
    for (int i = 0; i < before.size(); i++) {
      if (!(before.get(i) instanceof jakarta.json.JsonObject)) {
        assertThat(after.get(i)).as("container %d, not an object", i).isEqualTo(before.get(i));
        continue;
      }
      jakarta.json.JsonObject was = before.getJsonObject(i);
      jakarta.json.JsonObject is = after.getJsonObject(i);
      JsonValue wasLifecycle = was.get("lifecycle");
      JsonValue isLifecycle = is.get("lifecycle");
      if (wasLifecycle instanceof jakarta.json.JsonObject old) {
        for (String hook : old.keySet()) {
          if (old.get(hook) != JsonValue.NULL) {
            assertThat(isLifecycle.asJsonObject().get(hook))
                .as("container %d's own %s", i, hook)
                .isEqualTo(old.get(hook));
          }
        }
      }
      if (!java.util.Objects.equals(wasLifecycle, isLifecycle)) {
        JsonValue added =
            isLifecycle
                .asJsonObject()
                .getJsonObject("preStop")
                .getJsonObject("sleep")
                .get("seconds");
        assertThat(((jakarta.json.JsonNumber) added).longValue())
            .as("added sleep of container %d", i)
            .isBetween(1L, Math.max(1L, gracePeriod));
      }
    }
  }

  /**
   * The request as an independent strict parser reads it; the webhook must not answer 200
   * otherwise.
   */
  private static jakarta.json.JsonObject readableReview(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    // RFC 8259 section 8.1: a parser MAY ignore a leading byte order mark (Gson does).
    text = text.startsWith("\ufeff") ? text.substring(1) : text;
    JsonValue value;
    try {
      value = referenceParser.createReader(new StringReader(text)).readValue();
    } catch (JsonException | IllegalStateException e) {
      throw new AssertionError("answered 200 to a body that is not JSON: " + e.getMessage(), e);
    }
    assertThat(value.getValueType())
        .as("answered 200 to a non-object")
        .isEqualTo(JsonValue.ValueType.OBJECT);
    jakarta.json.JsonObject review = value.asJsonObject();
    assertThat(review.get("kind"))
        .as("answered 200 to kind")
        .isEqualTo(Json.createValue(AdmissionReview.KIND));
    assertThat(review.get("apiVersion"))
        .as("answered 200 to apiVersion")
        .isIn(Json.createValue(AdmissionReview.V1), Json.createValue(AdmissionReview.V1BETA1));
    assertThat(review.get("request"))
        .as("answered 200 without a request object")
        .isInstanceOf(jakarta.json.JsonObject.class);
    JsonValue uid = review.getJsonObject("request").get("uid");
    assertThat(uid).as("answered 200 without a string uid").isInstanceOf(JsonString.class);
    assertThat(((JsonString) uid).getString()).as("answered 200 to a blank uid").isNotBlank();
    return review;
  }

  private static jakarta.json.JsonObject parseReply(byte[] json) {
    JsonValue value = referenceParser.createReader(new StringReader(strictUtf8(json))).readValue();
    assertThat(value.getValueType()).isEqualTo(JsonValue.ValueType.OBJECT);
    return value.asJsonObject();
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new AssertionError("reply is not UTF-8", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The harness: the controller as Spring MVC would call it
  // ---------------------------------------------------------------------------------------------

  record Answer(int status, MediaType contentType, byte[] json, ProblemDetail problem) {}

  static Answer post(Cluster cluster, String contentType, byte[] body, boolean chunked) {
    return post(controllers.get(cluster), contentType, body, chunked);
  }

  static Answer post(
      MutatePodsController controller, String contentType, byte[] body, boolean chunked) {
    ResponseEntity<?> entity;
    try {
      entity = controller.mutate(fakeRequest(contentType, body, chunked));
    } catch (WebhookRequestException e) {
      entity = handleLikeSpringMvc(controller, e);
    } catch (Throwable e) {
      // The controller's last-resort RuntimeException handler would hide this as a 400 (an Error
      // would be Tomcat's 500): either way a bug in the codec, handler or mutator.
      throw new AssertionError(
          "exception escaped the webhook: " + FuzzJson.quote(e.toString(), 500), e);
    }
    HttpStatusCode status = entity.getStatusCode();
    MediaType type = entity.getHeaders().getContentType();
    if (entity.getBody() instanceof ProblemDetail problem) {
      return new Answer(status.value(), type, null, problem);
    }
    assertThat(entity.getBody()).as("body of a %s answer", status).isInstanceOf(byte[].class);
    return new Answer(status.value(), type, (byte[]) entity.getBody(), null);
  }

  private static ResponseEntity<?> handleLikeSpringMvc(
      MutatePodsController controller, Exception e) {
    Method method = exceptionHandlers.resolveMethodByThrowable(e);
    assertThat(method).as("@ExceptionHandler for %s", e.getClass().getSimpleName()).isNotNull();
    try {
      method.setAccessible(true);
      return (ResponseEntity<?>) method.invoke(controller, e);
    } catch (InvocationTargetException | IllegalAccessException failure) {
      throw new AssertionError("the exception handler itself failed", failure);
    }
  }

  static HttpServletRequest fakeRequest(String contentType, byte[] body, boolean chunked) {
    ByteArrayInputStream bytes = new ByteArrayInputStream(body);
    ServletInputStream in =
        new ServletInputStream() {
          @Override
          public int read() {
            return bytes.read();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            return bytes.read(b, off, len);
          }

          @Override
          public boolean isFinished() {
            return bytes.available() == 0;
          }

          @Override
          public boolean isReady() {
            return true;
          }

          @Override
          public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException();
          }
        };
    return (HttpServletRequest)
        Proxy.newProxyInstance(
            MutatePodsFuzzTest.class.getClassLoader(),
            new Class<?>[] {HttpServletRequest.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getContentType" -> contentType;
                  case "getInputStream" -> in;
                  case "getContentLengthLong" -> chunked ? -1L : (long) body.length;
                  case "getContentLength" -> chunked ? -1 : body.length;
                  case "toString" -> "fuzz request";
                  default ->
                      throw new UnsupportedOperationException(
                          "the fake request has no " + method.getName());
                });
  }

  // ---------------------------------------------------------------------------------------------
  // The cluster, built as InformerDirectAccessTopologyTest does
  // ---------------------------------------------------------------------------------------------

  static InformerDirectAccessTopology topology(Cluster cluster) {
    DirectAccessRules rules = new DirectAccessRules(ControllerScope.defaults());
    Cache<V1Service> services = new Cache<>();
    Cache<V1Ingress> ingresses = new Cache<>();
    Cache<V1ConfigMap> configMaps = new Cache<>();
    services.addIndexers(InformerDirectAccessTopology.serviceIndexers(rules));
    ingresses.addIndexers(InformerDirectAccessTopology.ingressIndexers(rules));
    services.add(service("shop", "web", true, "web"));
    services.add(service("shop", "api", false, "api"));
    services.add(service("shop", "db", false, "db"));
    services.add(service("other", "web", true, "other-web"));
    services.add(service("plain", "web", false, "web"));
    ingresses.add(ingress("shop", "gateway", "api"));
    ingresses.add(ingress("other", "gateway", "missing"));
    if (cluster.globalRoute) {
      configMaps.add(
          new V1ConfigMap()
              .metadata(
                  new V1ObjectMeta()
                      .namespace(WellKnown.TKE_CONFIG_NAMESPACE)
                      .name(WellKnown.TKE_CONFIG_NAME))
              .data(Map.of(WellKnown.GLOBAL_ROUTE_DIRECT_ACCESS_KEY, "true")));
    }
    return new InformerDirectAccessTopology(
        () -> true, services, ingresses, configMaps, rules, cluster.mode);
  }

  static V1Service service(String ns, String name, boolean directAccess, String app) {
    Map<String, String> annotations = new HashMap<>();
    if (directAccess) {
      annotations.put(WellKnown.SERVICE_DIRECT_ACCESS, "true");
    }
    return new V1Service()
        .metadata(new V1ObjectMeta().namespace(ns).name(name).annotations(annotations))
        .spec(
            new V1ServiceSpec()
                .type(directAccess ? "LoadBalancer" : "ClusterIP")
                .selector(Map.of("app", app)));
  }

  static V1Ingress ingress(String ns, String name, String backend) {
    return new V1Ingress()
        .metadata(
            new V1ObjectMeta()
                .namespace(ns)
                .name(name)
                .annotations(Map.of(WellKnown.INGRESS_DIRECT_ACCESS, "true")))
        .spec(
            new V1IngressSpec()
                .addRulesItem(
                    new V1IngressRule()
                        .http(
                            new V1HTTPIngressRuleValue()
                                .addPathsItem(
                                    new V1HTTPIngressPath()
                                        .path("/")
                                        .pathType("Prefix")
                                        .backend(
                                            new V1IngressBackend()
                                                .service(
                                                    new V1IngressServiceBackend()
                                                        .name(backend)))))));
  }

  // ---------------------------------------------------------------------------------------------
  // Generators
  // ---------------------------------------------------------------------------------------------

  /** One POST. {@code pristine}: an unmutated, realistic review, which must be answered 200. */
  record Request(
      Cluster cluster,
      String contentType,
      boolean chunked,
      String source,
      String how,
      byte[] body,
      boolean pristine) {
    @Override
    public String toString() {
      return "cluster="
          + cluster
          + ", Content-Type="
          + (contentType == null ? "(none)" : FuzzJson.quote(contentType))
          + (chunked ? ", chunked" : "")
          + ", source="
          + source
          + " "
          + how
          + ", "
          + body.length
          + " bytes:\n"
          + FuzzJson.quote(new String(body, StandardCharsets.UTF_8), 3000);
    }
  }

  record Body(String source, String how, byte[] bytes, boolean pristine) {}

  static final Set<String> JSON_CONTENT_TYPES =
      Set.of(
          "application/json",
          "application/json; charset=utf-8",
          "application/json;charset=UTF-8",
          "APPLICATION/JSON");
  static final Set<String> NON_JSON_CONTENT_TYPES =
      Set.of(
          "text/plain",
          "application/xml",
          "application/json-patch+json",
          "application/problem+json",
          "text/json",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x");

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<Body> bodies =
        Arbitraries.frequencyOf(
            Tuple.of(
                15,
                reviews()
                    .map(
                        r ->
                            new Body(
                                "valid",
                                "",
                                FuzzJson.write(r, false, Map.of()).getBytes(StandardCharsets.UTF_8),
                                true))),
            Tuple.of(
                50,
                Combinators.combine(
                        reviews(),
                        mutations().list().ofMinSize(1).ofMaxSize(4),
                        Arbitraries.of(false, false, false, true))
                    .as(
                        (review, mutations, asciiOnly) -> {
                          FuzzJson.Tree tree =
                              new FuzzJson.Tree(review.deepCopy()).applyAll(mutations);
                          return new Body(
                              "mutated",
                              tree + (asciiOnly ? " ascii-escaped" : ""),
                              tree.bytes(asciiOnly),
                              false);
                        })),
            Tuple.of(
                15,
                Combinators.combine(
                        reviews(),
                        mutations().list().ofMaxSize(2),
                        byteMutations().list().ofMinSize(1).ofMaxSize(3))
                    .as(
                        (review, mutations, byteMutations) -> {
                          FuzzJson.Tree tree =
                              new FuzzJson.Tree(review.deepCopy()).applyAll(mutations);
                          byte[] bytes = tree.bytes(false);
                          for (ByteMutation m : byteMutations) {
                            bytes = m.apply(bytes);
                          }
                          return new Body("bytes", tree + " " + byteMutations, bytes, false);
                        })),
            Tuple.of(20, randomBodies()));
    return Combinators.combine(
            clusters(), contentTypes(), Arbitraries.of(false, false, false, true), bodies)
        .as(
            (cluster, contentType, chunked, body) ->
                new Request(
                    cluster,
                    contentType,
                    chunked,
                    body.source(),
                    body.how(),
                    body.bytes(),
                    body.pristine()));
  }

  @Provide
  Arbitrary<Request> podRequests() {
    Arbitrary<Mutation> podMutations = mutations().filter(m -> m.op() != Op.IDENTITY);
    return Combinators.combine(
            clusters(),
            reviews(true),
            podMutations.list().ofMinSize(1).ofMaxSize(3),
            Arbitraries.of(false, false, false, true),
            Arbitraries.of(false, false, false, true))
        .as(
            (cluster, review, mutations, asciiOnly, chunked) -> {
              JsonObject copy = review.deepCopy();
              JsonObject pod = copy.getAsJsonObject("request").getAsJsonObject("object");
              FuzzJson.Tree tree =
                  new FuzzJson.Tree(copy, pod, FuzzJson.POD_HOT_PATHS).applyAll(mutations);
              return new Request(
                  cluster,
                  "application/json",
                  chunked,
                  "pod-mutated",
                  tree + (asciiOnly ? " ascii-escaped" : ""),
                  tree.bytes(asciiOnly),
                  false);
            });
  }

  /**
   * Weighted towards mixed mode, where the patch has the most parts (gate, annotation, ENI
   * resource).
   */
  Arbitrary<Cluster> clusters() {
    return Arbitraries.frequency(
        Tuple.of(3, Cluster.VPC_CNI),
        Tuple.of(4, Cluster.MIXED),
        Tuple.of(1, Cluster.MIXED_GLOBAL_ROUTE),
        Tuple.of(1, Cluster.GLOBAL_ROUTER_OFF),
        Tuple.of(1, Cluster.GLOBAL_ROUTER_ON));
  }

  Arbitrary<String> contentTypes() {
    return Arbitraries.frequencyOf(
        Tuple.of(90, Arbitraries.just("application/json")),
        Tuple.of(4, Arbitraries.of(JSON_CONTENT_TYPES)),
        Tuple.of(3, Arbitraries.of(NON_JSON_CONTENT_TYPES)),
        Tuple.of(
            3,
            Arbitraries.oneOf(
                    Arbitraries.of(
                        "",
                        " ",
                        "application/",
                        "/json",
                        "application/json;;",
                        "*/*",
                        "application/*",
                        ";",
                        "\u00e9/json"),
                    Arbitraries.strings().ofMaxLength(20))
                .injectNull(0.3)));
  }

  // A realistic AdmissionReview for a Pod CREATE, as the API server sends it.

  Arbitrary<JsonObject> reviews() {
    return reviews(false);
  }

  /**
   * @param aimed mostly Pods a direct-access frontend selects, at CREATE: the ones that get a patch
   */
  Arbitrary<JsonObject> reviews(boolean aimed) {
    Arbitrary<String> uids =
        Arbitraries.longs().tuple2().map(t -> new UUID(t.get1(), t.get2()).toString());
    Arbitrary<String> namespaces =
        Arbitraries.frequency(
            Tuple.of(aimed ? 30 : 8, "shop"),
            Tuple.of(2, "other"),
            Tuple.of(1, "plain"),
            Tuple.of(1, "empty"));
    Arbitrary<String> operations =
        aimed
            ? Arbitraries.just("CREATE")
            : Arbitraries.frequency(
                Tuple.of(16, "CREATE"),
                Tuple.of(1, "UPDATE"),
                Tuple.of(1, "DELETE"),
                Tuple.of(1, "CONNECT"));
    Arbitrary<String> apiVersions =
        Arbitraries.frequency(
            Tuple.of(9, AdmissionReview.V1), Tuple.of(1, AdmissionReview.V1BETA1));
    // The Pod's own metadata.namespace: none (usual at CREATE), the request's, another, empty.
    Arbitrary<Integer> podNamespace =
        Arbitraries.frequency(Tuple.of(6, 0), Tuple.of(2, 1), Tuple.of(1, 2), Tuple.of(1, 3));
    return Combinators.combine(
            uids,
            namespaces,
            operations,
            apiVersions,
            Arbitraries.of(false, true),
            podNamespace,
            pods(aimed))
        .as(
            (uid, namespace, operation, apiVersion, dryRun, podNs, pod) -> {
              JsonObject podKind = gvk("", "v1", "Pod");
              JsonObject request = new JsonObject();
              request.addProperty("uid", uid);
              request.add("kind", podKind);
              request.add("resource", gvr());
              request.add("requestKind", podKind.deepCopy());
              request.add("requestResource", gvr());
              request.addProperty("name", "");
              request.addProperty("namespace", namespace);
              request.addProperty("operation", operation);
              JsonObject user = new JsonObject();
              user.addProperty(
                  "username", "system:serviceaccount:kube-system:replicaset-controller");
              user.addProperty("uid", "c0ffee00-0000-4000-8000-000000000000");
              JsonArray groups = new JsonArray();
              groups.add("system:serviceaccounts");
              groups.add("system:authenticated");
              user.add("groups", groups);
              request.add("userInfo", user);
              JsonObject object = pod.deepCopy();
              switch (podNs) {
                case 1 -> object.getAsJsonObject("metadata").addProperty("namespace", namespace);
                case 2 -> object.getAsJsonObject("metadata").addProperty("namespace", "other");
                case 3 -> object.getAsJsonObject("metadata").addProperty("namespace", "");
                default -> {}
              }
              request.add("object", object);
              request.add("oldObject", JsonNull.INSTANCE);
              request.addProperty("dryRun", dryRun);
              JsonObject options = new JsonObject();
              options.addProperty("kind", "CreateOptions");
              options.addProperty("apiVersion", "meta.k8s.io/v1");
              request.add("options", options);
              JsonObject review = new JsonObject();
              review.addProperty("kind", AdmissionReview.KIND);
              review.addProperty("apiVersion", apiVersion);
              review.add("request", request);
              return review;
            });
  }

  private static JsonObject gvk(String group, String version, String kind) {
    JsonObject gvk = new JsonObject();
    gvk.addProperty("group", group);
    gvk.addProperty("version", version);
    gvk.addProperty("kind", kind);
    return gvk;
  }

  private static JsonObject gvr() {
    JsonObject gvr = new JsonObject();
    gvr.addProperty("group", "");
    gvr.addProperty("version", "v1");
    gvr.addProperty("resource", "pods");
    return gvr;
  }

  enum Gates {
    ABSENT,
    NULL,
    EMPTY,
    USERS,
    OURS,
    USERS_AND_OURS
  }

  enum Resources {
    ABSENT,
    EMPTY,
    CPU_MEMORY,
    REQUESTS_ONLY,
    LIMITS_ONLY,
    WITH_ENI
  }

  /** The shapes of {@code lifecycle} the drain's patch paths depend on. */
  enum Lifecycle {
    ABSENT,
    NULL,
    EMPTY,
    POST_START,
    PRE_STOP_NULL,
    USERS_PRE_STOP,
    USERS_SLEEP,
    BOTH
  }

  record ContainerShape(
      String image, List<Integer> ports, Resources resources, Lifecycle lifecycle) {}

  Arbitrary<JsonObject> pods(boolean aimed) {
    Arbitrary<String> app =
        Arbitraries.frequencyOf(
                Tuple.of(aimed ? 30 : 8, Arbitraries.just("web")),
                Tuple.of(aimed ? 10 : 3, Arbitraries.just("api")),
                Tuple.of(2, Arbitraries.just("db")),
                Tuple.of(1, Arbitraries.just("other-web")),
                Tuple.of(1, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8)))
            .injectNull(0.1);
    Arbitrary<Map<String, String>> extraLabels =
        Arbitraries.maps(
                Arbitraries.of(
                    "tier", "version", "pod-template-hash", "app.kubernetes.io/name", "team"),
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(10))
            .ofMaxSize(3);
    Arbitrary<Map<String, String>> annotations =
        Combinators.combine(
                Arbitraries.of("false", "False", " false ", "true", "no").injectNull(0.7),
                Arbitraries.of(WellKnown.ENI_NETWORKS_VALUE, "tke-bridge", "").injectNull(0.7),
                Arbitraries.of("false", "FALSE", "true", "off", "0", "").injectNull(0.7),
                Arbitraries.maps(
                        Arbitraries.of(
                            "kubectl.kubernetes.io/restartedAt", "prometheus.io/scrape", "note"),
                        Arbitraries.strings().ofMaxLength(12))
                    .ofMaxSize(2))
            .as(
                (inject, network, drain, extra) -> {
                  Map<String, String> all = new HashMap<>(extra);
                  if (drain != null) {
                    all.put(WellKnown.POD_DRAIN_ANNOTATION, drain);
                  }
                  if (inject != null) {
                    all.put(WellKnown.POD_INJECT_ANNOTATION, inject);
                  }
                  if (network != null) {
                    all.put(WellKnown.ENI_NETWORKS_ANNOTATION, network);
                  }
                  return all;
                })
            .injectNull(0.4);
    Arbitrary<ContainerShape> container =
        Combinators.combine(
                Arbitraries.of(
                    "nginx:1.27", "registry.example.com/shop/web@sha256:0123abcd", "busybox"),
                Arbitraries.integers().between(1, 65535).list().ofMaxSize(2),
                Arbitraries.of(Resources.class),
                Arbitraries.of(Lifecycle.class))
            .as(ContainerShape::new);
    Arbitrary<Boolean> hostNetwork = Arbitraries.of(false, true).injectNull(0.8);
    return Combinators.combine(
            app,
            extraLabels,
            annotations,
            container.list().ofMinSize(1).ofMaxSize(4),
            container.list().ofMaxSize(2).injectNull(0.6),
            Arbitraries.of(Gates.class),
            Combinators.combine(
                    hostNetwork, Arbitraries.of(0L, 1L, 5L, 10L, 11L, 30L, 3600L).injectNull(0.5))
                .as(Tuple::of),
            Arbitraries.of(false, true))
        .as(
            (appLabel, labels, notes, containers, initContainers, gates, hostAndGrace, extras) -> {
              Boolean host = hostAndGrace.get1();
              Long grace = hostAndGrace.get2();
              JsonObject metadata = new JsonObject();
              metadata.addProperty("generateName", "web-7d9c5b6f4-");
              if (extras) {
                metadata.add("creationTimestamp", JsonNull.INSTANCE);
                JsonArray owners = new JsonArray();
                JsonObject owner = new JsonObject();
                owner.addProperty("apiVersion", "apps/v1");
                owner.addProperty("kind", "ReplicaSet");
                owner.addProperty("name", "web-7d9c5b6f4");
                owner.addProperty("uid", "6a1e0f52-1b5d-4b0e-9d0a-000000000001");
                owner.addProperty("controller", true);
                owner.addProperty("blockOwnerDeletion", true);
                owners.add(owner);
                metadata.add("ownerReferences", owners);
              }
              if (appLabel != null || !labels.isEmpty()) {
                JsonObject labelsJson = new JsonObject();
                if (appLabel != null) {
                  labelsJson.addProperty("app", appLabel);
                }
                labels.forEach(labelsJson::addProperty);
                metadata.add("labels", labelsJson);
              }
              if (notes != null) {
                JsonObject notesJson = new JsonObject();
                notes.forEach(notesJson::addProperty);
                metadata.add("annotations", notesJson);
              }
              JsonObject spec = new JsonObject();
              spec.add("containers", containers(containers, "app"));
              if (initContainers != null) {
                spec.add("initContainers", containers(initContainers, "init"));
              }
              switch (gates) {
                case ABSENT -> {}
                case NULL -> spec.add("readinessGates", JsonNull.INSTANCE);
                case EMPTY -> spec.add("readinessGates", new JsonArray());
                case USERS -> spec.add("readinessGates", gates("example.com/warm"));
                case OURS -> spec.add("readinessGates", gates(GATE));
                case USERS_AND_OURS -> spec.add("readinessGates", gates("example.com/warm", GATE));
              }
              if (host != null) {
                spec.addProperty("hostNetwork", host);
              }
              if (grace != null) {
                spec.addProperty("terminationGracePeriodSeconds", grace);
              }
              if (extras) {
                spec.addProperty("restartPolicy", "Always");
                if (grace == null) {
                  spec.addProperty("terminationGracePeriodSeconds", 30);
                }
                spec.addProperty("dnsPolicy", "ClusterFirst");
                spec.addProperty("serviceAccountName", "default");
                spec.add("securityContext", new JsonObject());
                JsonArray tolerations = new JsonArray();
                JsonObject toleration = new JsonObject();
                toleration.addProperty("key", "node.kubernetes.io/not-ready");
                toleration.addProperty("operator", "Exists");
                toleration.addProperty("effect", "NoExecute");
                toleration.addProperty("tolerationSeconds", 300);
                tolerations.add(toleration);
                spec.add("tolerations", tolerations);
              }
              JsonObject pod = new JsonObject();
              pod.addProperty("apiVersion", "v1");
              pod.addProperty("kind", "Pod");
              pod.add("metadata", metadata);
              pod.add("spec", spec);
              if (extras) {
                pod.add("status", new JsonObject());
              }
              return pod;
            });
  }

  private static JsonArray containers(List<ContainerShape> shapes, String prefix) {
    JsonArray containers = new JsonArray();
    for (int i = 0; i < shapes.size(); i++) {
      ContainerShape shape = shapes.get(i);
      JsonObject container = new JsonObject();
      container.addProperty("name", prefix + i);
      container.addProperty("image", shape.image());
      if (!shape.ports().isEmpty()) {
        JsonArray ports = new JsonArray();
        shape
            .ports()
            .forEach(
                p -> {
                  JsonObject port = new JsonObject();
                  port.addProperty("containerPort", p);
                  port.addProperty("protocol", "TCP");
                  ports.add(port);
                });
        container.add("ports", ports);
      }
      switch (shape.resources()) {
        case ABSENT -> {}
        case EMPTY -> container.add("resources", new JsonObject());
        case CPU_MEMORY -> container.add("resources", resources(true, true, false));
        case REQUESTS_ONLY -> container.add("resources", resources(true, false, false));
        case LIMITS_ONLY -> container.add("resources", resources(false, true, false));
        case WITH_ENI -> container.add("resources", resources(true, true, true));
      }
      if (prefix.equals("init") && i == 0) {
        container.addProperty("restartPolicy", "Always"); // a native sidecar: never drained
      }
      switch (shape.lifecycle()) {
        case ABSENT -> {}
        case NULL -> container.add("lifecycle", JsonNull.INSTANCE);
        case EMPTY -> container.add("lifecycle", new JsonObject());
        case POST_START -> container.add("lifecycle", lifecycle(false, null));
        case PRE_STOP_NULL -> {
          JsonObject lifecycle = new JsonObject();
          lifecycle.add("preStop", JsonNull.INSTANCE);
          container.add("lifecycle", lifecycle);
        }
        case USERS_PRE_STOP -> container.add("lifecycle", lifecycle(false, "exec"));
        case USERS_SLEEP -> container.add("lifecycle", lifecycle(false, "sleep"));
        case BOTH -> container.add("lifecycle", lifecycle(true, "httpGet"));
      }
      containers.add(container);
    }
    return containers;
  }

  private static JsonObject lifecycle(boolean postStart, String preStop) {
    JsonObject lifecycle = new JsonObject();
    if (postStart || preStop == null) {
      JsonObject sleep = new JsonObject();
      sleep.addProperty("seconds", 1);
      JsonObject handler = new JsonObject();
      handler.add("sleep", sleep);
      lifecycle.add("postStart", handler);
    }
    if (preStop != null) {
      JsonObject action = new JsonObject();
      switch (preStop) {
        case "exec" -> {
          JsonArray command = new JsonArray();
          command.add("/bin/drain");
          action.add("command", command);
        }
        case "sleep" -> action.addProperty("seconds", 3);
        default -> {
          action.addProperty("path", "/drain");
          action.addProperty("port", 8080);
        }
      }
      JsonObject handler = new JsonObject();
      handler.add(preStop, action);
      lifecycle.add("preStop", handler);
    }
    return lifecycle;
  }

  private static JsonObject resources(boolean requests, boolean limits, boolean eni) {
    JsonObject resources = new JsonObject();
    if (requests) {
      JsonObject quantities = new JsonObject();
      quantities.addProperty("cpu", "100m");
      quantities.addProperty("memory", "64Mi");
      if (eni) {
        quantities.addProperty(WellKnown.ENI_IP_RESOURCE, "1");
      }
      resources.add("requests", quantities);
    }
    if (limits) {
      JsonObject quantities = new JsonObject();
      quantities.addProperty("memory", "128Mi");
      if (eni) {
        quantities.addProperty(WellKnown.ENI_IP_RESOURCE, "1");
      }
      resources.add("limits", quantities);
    }
    return resources;
  }

  private static JsonArray gates(String... conditionTypes) {
    JsonArray gates = new JsonArray();
    for (String type : conditionTypes) {
      JsonObject gate = new JsonObject();
      gate.addProperty("conditionType", type);
      gates.add(gate);
    }
    return gates;
  }

  // Mutations and random bodies.

  Arbitrary<String> texts() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "",
            " ",
            "x",
            "Pod",
            "pod",
            "AdmissionReview",
            "CREATE",
            "UPDATE",
            "true",
            "false",
            "null",
            "0",
            "web",
            "app",
            "shop",
            "admission.k8s.io/v1",
            "cloud.tencent.com/load-balancer-backendgroup-ready",
            "tke.cloud.tencent.com/eni-ip",
            "~1",
            "/",
            "-",
            "\"",
            "\\",
            "{",
            "[]"),
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(12),
        Arbitraries.strings().all().ofMaxLength(6));
  }

  Arbitrary<Mutation> mutations() {
    return Combinators.combine(
            Arbitraries.of(Op.class),
            Arbitraries.integers().between(0, 100_000),
            Arbitraries.integers().between(0, 100_000),
            texts())
        .as(Mutation::new);
  }

  Arbitrary<ByteMutation> byteMutations() {
    return Combinators.combine(
            Arbitraries.of(ByteOp.class),
            Arbitraries.integers().between(0, 1_000_000),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(8))
        .as(ByteMutation::new);
  }

  Arbitrary<Body> randomBodies() {
    Arbitrary<com.google.gson.JsonElement> json =
        Arbitraries.recursive(
            () ->
                Arbitraries.oneOf(
                    texts().map(com.google.gson.JsonPrimitive::new),
                    Arbitraries.of(FuzzJson.NUMBERS).map(FuzzJson::number),
                    Arbitraries.of(true, false).map(com.google.gson.JsonPrimitive::new),
                    Arbitraries.just(JsonNull.INSTANCE)),
            element ->
                Arbitraries.oneOf(
                    element
                        .list()
                        .ofMaxSize(4)
                        .map(
                            items -> {
                              JsonArray array = new JsonArray();
                              items.forEach(i -> array.add(i.deepCopy()));
                              return array;
                            }),
                    Arbitraries.maps(
                            Arbitraries.oneOf(
                                texts(),
                                Arbitraries.of("request", "uid", "kind", "object", "apiVersion")),
                            element)
                        .ofMaxSize(4)
                        .map(
                            members -> {
                              JsonObject object = new JsonObject();
                              members.forEach((k, v) -> object.add(k, v.deepCopy()));
                              return object;
                            })),
            0,
            4);
    Arbitrary<Body> anyJson =
        json.map(
            j ->
                new Body(
                    "random-json",
                    "",
                    FuzzJson.write(j, false, Map.of()).getBytes(StandardCharsets.UTF_8),
                    false));
    Arbitrary<Body> reviewShaped =
        Combinators.combine(
                Arbitraries.of(AdmissionReview.V1, AdmissionReview.V1BETA1, "admission.k8s.io/v2"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(36),
                json)
            .as(
                (apiVersion, uid, request) -> {
                  JsonObject review = new JsonObject();
                  review.addProperty("apiVersion", apiVersion);
                  review.addProperty("kind", AdmissionReview.KIND);
                  JsonObject requestObject =
                      request.isJsonObject()
                          ? request.getAsJsonObject().deepCopy()
                          : new JsonObject();
                  requestObject.addProperty("uid", uid);
                  if (!request.isJsonObject()) {
                    requestObject.add("object", request.deepCopy());
                  }
                  review.add("request", requestObject);
                  return new Body(
                      "random-review",
                      "",
                      FuzzJson.write(review, false, Map.of()).getBytes(StandardCharsets.UTF_8),
                      false);
                });
    Arbitrary<Body> bytes =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMaxSize(600)
            .map(b -> new Body("random-bytes", "", b, false));
    Arbitrary<Body> ascii =
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .ofMaxLength(200)
            .map(s -> new Body("random-text", "", s.getBytes(StandardCharsets.UTF_8), false));
    Arbitrary<Body> fixed =
        Arbitraries.of(
                "",
                " ",
                "{}",
                "[]",
                "null",
                "0",
                "\"AdmissionReview\"",
                "{\"request\":{}}",
                "{\"apiVersion\":null,\"kind\":null}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":null}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"}}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"kind\":null,\"object\":null}}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"kind\":{\"kind\":\"Pod\"},\"operation\":\"CREATE\",\"object\":{}}}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"kind\":{\"kind\":\"Pod\"},\"operation\":\"CREATE\",\"object\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[]}}}}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"kind\":{\"kind\":\"Pod\"},\"operation\":\"CREATE\",\"namespace\":\"shop\",\"object\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{}]}}}}")
            .map(text -> new Body("fixed", "", text.getBytes(StandardCharsets.UTF_8), false));
    return Arbitraries.frequencyOf(
        Tuple.of(3, anyJson),
        Tuple.of(4, reviewShaped),
        Tuple.of(2, bytes),
        Tuple.of(1, ascii),
        Tuple.of(1, fixed));
  }
}
