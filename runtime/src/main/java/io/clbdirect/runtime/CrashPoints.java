package io.clbdirect.runtime;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test hook, off in production: the environment variable {@value #ENV} names one point where the
 * process halts ({@link Runtime#halt}: no shutdown hook, no Lease released, as SIGKILL) the first
 * time it is reached. The fault tests crash clb-direct between a cloud or Kubernetes write and the
 * record of it, then restart it and check that nothing is lost or orphaned. Unset (the only setting
 * a deployment should have) it does nothing but compare a string with null.
 */
public final class CrashPoints {

  public static final String ENV = "CLB_DIRECT_TEST_CRASH_AT";

  /** Right after CreateLoadBalancer answered, before the id is recorded on the frontend. */
  public static final String AFTER_CREATE_LOAD_BALANCER = "after-create-load-balancer";

  /** Right after BatchRegisterTargets answered, before the reconcile records what it applied. */
  public static final String AFTER_BATCH_REGISTER_TARGETS = "after-batch-register-targets";

  /**
   * Right after a CA-rotation step was written to the Secret, before the webhook configuration's
   * caBundle follows it.
   */
  public static final String AFTER_CA_ROTATION_SECRET_WRITE = "after-ca-rotation-secret-write";

  public static final Set<String> ALL =
      Set.of(
          AFTER_CREATE_LOAD_BALANCER, AFTER_BATCH_REGISTER_TARGETS, AFTER_CA_ROTATION_SECRET_WRITE);

  /** The exit status of a halt at a crash point: that of a process killed by SIGKILL. */
  public static final int EXIT_STATUS = 137;

  private static final Logger log = LoggerFactory.getLogger(CrashPoints.class);
  private static final CrashPoints PROCESS =
      new CrashPoints(System.getenv(ENV), status -> Runtime.getRuntime().halt(status));

  private final String armed;
  private final IntConsumer halt;
  private final AtomicBoolean warned = new AtomicBoolean();

  CrashPoints(String armed, IntConsumer halt) {
    this.armed = armed == null || armed.isBlank() ? null : armed.trim();
    this.halt = halt;
  }

  /** Halts the process here if {@value #ENV} names this point. */
  public static void reached(String point) {
    PROCESS.reach(point);
  }

  /** Logs loudly at start-up when a crash point is armed: never meant for a real deployment. */
  public static void warnIfArmed() {
    PROCESS.warn();
  }

  void reach(String point) {
    if (point.equals(armed)) {
      // stderr as well as the log: the log appender may not flush before the halt.
      String line = "CRASH POINT " + point + " reached: halting the process (" + ENV + ")";
      System.err.println(line);
      System.err.flush();
      log.error(line);
      halt.accept(EXIT_STATUS);
    }
  }

  void warn() {
    if (armed != null && warned.compareAndSet(false, true)) {
      String line =
          "TEST HOOK ARMED: "
              + ENV
              + "="
              + armed
              + (ALL.contains(armed) ? "" : " (no such crash point; known: " + ALL + ")")
              + ": this process halts itself when it gets there. Never set this outside tests.";
      System.err.println(line);
      log.warn(line);
    }
  }
}
