package io.clbdirect.gate.clb;

import io.clbdirect.emulator.ClbEmulator;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * The official SDK, through clb-direct's gateway, talking to an in-process CLB emulator (loopback,
 * HTTP).
 */
public final class EmulatedGateways {

  private EmulatedGateways() {}

  /**
   * @param secretId the credential the emulator was started with (its secret key is "secret")
   * @param meters where the gateway counts its calls
   */
  public static ClbGateway to(ClbEmulator clb, String secretId, MeterRegistry meters) {
    return to(clb, secretId, meters, WriteFence.OPEN);
  }

  /**
   * @param fence asked before every write, as the gate-controller's Lease fence is
   */
  public static ClbGateway to(
      ClbEmulator clb, String secretId, MeterRegistry meters, WriteFence fence) {
    return new ClbGateway(
        ClbClientFactory.create(
            new ClbConnection(
                "ap-guangzhou",
                clb.endpoint(),
                false,
                secretId,
                "secret",
                Duration.ofSeconds(2),
                Duration.ofSeconds(5))),
        ClbCallPolicy.defaults(),
        meters,
        Clock.systemUTC(),
        fence);
  }
}
