package io.clbdirect.gate.clb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.gate.decide.CertificateSource.CertIds;
import io.clbdirect.gate.decide.SecretRef;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Secrets from a map standing in for the cache, the SSL API on a loopback server. */
class CertificatesFromSecretsTest {

  static final SecretRef TKE = new SecretRef("shop", "tke-cert");
  static final SecretRef TLS = new SecretRef("shop", "web-tls");

  @StartStop final MockWebServer server = new MockWebServer();
  final Map<SecretRef, V1Secret> cache = new HashMap<>();
  CertificatesFromSecrets certificates;

  @BeforeEach
  void setUp() {
    certificates =
        new CertificatesFromSecrets(
            cache::get, LoopbackSsl.uploads(server, new SimpleMeterRegistry()));
    cache.put(
        TKE,
        secret("Opaque", "11", Map.of("qcloud_cert_id", "Xy12ab", "qcloud_ca_cert_id", "Ca34cd")));
    Clock clock = Clock.systemUTC();
    ServingCertificate leaf =
        CertificateAuthority.generate("test CA", Duration.ofDays(2), clock)
            .issueServing(List.of("shop.example.com"), List.of(), Duration.ofDays(1), clock);
    cache.put(
        TLS,
        secret(
            "kubernetes.io/tls",
            "12",
            Map.of("tls.crt", leaf.certificatePem(), "tls.key", leaf.privateKeyPem())));
  }

  static V1Secret secret(String type, String version, Map<String, String> data) {
    Map<String, byte[]> bytes = new HashMap<>();
    data.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return new V1Secret()
        .metadata(new V1ObjectMeta().resourceVersion(version))
        .type(type)
        .data(bytes);
  }

  @Test
  void tkeIdsAreServedWithoutAnyCall() throws Exception {
    assertThat(certificates.problem(TKE)).isNull();
    assertThat(certificates.version(TKE)).isEqualTo("11");
    assertThat(certificates.certificate(TKE)).isEqualTo(new CertIds("Xy12ab", "Ca34cd"));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aTlsSecretIsUploadedFirst() throws Exception {
    server.enqueue(LoopbackSsl.listed());
    server.enqueue(LoopbackSsl.ok("\"CertificateId\":\"cert-new1\""));

    assertThat(certificates.certificate(TLS)).isEqualTo(new CertIds("cert-new1", null));
    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("X-TC-Action"))
        .isEqualTo("DescribeCertificates");
    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("X-TC-Action"))
        .isEqualTo("UploadCertificate");
  }

  @Test
  void aMissingSecretIsAProblemWithNoVersion() {
    SecretRef missing = new SecretRef("shop", "gone");
    assertThat(certificates.problem(missing)).contains("shop/gone", "does not exist");
    assertThat(certificates.version(missing)).isEmpty();
    assertThatThrownBy(() -> certificates.certificate(missing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shop/gone");
  }

  @Test
  void swappedDeletesTheOtherUploadsAndAFailureIsOnlyLogged() {
    server.enqueue(
        LoopbackSsl.ok(
            "\"TotalCount\":2,\"Certificates\":["
                + "{\"CertificateId\":\"cert-new\",\"Tags\":[{\"TagKey\":\"clb-direct.io/cluster\",\"TagValue\":\"prod-1\"},"
                + "{\"TagKey\":\"clb-direct.io/secret\",\"TagValue\":\"shop.web-tls\"}]},"
                + "{\"CertificateId\":\"cert-old\",\"Tags\":[{\"TagKey\":\"clb-direct.io/cluster\",\"TagValue\":\"prod-1\"},"
                + "{\"TagKey\":\"clb-direct.io/secret\",\"TagValue\":\"shop.web-tls\"}]}]"));
    server.enqueue(LoopbackSsl.ok("\"DeleteResult\":true"));

    assertThat(certificates.swapped(TLS, "cert-new").deleted()).containsExactly("cert-old");

    server.enqueue(
        LoopbackSsl.ok(
            "\"Error\":{\"Code\":\"AuthFailure.UnauthorizedOperation\",\"Message\":\"no\"}"));
    assertThat(certificates.swapped(TLS, "cert-new").deleted()).isEmpty();
  }
}
