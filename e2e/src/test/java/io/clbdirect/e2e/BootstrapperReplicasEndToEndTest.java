package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.e2e.app.ClbDirectProcess;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas: one writer through the Lease, both serving the Secret's leaf; the survivor takes
 * over.
 */
class BootstrapperReplicasEndToEndTest {

  static final String NAMESPACE = "clb-direct-replicas-e2e";
  static final String CONFIGURATION = "clb-direct-replicas-e2e";
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(NAMESPACE)
          .args("--clb-direct.bootstrap.propagation-delay=2s")
          .replicas("replica-a", "replica-b")
          .build();

  @Test
  void oneWriterBothServeAndTheSurvivorTakesOver() throws Exception {
    AdmissionregistrationV1Api admission = new AdmissionregistrationV1Api(stack.admin());
    CoordinationV1Api coordination = new CoordinationV1Api(stack.admin());
    ClbDirectProcess a = stack.replica("replica-a");
    ClbDirectProcess b = stack.replica("replica-b");
    String holder =
        coordination
            .readNamespacedLease("clb-direct", NAMESPACE)
            .execute()
            .getSpec()
            .getHolderIdentity();
    assertThat(holder).isIn("replica-a", "replica-b");
    assertThat(serial(a)).as("both replicas serve the Secret's one leaf").isEqualTo(serial(b));

    ClbDirectProcess leader = holder.equals("replica-a") ? a : b;
    ClbDirectProcess survivor = leader == a ? b : a;
    String survivorName = leader == a ? "replica-b" : "replica-a";
    BigInteger before = serial(survivor);
    leader.close();
    long killed = System.nanoTime();

    Await.until(
        TIMEOUT,
        "the survivor holding the Lease",
        () -> {
          try {
            return coordination
                .readNamespacedLease("clb-direct", NAMESPACE)
                .execute()
                .getSpec()
                .getHolderIdentity();
          } catch (ApiException e) {
            throw new IllegalStateException(e);
          }
        },
        survivorName::equals);
    long takeoverMs = Duration.ofNanos(System.nanoTime() - killed).toMillis();
    admission.deleteMutatingWebhookConfiguration(CONFIGURATION).execute();
    V1MutatingWebhookConfiguration restored =
        Await.until(
            TIMEOUT,
            "configuration restored by the survivor",
            () -> {
              try {
                return admission.readMutatingWebhookConfiguration(CONFIGURATION).execute();
              } catch (ApiException e) {
                return null;
              }
            },
            c ->
                c != null
                    && ("https://127.0.0.1:" + survivor.httpsPort() + "/mutate-pods")
                        .equals(c.getWebhooks().get(0).getClientConfig().getUrl()));
    System.out.println(
        "FAILOVER leader stopped -> survivor leads in " + takeoverMs + " ms (lease 15 s)");
    assertThat(restored.getWebhooks()).hasSize(1);
    assertThat(serial(survivor)).as("the survivor kept serving the same leaf").isEqualTo(before);
  }

  static BigInteger serial(ClbDirectProcess replica) {
    return PresentedCertificate.at(replica.httpsPort()).getSerialNumber();
  }
}
