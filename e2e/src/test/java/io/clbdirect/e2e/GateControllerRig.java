package io.clbdirect.e2e;

import com.tencentcloudapi.clb.v20180317.ClbClient;
import io.clbdirect.e2e.app.ClbDirectProcess;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.gate.clb.ClbClientFactory;
import io.clbdirect.gate.clb.ClbConnection;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What a gate-controller end-to-end class runs against, started and stopped in one place: the CLB
 * emulator in this JVM (200 ms tasks, health checks at 0.1x time), clb-direct as its own process with the
 * gate-controller on and its webhook registered with {@code Fail}, and a fake kubelet. {@link #close()}
 * first deletes the namespaces the class made, while clb-direct and the kubelet still run (see
 * {@link Namespaces}), then stops everything, also when a step fails.
 */
final class GateControllerRig implements AutoCloseable {

  private final ControlPlane plane;
  private final String system;
  private final String secretId;
  private final String secretKey;
  private final ClbEmulator clb;
  private final ClbDirectProcess clbDirect;
  private final FakeKubelet kubelet;

  private GateControllerRig(ControlPlane plane, String system, ClbEmulator clb, ClbDirectProcess clbDirect, FakeKubelet kubelet) {
    this.plane = plane;
    this.system = system;
    this.secretId = secretId(system);
    this.secretKey = secretKey(system);
    this.clb = clb;
    this.clbDirect = clbDirect;
    this.kubelet = kubelet;
  }

  /**
   * @param system clb-direct's namespace and webhook configuration name, unique per class
   * @param vipOctet the emulator's VIPs, 127.{@code vipOctet}.x.y
   * @param kubelet makes the (not yet started) fake kubelet from an admin client without read timeout
   * @param extraArgs clb-direct arguments beyond the gate-controller's
   */
  static GateControllerRig start(ControlPlane plane, String system, int vipOctet, Function<ApiClient, FakeKubelet> kubelet,
      List<String> extraArgs) throws Exception {
    String secretId = secretId(system);
    String secretKey = secretKey(system);
    ClbEmulator clb = ClbEmulator.start(EmulatorConfig.defaults(secretId, secretKey).withTaskDelay(Duration.ofMillis(200))
        .withHealthTimeScale(0.1).withVipOctet(vipOctet));
    ClbDirectProcess clbDirect = null;
    try {
      Namespaces.create(new CoreV1Api(plane.adminClient()), system);
      Path work = Files.createDirectories(plane.workDir().resolve(system));
      List<String> args = new ArrayList<>(List.of("--clb-direct.bootstrap.failure-policy=Fail"));
      args.addAll(ClbDirectProcess.gateControllerArguments(system, "e2e", clb.endpoint()));
      args.addAll(extraArgs);
      clbDirect = ClbDirectProcess.start(work, plane.adminKubeconfig(), system, system, args,
          ClbDirectProcess.clbCredentials(secretId, secretKey));
      return new GateControllerRig(plane, system, clb, clbDirect, kubelet.apply(plane.adminClient(Duration.ZERO)).start());
    } catch (Exception | Error e) {
      new GateControllerRig(plane, system, clb, clbDirect, null).stopProcesses();
      throw e;
    }
  }

  private static String secretId(String system) {
    return "AKID" + system.replaceAll("[^a-z0-9]", "");
  }

  private static String secretKey(String system) {
    return system + "-secret";
  }

  /** The official SDK's client, signed with the emulator's credential: what a test reads the CLB with. */
  ClbClient sdk() {
    return ClbClientFactory.create(new ClbConnection("ap-guangzhou", clb.endpoint(), false, secretId, secretKey,
        Duration.ofSeconds(2), Duration.ofSeconds(10)));
  }

  ClbEmulator clb() {
    return clb;
  }

  ClbDirectProcess clbDirect() {
    return clbDirect;
  }

  FakeKubelet kubelet() {
    return kubelet;
  }

  @Override
  public void close() throws Exception {
    CoreV1Api core = new CoreV1Api(plane.adminClient());
    try {
      // While clb-direct and the kubelet run: they remove the finalizers and end the Pods.
      Namespaces.deleteCreatedAndAwait(core, system);
    } finally {
      stopProcesses();
    }
    Namespaces.deleteCreated(core);
  }

  private void stopProcesses() throws Exception {
    try {
      if (kubelet != null) {
        kubelet.close();
      }
      if (clbDirect != null) {
        clbDirect.close();
        // Stopped first, or clb-direct would restore it; with Fail it would block every later Pod creation.
        new AdmissionregistrationV1Api(plane.adminClient()).deleteMutatingWebhookConfiguration(system).execute();
      }
    } finally {
      clb.close();
    }
  }
}
