package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clbdirect.e2e.app.ClbDirectProcess;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.junit.ControlPlaneExtension;
import io.clbdirect.emulator.ClbEmulator;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.net.ConnectException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every end-to-end class relies on from {@link ClbDirectStack} when its set-up breaks: nothing
 * it started is left running for the classes after it on the shared control plane, and the class's
 * own changes are undone. (A successful start and stop is what every end-to-end class runs.)
 */
@ExtendWith(ControlPlaneExtension.class)
class ClbDirectStackTest {

  static final String SYSTEM = "clb-direct-stack-test";

  @Test
  void aStartThatFailsHalfWayStopsWhatItStartedAndUndoesTheClassesStep(ControlPlane plane)
      throws Exception {
    AtomicReference<ClbDirectStack> stack = new AtomicReference<>();
    AtomicReference<ClbDirectProcess> clbDirect = new AtomicReference<>();
    AtomicReference<ClbEmulator> clb = new AtomicReference<>();
    AtomicBoolean undone = new AtomicBoolean();
    stack.set(
        ClbDirectStack.builder(SYSTEM)
            .gateController(89)
            .kubelet(
                admin -> {
                  // The last step: by now the emulator and clb-direct run.
                  clbDirect.set(stack.get().clbDirect());
                  clb.set(stack.get().clb());
                  throw new IllegalStateException("kubelet refused on purpose");
                })
            .afterStop(controlPlane -> undone.set(true))
            .build());

    assertThatThrownBy(() -> stack.get().start(plane)).hasMessage("kubelet refused on purpose");

    assertThat(clbDirect.get()).as("clb-direct had started").isNotNull();
    assertThat(clbDirect.get().isAlive()).as("clb-direct stopped").isFalse();
    assertThat(webhookConfigurationStatus(plane))
        .as("its webhook configuration (Fail) deleted")
        .isEqualTo(404);
    String endpoint = clb.get().endpoint(); // host:port
    int colon = endpoint.lastIndexOf(':');
    assertThatThrownBy(
            () ->
                new Socket(
                        endpoint.substring(0, colon),
                        Integer.parseInt(endpoint.substring(colon + 1)))
                    .close())
        .as("the emulator stopped")
        .isInstanceOf(ConnectException.class);
    assertThat(Namespaces.read(new CoreV1Api(plane.adminClient()), SYSTEM))
        .as("clb-direct's namespace deleted or being deleted")
        .satisfiesAnyOf(
            ns -> assertThat(ns).isNull(),
            ns -> assertThat(ns.getMetadata().getDeletionTimestamp()).isNotNull());
    assertThat(undone).as("the class's afterStop step ran").isTrue();
    assertThatThrownBy(() -> stack.get().clbDirect())
        .as("nothing left to hand out")
        .isInstanceOf(IllegalStateException.class);
    stack
        .get()
        .stop(); // a second stop, as JUnit's afterAll would make: nothing left to do, no failure
  }

  static int webhookConfigurationStatus(ControlPlane plane) {
    try {
      new AdmissionregistrationV1Api(plane.adminClient())
          .readMutatingWebhookConfiguration(SYSTEM)
          .execute();
      return 200;
    } catch (ApiException e) {
      return e.getCode();
    }
  }
}
