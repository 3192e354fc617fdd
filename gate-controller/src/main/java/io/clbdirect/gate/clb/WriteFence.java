package io.clbdirect.gate.clb;

/**
 * Checked right before every write to a Tencent Cloud API: whether this replica may still write.
 * Reads are never fenced.
 */
@FunctionalInterface
public interface WriteFence {

  /** No fence: for tools and tests that write without a Lease. */
  WriteFence OPEN = (api, action) -> {};

  /**
   * @param api the API, e.g. {@code clb}
   * @param action the API action about to be sent, e.g. {@code BatchRegisterTargets}
   * @throws FencedWrite when the write must not go out
   */
  void check(String api, String action) throws FencedWrite;

  /**
   * Whether a Tencent Cloud action changes anything: every action but the Describe and Inquiry ones
   * (the CLB's and the SSL API's reads all start so, DescribeTaskStatus included).
   */
  static boolean isWrite(String action) {
    return !(action.startsWith("Describe") || action.startsWith("Inquiry"));
  }
}
