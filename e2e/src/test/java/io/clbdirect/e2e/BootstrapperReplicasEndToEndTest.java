package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.e2e.app.ClbDirectProcess;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two replicas: one writer through the Lease, both serving the Secret's leaf; the survivor takes over. */
@ExtendWith(ControlPlaneExtension.class)
class BootstrapperReplicasEndToEndTest {

  static final String NAMESPACE = "clb-direct-replicas-e2e";
  static final String CONFIGURATION = "clb-direct-replicas-e2e";
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void oneWriterBothServeAndTheSurvivorTakesOver(ControlPlane plane) throws Exception {
    CoreV1Api core = new CoreV1Api(plane.adminClient());
    AdmissionregistrationV1Api admission = new AdmissionregistrationV1Api(plane.adminClient());
    CoordinationV1Api coordination = new CoordinationV1Api(plane.adminClient());
    Namespaces.create(core, NAMESPACE);
    Path work = Files.createDirectories(plane.workDir().resolve("replicas-e2e"));
    List<String> args = List.of("--clb-direct.bootstrap.propagation-delay=2s");
    ClbDirectProcess a = ClbDirectProcess.start(work.resolve("a"), plane.adminKubeconfig(), NAMESPACE, CONFIGURATION, args,
        Map.of("POD_NAME", "replica-a"));
    ClbDirectProcess b = null;
    try {
      b = ClbDirectProcess.start(work.resolve("b"), plane.adminKubeconfig(), NAMESPACE, CONFIGURATION, args,
          Map.of("POD_NAME", "replica-b"));
      String holder = coordination.readNamespacedLease("clb-direct", NAMESPACE).execute().getSpec().getHolderIdentity();
      assertThat(holder).isIn("replica-a", "replica-b");
      assertThat(serial(a)).as("both replicas serve the Secret's one leaf").isEqualTo(serial(b));

      ClbDirectProcess leader = holder.equals("replica-a") ? a : b;
      ClbDirectProcess survivor = leader == a ? b : a;
      String survivorName = leader == a ? "replica-b" : "replica-a";
      BigInteger before = serial(survivor);
      leader.close();
      long killed = System.nanoTime();

      Await.until(TIMEOUT, "the survivor holding the Lease", () -> {
        try {
          return coordination.readNamespacedLease("clb-direct", NAMESPACE).execute().getSpec().getHolderIdentity();
        } catch (ApiException e) {
          throw new IllegalStateException(e);
        }
      }, survivorName::equals);
      long takeoverMs = Duration.ofNanos(System.nanoTime() - killed).toMillis();
      admission.deleteMutatingWebhookConfiguration(CONFIGURATION).execute();
      V1MutatingWebhookConfiguration restored = Await.until(TIMEOUT, "configuration restored by the survivor", () -> {
        try {
          return admission.readMutatingWebhookConfiguration(CONFIGURATION).execute();
        } catch (ApiException e) {
          return null;
        }
      }, c -> c != null && ("https://127.0.0.1:" + survivor.httpsPort() + "/mutate-pods")
          .equals(c.getWebhooks().get(0).getClientConfig().getUrl()));
      System.out.println("FAILOVER leader stopped -> survivor leads in " + takeoverMs + " ms (lease 15 s)");
      assertThat(restored.getWebhooks()).hasSize(1);
      assertThat(serial(survivor)).as("the survivor kept serving the same leaf").isEqualTo(before);
    } finally {
      a.close();
      if (b != null) {
        b.close();
      }
      admission.deleteMutatingWebhookConfiguration(CONFIGURATION).execute();
      Namespaces.deleteCreated(core);
    }
  }

  static BigInteger serial(ClbDirectProcess replica) {
    return PresentedCertificate.at(replica.httpsPort()).getSerialNumber();
  }
}
