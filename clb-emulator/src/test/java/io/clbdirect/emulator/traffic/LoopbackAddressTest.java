package io.clbdirect.emulator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoopbackAddressTest {

  @ParameterizedTest
  @CsvSource({"127.0.0.1, 80", "127.93.0.1, 65535", "127.255.255.254, 1"})
  void acceptsLoopbackLiterals(String ip, int port) {
    InetSocketAddress address = LoopbackAddress.of(ip, port);

    assertThat(address).isNotNull();
    assertThat(address.getAddress().getHostAddress()).isEqualTo(ip);
    assertThat(address.getPort()).isEqualTo(port);
  }

  @ParameterizedTest
  @CsvSource({
    "10.0.0.7, 80",
    "128.0.0.1, 80",
    "localhost, 80",
    "::1, 80",
    "127.0.0.256, 80",
    "127.0.0, 80",
    "127.0.0.1, 0",
    "127.0.0.1, 65536",
    "'', 80"
  })
  void refusesEverythingElse(String ip, int port) {
    assertThat(LoopbackAddress.of(ip, port)).isNull();
  }

  @ParameterizedTest
  @CsvSource({"80"})
  void refusesAMissingAddress(int port) {
    assertThat(LoopbackAddress.of(null, port)).isNull();
  }
}
