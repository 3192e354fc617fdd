package io.clbdirect.gate.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where the SSL Certificates API is, by default and when set. */
class ClbPropertiesSslEndpointTest {

  static ClbProperties withEndpoints(String endpoint, String sslEndpoint) {
    return new ClbProperties(
        "ap-guangzhou", endpoint, null, "AKIDtest", "secret", null, "vpc-1", sslEndpoint);
  }

  @Test
  void tencentCloudHostsGetTheSslApisOwnHost() {
    assertThat(withEndpoints(null, null).sslEndpoint()).isEqualTo("ssl.tencentcloudapi.com");
    assertThat(withEndpoints("clb.ap-shanghai.tencentcloudapi.com", null).sslEndpoint())
        .isEqualTo("ssl.tencentcloudapi.com");
    assertThat(withEndpoints("clb.intl.tencentcloudapi.com", null).sslEndpoint())
        .isEqualTo("ssl.intl.tencentcloudapi.com");
  }

  @Test
  void anotherEndpointSuchAsTheEmulatorServesBothApis() {
    assertThat(withEndpoints("127.0.0.1:18080", null).sslEndpoint()).isEqualTo("127.0.0.1:18080");
  }

  @Test
  void anExplicitSslEndpointWinsAndTheConnectionUsesIt() {
    ClbProperties properties = withEndpoints("127.0.0.1:18080", "127.0.0.1:18443");
    assertThat(properties.sslConnection().endpoint()).isEqualTo("127.0.0.1:18443");
    assertThat(properties.sslConnection().region()).isEqualTo("ap-guangzhou");
    assertThat(properties.connection().endpoint()).isEqualTo("127.0.0.1:18080");
    assertThat(properties.toString())
        .contains("sslEndpoint=127.0.0.1:18443")
        .doesNotContain("secretKey=secret");
  }
}
