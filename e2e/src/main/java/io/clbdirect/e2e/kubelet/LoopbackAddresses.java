package io.clbdirect.e2e.kubelet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out unique 127.x.y.z addresses. Linux routes all of 127.0.0.0/8 to the loopback device, so
 * each can be bound without any network setup. Starts at 127.1.0.1 to keep clear of 127.0.0.1,
 * where the control plane and clb-direct listen.
 */
final class LoopbackAddresses {

  private final AtomicInteger next = new AtomicInteger();
  private final int second;

  /**
   * @param second the second octet, so several kubelets in one JVM never collide
   */
  LoopbackAddresses(int second) {
    if (second < 1 || second > 254) {
      throw new IllegalArgumentException("second octet must be 1..254, got " + second);
    }
    this.second = second;
  }

  InetAddress allocate() {
    int n = next.getAndIncrement();
    int third = n / 254;
    int fourth = n % 254 + 1;
    if (third > 255) {
      throw new IllegalStateException("out of loopback addresses in 127." + second + ".0.0/16");
    }
    try {
      return InetAddress.getByAddress(new byte[] {127, (byte) second, (byte) third, (byte) fourth});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
