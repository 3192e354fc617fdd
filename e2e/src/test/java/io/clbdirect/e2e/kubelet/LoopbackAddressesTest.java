package io.clbdirect.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackAddressesTest {

  @Test
  void uniqueLoopbackAddressesSkippingZeroAndBroadcastLikeOctets() {
    LoopbackAddresses addresses = new LoopbackAddresses(7);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 600; i++) {
      String ip = addresses.allocate().getHostAddress();
      assertThat(ip).startsWith("127.7.").doesNotEndWith(".0").doesNotEndWith(".255");
      assertThat(seen.add(ip)).as("unique %s", ip).isTrue();
    }
    assertThat(seen).contains("127.7.0.1", "127.7.0.254", "127.7.1.1");
  }
}
