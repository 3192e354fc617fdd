package io.clbdirect.gate.clb;

import static io.clbdirect.gate.clb.LoopbackSsl.certificate;
import static io.clbdirect.gate.clb.LoopbackSsl.listed;
import static io.clbdirect.gate.clb.LoopbackSsl.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.gate.decide.CertificateSource.Material;
import io.clbdirect.gate.decide.SecretRef;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * CertificateUploads through the real SDK against a loopback server answering in the SSL API's
 * documented shape ({@code {"Response":{...,"RequestId":...}}}).
 */
class CertificateUploadsTest {

  static final SecretRef SECRET = new SecretRef("shop", "web-tls");
  static final String FP = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  static final String FP32 = FP.substring(0, 32);
  static ServingCertificate leaf;

  @StartStop final MockWebServer server = new MockWebServer();
  SimpleMeterRegistry meters;
  CertificateUploads uploads;
  ListAppender<ILoggingEvent> logs;
  Logger root;
  Level rootLevel;

  @BeforeAll
  static void issue() {
    Clock clock = Clock.systemUTC();
    leaf =
        CertificateAuthority.generate("test CA", Duration.ofDays(2), clock)
            .issueServing(List.of("shop.example.com"), List.of(), Duration.ofDays(1), clock);
  }

  @BeforeEach
  void setUp() {
    meters = new SimpleMeterRegistry();
    uploads = LoopbackSsl.uploads(server, meters);
    // Every log event, at every level, of every logger (the SDK's and OkHttp's included).
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLevel = root.getLevel();
    root.setLevel(Level.ALL);
    logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void restoreLogs() {
    root.detachAppender(logs);
    root.setLevel(rootLevel);
  }

  static Material material() {
    return new Material(leaf.certificatePem(), leaf.privateKeyPem(), FP);
  }

  /** A line of the key's base64 body: if it shows up anywhere, the key leaked. */
  static String keyLine() {
    return leaf.privateKeyPem().lines().skip(2).findFirst().orElseThrow();
  }

  static MockResponse error(String code, String message) {
    JsonObject error = new JsonObject();
    error.addProperty("Code", code);
    error.addProperty("Message", message);
    return ok("\"Error\":" + error);
  }

  RecordedRequest take() throws InterruptedException {
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  static JsonObject body(RecordedRequest request) {
    return JsonParser.parseString(request.getBody().utf8()).getAsJsonObject();
  }

  static String action(RecordedRequest request) {
    return request.getHeaders().get("X-TC-Action");
  }

  void assertNoLogCarriesTheKey() {
    List<String> texts = new ArrayList<>();
    for (ILoggingEvent event : logs.list) {
      texts.add(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        texts.add(t.getMessage());
      }
    }
    assertThat(logs.list).as("the upload is logged").isNotEmpty();
    assertThat(texts).noneMatch(text -> text != null && text.contains(keyLine()));
    assertThat(texts).noneMatch(text -> text != null && text.contains("PRIVATE KEY"));
  }

  @Test
  void uploadsWithTagsAliasAndRepeatableFalseWhenNothingIsTagged() throws Exception {
    server.enqueue(listed());
    server.enqueue(ok("\"CertificateId\":\"cert-new1\""));

    assertThat(uploads.ensure(SECRET, material())).isEqualTo("cert-new1");

    RecordedRequest describe = take();
    assertThat(action(describe)).isEqualTo("DescribeCertificates");
    assertThat(describe.getHeaders().get("X-TC-Version")).isEqualTo("2019-12-05");
    assertThat(body(describe).get("Tags").toString())
        .isEqualTo(
            "[{\"TagKey\":\"clb-direct.io/cluster\",\"TagValue\":\"prod-1\"},"
                + "{\"TagKey\":\"clb-direct.io/secret\",\"TagValue\":\"shop.web-tls\"}]");
    assertThat(describe.getBody().utf8()).doesNotContain(keyLine());
    RecordedRequest upload = take();
    assertThat(action(upload)).isEqualTo("UploadCertificate");
    JsonObject sent = body(upload);
    assertThat(sent.get("CertificatePublicKey").getAsString()).isEqualTo(leaf.certificatePem());
    assertThat(sent.get("CertificatePrivateKey").getAsString()).isEqualTo(leaf.privateKeyPem());
    assertThat(sent.get("CertificateType").getAsString()).isEqualTo("SVR");
    assertThat(sent.get("Alias").getAsString()).isEqualTo("clb-direct-shop-web-tls-01234567");
    assertThat(sent.get("Repeatable").getAsBoolean()).isFalse();
    assertThat(sent.get("Tags").toString())
        .isEqualTo(
            "[{\"TagKey\":\"clb-direct.io/cluster\",\"TagValue\":\"prod-1\"},"
                + "{\"TagKey\":\"clb-direct.io/secret\",\"TagValue\":\"shop.web-tls\"},"
                + "{\"TagKey\":\"clb-direct.io/fingerprint\",\"TagValue\":\""
                + FP32
                + "\"}]");
    assertNoLogCarriesTheKey();
  }

  @Test
  void aSecondEnsureOfTheSameCertificateIsAnsweredFromMemory() throws Exception {
    server.enqueue(listed());
    server.enqueue(ok("\"CertificateId\":\"cert-new1\""));
    uploads.ensure(SECRET, material());

    assertThat(uploads.ensure(SECRET, material())).isEqualTo("cert-new1");

    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void anUploadFoundByItsTagsIsNotUploadedAgain() throws Exception {
    server.enqueue(
        listed(
            // Another cluster's upload of the same Secret and certificate: the tag filter is the
            // API's, and is checked again here.
            certificate("cert-other", "prod-2", "shop.web-tls", FP32),
            certificate("cert-older", "prod-1", "shop.web-tls", "ffffffffffffffffffffffffffffffff"),
            certificate("cert-found", "prod-1", "shop.web-tls", FP32)));

    assertThat(uploads.ensure(SECRET, material())).isEqualTo("cert-found");

    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aRepeatCertIdIsTheIdToUse() throws Exception {
    server.enqueue(listed());
    server.enqueue(ok("\"CertificateId\":\"\",\"RepeatCertId\":\"cert-already\""));

    assertThat(uploads.ensure(SECRET, material())).isEqualTo("cert-already");
  }

  @Test
  void aRetryableCodeIsRetried() throws Exception {
    server.enqueue(error("LimitExceeded.RateLimitExceeded", "slow down"));
    server.enqueue(listed(certificate("cert-found", "prod-1", "shop.web-tls", FP32)));

    assertThat(uploads.ensure(SECRET, material())).isEqualTo("cert-found");

    assertThat(
            meters
                .find("clb_direct_ssl_retries_total")
                .tag("action", "DescribeCertificates")
                .tag("code", "LimitExceeded.RateLimitExceeded")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void aRefusedUploadThrowsWithoutTheKeyEvenWhenTheApiQuotesIt() throws Exception {
    server.enqueue(listed());
    server.enqueue(
        error("FailedOperation.CertificateParseError", "cannot parse key near " + keyLine()));

    assertThatThrownBy(() -> uploads.ensure(SECRET, material()))
        .isInstanceOfSatisfying(
            ClbOperationException.class,
            e -> {
              assertThat(e.code()).isEqualTo("FailedOperation.CertificateParseError");
              assertThat(e.getMessage()).doesNotContain(keyLine()).contains("withheld");
              assertThat(e.getCause()).isNull();
            });
    server.enqueue(listed());
    server.enqueue(error("FailedOperation.CertificateParseError", "bad certificate"));
    assertThatThrownBy(() -> uploads.ensure(SECRET, material()))
        .hasMessageContaining("bad certificate");
    List<String> texts = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(texts).noneMatch(text -> text.contains(keyLine()));
  }

  @Test
  void deleteUnusedKeepsTheCurrentAndInUseIdsAndSkipsARefusal() throws Exception {
    server.enqueue(listed(certificate("cert-current", "prod-1", "shop.web-tls", FP32)));
    uploads.ensure(SECRET, material());
    take();
    server.enqueue(
        listed(
            certificate("cert-current", "prod-1", "shop.web-tls", FP32),
            certificate("cert-used", "prod-1", "shop.web-tls", "1".repeat(32)),
            certificate("cert-old", "prod-1", "shop.web-tls", "2".repeat(32)),
            certificate("cert-bound", "prod-1", "shop.web-tls", "3".repeat(32)),
            certificate("cert-async", "prod-1", "shop.web-tls", "4".repeat(32)),
            certificate("cert-foreign", "prod-2", "shop.web-tls", "5".repeat(32))));
    server.enqueue(ok("\"DeleteResult\":true"));
    server.enqueue(error("FailedOperation.BoundResources", "bound to lb-12345678"));
    server.enqueue(ok("\"DeleteResult\":false,\"TaskId\":\"12566\""));

    CertificateUploads.Cleanup cleanup = uploads.deleteUnused(SECRET, Set.of("cert-used"));

    assertThat(cleanup.deleted()).containsExactly("cert-old");
    assertThat(cleanup.stillInUse()).containsExactly("cert-bound");
    assertThat(cleanup.pending()).containsExactly("cert-async");
    take();
    List<String> deletes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RecordedRequest delete = take();
      assertThat(action(delete)).isEqualTo("DeleteCertificate");
      assertThat(body(delete).get("IsCheckResource").getAsBoolean()).isTrue();
      deletes.add(body(delete).get("CertificateId").getAsString());
    }
    assertThat(deletes).containsExactly("cert-old", "cert-bound", "cert-async");
    assertThat(server.getRequestCount()).isEqualTo(5);
  }

  @Test
  void obsoleteListsThisSecretsOtherUploads() throws Exception {
    server.enqueue(
        listed(
            certificate("cert-current", "prod-1", "shop.web-tls", FP32),
            certificate("cert-old", "prod-1", "shop.web-tls", "2".repeat(32)),
            certificate("cert-elsewhere", "prod-1", "shop.api-tls", "2".repeat(32))));

    assertThat(uploads.obsolete(SECRET, "cert-current")).containsExactly("cert-old");
  }

  @Test
  void namesFitTheApisLimits() {
    SecretRef longest = new SecretRef("n".repeat(63), "s".repeat(253));
    String tag = CertificateUploads.secretTagValue(longest);
    assertThat(tag).hasSize(CertificateUploads.TAG_VALUE_MAX).startsWith("nnn");
    assertThat(CertificateUploads.secretTagValue(new SecretRef("n".repeat(63), "s".repeat(252))))
        .as("a different Secret, a different tag")
        .isNotEqualTo(tag);
    assertThat(CertificateUploads.alias(longest, FP))
        .hasSize(CertificateUploads.ALIAS_MAX)
        .endsWith("-01234567");
  }
}
