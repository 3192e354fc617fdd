package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.gate.decide.CertificateSource.CertIds;
import io.clbdirect.gate.decide.CertificateSource.Material;
import io.clbdirect.gate.decide.CertificateSource.Problem;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SecretCertificatesTest {

  static final SecretRef REF = new SecretRef("shop", "web-tls");
  static ServingCertificate leaf;
  static CertificateAuthority ca;

  @BeforeAll
  static void issue() {
    Clock clock = Clock.systemUTC();
    ca = CertificateAuthority.generate("test CA", Duration.ofDays(2), clock);
    leaf = ca.issueServing(List.of("shop.example.com"), List.of(), Duration.ofDays(1), clock);
  }

  static V1Secret secret(String type, Map<String, String> data) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    data.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return new V1Secret()
        .metadata(new V1ObjectMeta().namespace("shop").name("web-tls"))
        .type(type)
        .data(bytes);
  }

  static String chain() {
    return leaf.certificatePem()
        + io.clbdirect.certs.Pem.encodeCertificates(List.of(ca.certificate()));
  }

  @Test
  void tkeConventionGivesTheIdsAndTheCaTurnsOnMutualTls() {
    assertThat(
            SecretCertificates.decide(REF, secret("Opaque", Map.of("qcloud_cert_id", "Xy12ab "))))
        .isEqualTo(new CertIds("Xy12ab", null))
        .satisfies(s -> assertThat(((CertIds) s).mutual()).isFalse());
    CertificateSource mutual =
        SecretCertificates.decide(
            REF,
            secret("Opaque", Map.of("qcloud_cert_id", "Xy12ab", "qcloud_ca_cert_id", "Ca34cd")));
    assertThat(mutual).isEqualTo(new CertIds("Xy12ab", "Ca34cd"));
    assertThat(((CertIds) mutual).mutual()).isTrue();
  }

  @Test
  void aTlsSecretGivesMaterialFingerprintedByTheLeafDer() throws Exception {
    CertificateSource source =
        SecretCertificates.decide(
            REF,
            secret(
                "kubernetes.io/tls", Map.of("tls.crt", chain(), "tls.key", leaf.privateKeyPem())));

    assertThat(source).isInstanceOf(Material.class);
    Material material = (Material) source;
    assertThat(material.certPem()).isEqualTo(chain().trim());
    assertThat(material.keyPem()).isEqualTo(leaf.privateKeyPem().trim());
    assertThat(material.fingerprint())
        .isEqualTo(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256").digest(leaf.certificate().getEncoded())));
  }

  @Test
  void materialNeverPrintsTheKey() {
    Material material =
        (Material)
            SecretCertificates.decide(
                REF,
                secret(
                    "kubernetes.io/tls",
                    Map.of("tls.crt", chain(), "tls.key", leaf.privateKeyPem())));
    String body = leaf.privateKeyPem().lines().skip(1).findFirst().orElseThrow();

    assertThat(material.toString()).doesNotContain(body).doesNotContain("PRIVATE KEY");
    assertThat(material.toString()).contains(material.fingerprint());
  }

  @Test
  void qcloudCertIdWinsOverTlsMaterialAsTkeReadsIt() {
    assertThat(
            SecretCertificates.decide(
                REF,
                secret(
                    "kubernetes.io/tls",
                    Map.of(
                        "tls.crt",
                        chain(),
                        "tls.key",
                        leaf.privateKeyPem(),
                        "qcloud_cert_id",
                        "Xy12ab"))))
        .isEqualTo(new CertIds("Xy12ab", null));
  }

  @Test
  void aMissingSecretIsAProblemNamingItAndWhatWasExpected() {
    assertThat(SecretCertificates.decide(REF, null))
        .isInstanceOfSatisfying(
            Problem.class,
            p ->
                assertThat(p.sentence())
                    .contains(
                        "shop/web-tls", "does not exist", "qcloud_cert_id", "kubernetes.io/tls"));
  }

  @Test
  void anOpaqueSecretWithoutACertIdIsAProblem() {
    assertThat(SecretCertificates.decide(REF, secret("Opaque", Map.of("tls.crt", chain()))))
        .isInstanceOfSatisfying(
            Problem.class,
            p -> assertThat(p.sentence()).contains("shop/web-tls", "Opaque", "no qcloud_cert_id"));
    assertThat(SecretCertificates.decide(REF, secret("Opaque", Map.of("qcloud_cert_id", "  "))))
        .as("a blank id is none")
        .isInstanceOf(Problem.class);
    assertThat(SecretCertificates.decide(REF, new V1Secret()))
        .as("no type and no data")
        .isInstanceOf(Problem.class);
  }

  @Test
  void aTlsCrtThatIsNoCertificateIsAProblem() {
    for (String crt :
        List.of(
            "not a certificate",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            leaf.privateKeyPem())) {
      assertThat(
              SecretCertificates.decide(
                  REF,
                  secret(
                      "kubernetes.io/tls",
                      Map.of("tls.crt", crt, "tls.key", leaf.privateKeyPem()))))
          .isInstanceOfSatisfying(
              Problem.class,
              p ->
                  assertThat(p.sentence())
                      .contains("shop/web-tls", "no PEM certificate", "tls.crt"));
    }
  }

  @Test
  void anEmptyOrUnreadableKeyIsAProblemThatNeverQuotesIt() {
    assertThat(
            SecretCertificates.decide(
                REF, secret("kubernetes.io/tls", Map.of("tls.crt", chain(), "tls.key", ""))))
        .isEqualTo(new Problem("Secret shop/web-tls has an empty tls.key"));
    assertThat(
            SecretCertificates.decide(REF, secret("kubernetes.io/tls", Map.of("tls.crt", chain()))))
        .isEqualTo(new Problem("Secret shop/web-tls has an empty tls.key"));
    assertThat(
            SecretCertificates.decide(
                REF,
                secret(
                    "kubernetes.io/tls", Map.of("tls.crt", chain(), "tls.key", "s3cr3t-material"))))
        .isInstanceOfSatisfying(
            Problem.class,
            p -> assertThat(p.sentence()).contains("no PEM private key").doesNotContain("s3cr3t"));
    String encrypted =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n"
            + "-----END ENCRYPTED PRIVATE KEY-----\n";
    assertThat(
            SecretCertificates.decide(
                REF, secret("kubernetes.io/tls", Map.of("tls.crt", chain(), "tls.key", encrypted))))
        .isEqualTo(
            new Problem("Secret shop/web-tls has an encrypted tls.key; it must be unencrypted"));
  }
}
