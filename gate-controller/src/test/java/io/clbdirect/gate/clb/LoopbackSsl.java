package io.clbdirect.gate.clb;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/**
 * CertificateUploads through the real SDK against a loopback server, and answers in the SSL API's
 * documented shape ({@code {"Response":{...,"RequestId":...}}}), for the certificate tests.
 */
final class LoopbackSsl {

  static final String CLUSTER = "prod-1";

  private LoopbackSsl() {}

  /** Quick retries (4 attempts, 10-50 ms apart), tagged for {@link #CLUSTER}. */
  static CertificateUploads uploads(MockWebServer server, MeterRegistry meters) {
    ClbConnection connection =
        new ClbConnection(
            "ap-guangzhou",
            "127.0.0.1:" + server.getPort(),
            false,
            "AKIDtest",
            "secret",
            Duration.ofSeconds(2),
            Duration.ofSeconds(5));
    ClbCallPolicy policy =
        new ClbCallPolicy(
            5,
            4,
            Duration.ofMillis(10),
            Duration.ofMillis(50),
            Duration.ofMillis(10),
            Duration.ofSeconds(5));
    return new CertificateUploads(
        new SslGateway(SslClientFactory.create(connection), policy, meters), CLUSTER);
  }

  static MockResponse ok(String fields) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body(
            "{\"Response\":{"
                + (fields.isEmpty() ? "" : fields + ",")
                + "\"RequestId\":\"6f1e4b7e-0000-4000-8000-000000000001\"}}")
        .build();
  }

  /** One DescribeCertificates item tagged with cluster, Secret and fingerprint. */
  static String certificate(String id, String cluster, String secret, String fingerprint) {
    return "{\"CertificateId\":\""
        + id
        + "\",\"Alias\":\"a\",\"CertificateType\":\"SVR\",\"Status\":1,\"Tags\":["
        + "{\"TagKey\":\"clb-direct.io/cluster\",\"TagValue\":\""
        + cluster
        + "\"},{\"TagKey\":\"clb-direct.io/secret\",\"TagValue\":\""
        + secret
        + "\"},{\"TagKey\":\"clb-direct.io/fingerprint\",\"TagValue\":\""
        + fingerprint
        + "\"}]}";
  }

  static MockResponse listed(String... certificates) {
    return ok(
        "\"TotalCount\":"
            + certificates.length
            + ",\"Certificates\":["
            + String.join(",", List.of(certificates))
            + "]");
  }
}
