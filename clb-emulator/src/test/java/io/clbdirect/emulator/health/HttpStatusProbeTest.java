package io.clbdirect.emulator.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clbdirect.emulator.model.HealthCheckConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HttpStatusProbeTest {

  private static final InetSocketAddress TARGET =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);

  @Test
  void defaultsToGetSlashWithTheTargetAsHost() throws IOException {
    assertThat(HttpStatusProbe.request(check(null, null, null), TARGET))
        .isEqualTo(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: clb-emulator-health-check\r\nConnection: close\r\n\r\n");
  }

  @Test
  void usesTheConfiguredMethodPathAndDomain() throws IOException {
    assertThat(HttpStatusProbe.request(check("head", "/healthz?deep=1", "app.example"), TARGET))
        .startsWith("HEAD /healthz?deep=1 HTTP/1.1\r\nHost: app.example\r\n");
  }

  @Test
  void refusesToSendAPathOrDomainThatWouldBreakTheRequest() {
    assertThatThrownBy(() -> HttpStatusProbe.request(check("GET", "/a b", null), TARGET))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> HttpStatusProbe.request(check("GET", "/", "x\r\nEvil: 1"), TARGET))
        .isInstanceOf(IOException.class);
  }

  @Test
  void readsTheStatusCodeOfAnHttp1StatusLine() throws IOException {
    assertThat(HttpStatusProbe.parseStatus("HTTP/1.1 503 Service Unavailable")).isEqualTo(503);
    assertThat(HttpStatusProbe.parseStatus("HTTP/1.0 200")).isEqualTo(200);
    assertThatThrownBy(() -> HttpStatusProbe.parseStatus("SSH-2.0-OpenSSH_9.2"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> HttpStatusProbe.parseStatus("HTTP/1.1 OK"))
        .isInstanceOf(IOException.class);
  }

  private static HealthCheckConfig check(String method, String path, String domain) {
    return new HealthCheckConfig(true, 2, 5, 3, 3, "HTTP", 2, path, domain, method, null);
  }
}
