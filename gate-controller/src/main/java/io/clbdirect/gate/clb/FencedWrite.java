package io.clbdirect.gate.clb;

/**
 * A write this replica did not send because it may no longer hold the Lease. Not an error of the
 * API, not retried: the reconcile that asked for it gives up quietly, and the Lease's next holder
 * does the work.
 */
public final class FencedWrite extends ClbOperationException {

  public static final String CODE = "FencedWrite";

  public FencedWrite(String action, String why) {
    super(action, CODE, why, null);
  }

  /** Whether {@code e}, or the CLB error it carries, is a refused write. */
  public static boolean is(Throwable e) {
    return e instanceof FencedWrite;
  }
}
