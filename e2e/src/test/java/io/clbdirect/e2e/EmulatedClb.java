package io.clbdirect.e2e;

import com.tencentcloudapi.clb.v20180317.ClbClient;
import io.clbdirect.e2e.app.ClbDirectProcess;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.gate.clb.ClbClientFactory;
import io.clbdirect.gate.clb.ClbConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CLB emulator of one end-to-end class, in this JVM, with what goes with it: a credential of
 * the class's own, the history of every target it reported Alive, the official SDK's client, and
 * the arguments and environment that point clb-direct's gate-controller at it. Fast clocks: tasks
 * finish in 200 ms and health checks run at 0.1x their configured times.
 */
final class EmulatedClb implements AutoCloseable {

  private final ClbEmulator emulator;
  private final String secretId;
  private final String secretKey;
  private final AliveHistory aliveHistory;
  private ClbClient sdk;

  private EmulatedClb(ClbEmulator emulator, String secretId, String secretKey) {
    this.emulator = emulator;
    this.secretId = secretId;
    this.secretKey = secretKey;
    // Before any target exists: the history must see every Alive.
    this.aliveHistory = new AliveHistory(emulator);
  }

  /**
   * @param vipOctet the emulator's VIPs are 127.{@code vipOctet}.x.y, apart from other classes'
   */
  static EmulatedClb start(String system, int vipOctet) {
    String secretId = "AKID" + system.replaceAll("[^a-z0-9]", "");
    String secretKey = system + "-secret";
    return new EmulatedClb(
        ClbEmulator.start(
            EmulatorConfig.defaults(secretId, secretKey)
                .withTaskDelay(Duration.ofMillis(200))
                .withHealthTimeScale(0.1)
                .withVipOctet(vipOctet)),
        secretId,
        secretKey);
  }

  /**
   * The gate-controller on against this emulator, its Lease in {@code system}; the webhook
   * registered with failure policy {@code Fail}, so that a failed call shows up as a failed
   * creation.
   */
  List<String> gateControllerArguments(String system) {
    List<String> args = new ArrayList<>(List.of("--clb-direct.bootstrap.failure-policy=Fail"));
    args.addAll(ClbDirectProcess.gateControllerArguments(system, "e2e", emulator.endpoint()));
    return args;
  }

  /**
   * The environment that carries the credential, as the install manifests pass it from a Secret.
   */
  Map<String, String> credentials() {
    return ClbDirectProcess.clbCredentials(secretId, secretKey);
  }

  ClbEmulator emulator() {
    return emulator;
  }

  AliveHistory aliveHistory() {
    return aliveHistory;
  }

  /**
   * The official SDK's client, signed with the emulator's credential: what a test reads the CLB
   * with.
   */
  ClbClient sdk() {
    if (sdk == null) {
      sdk =
          ClbClientFactory.create(
              new ClbConnection(
                  "ap-guangzhou",
                  emulator.endpoint(),
                  false,
                  secretId,
                  secretKey,
                  Duration.ofSeconds(2),
                  Duration.ofSeconds(10)));
    }
    return sdk;
  }

  /**
   * The official SDK's SSL certificate client, which the emulator serves on the same endpoint: what
   * a test uploads and reads certificates with.
   */
  com.tencentcloudapi.ssl.v20191205.SslClient ssl() {
    com.tencentcloudapi.common.profile.HttpProfile http =
        new com.tencentcloudapi.common.profile.HttpProfile();
    http.setEndpoint(emulator.endpoint());
    http.setProtocol(com.tencentcloudapi.common.profile.HttpProfile.REQ_HTTP);
    return new com.tencentcloudapi.ssl.v20191205.SslClient(
        new com.tencentcloudapi.common.Credential(secretId, secretKey),
        "ap-guangzhou",
        new com.tencentcloudapi.common.profile.ClientProfile(
            com.tencentcloudapi.common.profile.ClientProfile.SIGN_TC3_256, http));
  }

  @Override
  public void close() {
    emulator.close();
  }
}
