package io.clbdirect.bench;

import io.clbdirect.e2e.app.ClbDirectProcess;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the gate-controller benchmarks run on one control plane: the CLB emulator in this JVM (so
 * its health changes are timed on the benchmark's clock), a fake kubelet, and clb-direct with its
 * gate-controller talking to the emulator, started when the benchmark says (a cold start after the
 * workload exists, or before it). Closing stops them all, newest first.
 */
final class DirectAccessRig implements AutoCloseable {

  /**
   * Pod IPs 127.&lt;octet&gt;.x.y: one octet per rig in this JVM, never the emulator's VIP octet
   * (100).
   */
  private static final AtomicInteger NEXT_POD_OCTET = new AtomicInteger(30);

  private final ControlPlane plane;
  private final String name;
  private final String secretId;
  private final String secretKey;
  private final ClbEmulator clb;
  private final FakeKubelet kubelet;
  private MeasuredClbDirect app;

  private DirectAccessRig(
      ControlPlane plane,
      String name,
      String secretId,
      String secretKey,
      ClbEmulator clb,
      FakeKubelet kubelet) {
    this.plane = plane;
    this.name = name;
    this.secretId = secretId;
    this.secretKey = secretKey;
    this.clb = clb;
    this.kubelet = kubelet;
  }

  /**
   * Starts the emulator (from {@code emulator}, with generated credentials) and a fake kubelet
   * whose Node is {@code <name>-node}.
   *
   * @param emulator settings; its credentials are replaced by generated ones
   */
  static DirectAccessRig start(
      ControlPlane plane, String name, EmulatorConfig emulator, boolean podListeners) {
    SecureRandom random = new SecureRandom();
    String secretId = "AKIDbench" + HexFormat.of().formatHex(random.generateSeed(8));
    String secretKey = HexFormat.of().formatHex(random.generateSeed(16));
    ClbEmulator clb = ClbEmulator.start(emulator.withCredentials(secretId, secretKey));
    FakeKubelet kubelet = null;
    try {
      int octet = NEXT_POD_OCTET.getAndIncrement();
      if (octet == emulator.vipOctet()) {
        octet = NEXT_POD_OCTET.getAndIncrement();
      }
      kubelet = new FakeKubelet(plane.adminClient(Duration.ZERO), name + "-node", octet);
      kubelet.setListening(podListeners);
      kubelet.start();
      return new DirectAccessRig(plane, name, secretId, secretKey, clb, kubelet);
    } catch (RuntimeException e) {
      if (kubelet != null) {
        kubelet.close();
      }
      clb.close();
      throw e;
    }
  }

  /**
   * Starts clb-direct (webhook, bootstrapper, gate-controller against the emulator); returns once
   * it is ready.
   */
  MeasuredClbDirect startClbDirect(List<String> extraArgs) throws Exception {
    if (app != null) {
      throw new IllegalStateException("clb-direct already started");
    }
    List<String> args =
        new ArrayList<>(ClbDirectProcess.gateControllerArguments(name, name, clb.endpoint()));
    args.addAll(extraArgs);
    app =
        MeasuredClbDirect.start(
            plane, name, args, ClbDirectProcess.clbCredentials(secretId, secretKey));
    return app;
  }

  String secretId() {
    return secretId;
  }

  String secretKey() {
    return secretKey;
  }

  ClbEmulator clb() {
    return clb;
  }

  FakeKubelet kubelet() {
    return kubelet;
  }

  MeasuredClbDirect app() {
    if (app == null) {
      throw new IllegalStateException("clb-direct not started");
    }
    return app;
  }

  @Override
  public void close() {
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      try {
        kubelet.close();
      } finally {
        clb.close();
      }
    }
  }
}
