package io.clbdirect.emulator;

import com.google.gson.JsonObject;
import io.clbdirect.emulator.api.ApiServer;
import io.clbdirect.emulator.audit.WriteLog;
import io.clbdirect.emulator.faults.FaultInjector;
import io.clbdirect.emulator.health.HealthChecker;
import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.traffic.TcpForwarder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The CLB emulator for embedding in tests: the API over HTTP on 127.0.0.1, real health checks of
 * the registered targets, and a real TCP data path on each load balancer's loopback VIP.
 *
 * <pre>{@code
 * try (ClbEmulator clb = ClbEmulator.start(EmulatorConfig.defaults("AKIDtest", "secret"))) {
 *   ClbClient client = ... endpoint clb.endpoint(), protocol http:// ...
 * }
 * }</pre>
 */
public final class ClbEmulator implements AutoCloseable {

  private final ClbState state;
  private final FaultInjector faults;
  private final ApiServer api;
  private final HealthChecker health;
  private final TcpForwarder traffic;
  private final EmulatorConfig config;
  private final ShiftedClock clock;
  private final WriteLog writes = new WriteLog();

  /** The system clock plus an offset that can change while the emulator runs. */
  private static final class ShiftedClock extends Clock {
    private volatile Duration offset;

    ShiftedClock(Duration offset) {
      this.offset = offset;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the emulator's clock is UTC");
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }
  }

  private ClbEmulator(EmulatorConfig config) throws IOException {
    this.config = config;
    this.clock = new ShiftedClock(config.clockOffset());
    this.state = new ClbState(clock, config.seed());
    this.faults = new FaultInjector();
    faults.reseed(config.seed());
    this.api = new ApiServer(config, state, faults, () -> StateView.of(state), writes);
    this.health = new HealthChecker(state, config.healthTimeScale(), config.forceHealthy());
    this.traffic = new TcpForwarder(state);
  }

  public static ClbEmulator start(EmulatorConfig config) {
    try {
      ClbEmulator emulator = new ClbEmulator(config);
      emulator.api.start();
      emulator.health.start();
      emulator.traffic.start();
      return emulator;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the CLB emulator on 127.0.0.1:" + config.port(), e);
    }
  }

  public int port() {
    return api.port();
  }

  /** What to give the SDK's HttpProfile.setEndpoint (with protocol http://). */
  public String endpoint() {
    return "127.0.0.1:" + port();
  }

  public EmulatorConfig config() {
    return config;
  }

  /**
   * Fault injection: errors per action, latency, throttling, locked load balancers, API outages.
   */
  public FaultInjector faults() {
    return faults;
  }

  /**
   * Moves the emulator's clock to the system's plus {@code offset} from now on, as {@link
   * EmulatorConfig#withClockOffset} does from the start: beyond 5 minutes either way every signed
   * call fails with {@code AuthFailure.SignatureExpire}; {@link Duration#ZERO} ends the skew.
   */
  public void setClockOffset(Duration offset) {
    clock.offset = java.util.Objects.requireNonNull(offset, "offset");
  }

  /** Every write call the API executed, with its time and parameters (read-only audit). */
  public WriteLog writes() {
    return writes;
  }

  /** The whole state as the admin endpoint shows it. */
  public JsonObject stateView() {
    return StateView.of(state);
  }

  /** For tests that inspect or drive the model directly. */
  public ClbState state() {
    return state;
  }

  /** Lets targets registered by InstanceId be probed and reached at {@code address}. */
  public void registerInstanceAddress(String instanceId, String address) {
    state.registerInstanceAddress(instanceId, address);
  }

  public TcpForwarder traffic() {
    return traffic;
  }

  @Override
  public void close() {
    traffic.close();
    health.close();
    api.close();
  }
}
