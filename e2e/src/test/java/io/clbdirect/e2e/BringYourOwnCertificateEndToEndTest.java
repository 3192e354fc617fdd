package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Secret clb-direct does not manage (no managed-by label, as cert-manager would write it) is only
 * read: its certificate is served, its ca.crt published, and the Secret itself never changes.
 */
class BringYourOwnCertificateEndToEndTest {

  static final String NAMESPACE = "clb-direct-byo-e2e";
  static final String CONFIGURATION = "clb-direct-byo-e2e";

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(NAMESPACE)
          .beforeStart(BringYourOwnCertificateEndToEndTest::writeUsersSecret)
          .build();

  static CertificateAuthority usersCa;
  static ServingCertificate usersLeaf;
  static V1Secret created;

  /**
   * Before clb-direct starts, as cert-manager would have: clb-direct finds it and must not make its
   * own.
   */
  static void writeUsersSecret(ControlPlane plane) throws Exception {
    usersCa = CertificateAuthority.generate("users-own-ca", Duration.ofDays(30), Clock.systemUTC());
    usersLeaf =
        usersCa.issueServing(
            List.of("clb-direct.clb-direct-byo-e2e.svc"),
            List.of(InetAddress.getByName("127.0.0.1")),
            Duration.ofDays(10),
            Clock.systemUTC());
    created =
        new CoreV1Api(plane.adminClient())
            .createNamespacedSecret(
                NAMESPACE,
                new V1Secret()
                    .metadata(
                        new V1ObjectMeta()
                            .name("clb-direct-webhook-tls")
                            .labels(Map.of("app", "from-cert-manager")))
                    .type("kubernetes.io/tls")
                    .data(
                        Map.of(
                            "tls.crt", usersLeaf.certificatePem().getBytes(StandardCharsets.UTF_8),
                            "tls.key", usersLeaf.privateKeyPem().getBytes(StandardCharsets.UTF_8),
                            "ca.crt", usersLeaf.issuerPem().getBytes(StandardCharsets.UTF_8))))
            .execute();
  }

  @Test
  void servesAndPublishesTheUsersCertificateWithoutEverWritingIt() throws Exception {
    AdmissionregistrationV1Api admission = new AdmissionregistrationV1Api(stack.admin());
    assertThat(BootstrapperReplicasEndToEndTest.serial(stack.clbDirect()))
        .isEqualTo(usersLeaf.certificate().getSerialNumber());
    byte[] published =
        admission
            .readMutatingWebhookConfiguration(CONFIGURATION)
            .execute()
            .getWebhooks()
            .get(0)
            .getClientConfig()
            .getCaBundle();
    assertThat(CaBundle.parse(new String(published, StandardCharsets.UTF_8)).certificates())
        .containsExactly(usersCa.certificate());

    Thread.sleep(3000);
    V1Secret after =
        stack.core().readNamespacedSecret("clb-direct-webhook-tls", NAMESPACE).execute();
    assertThat(after.getMetadata().getResourceVersion())
        .as("never written")
        .isEqualTo(created.getMetadata().getResourceVersion());
  }
}
