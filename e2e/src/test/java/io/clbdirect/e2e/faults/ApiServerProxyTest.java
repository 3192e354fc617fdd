package io.clbdirect.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy in front of an echo server on loopback: relays, cuts, restores on the same port. */
class ApiServerProxyTest {

  ServerSocket echo;
  ApiServerProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread thread =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket socket = echo.accept();
                  Thread pump =
                      new Thread(
                          () -> {
                            try (socket) {
                              socket.getInputStream().transferTo(socket.getOutputStream());
                            } catch (IOException e) {
                              // the proxy dropped it
                            }
                          });
                  pump.setDaemon(true);
                  pump.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    thread.setDaemon(true);
    thread.start();
    proxy = ApiServerProxy.start("https://127.0.0.1:" + echo.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  private Socket connect() throws IOException {
    URI url = URI.create(proxy.url());
    Socket socket = new Socket(url.getHost(), url.getPort());
    socket.setSoTimeout(5_000);
    return socket;
  }

  private static String roundTrip(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    byte[] answer = socket.getInputStream().readNBytes(text.length());
    return new String(answer, StandardCharsets.UTF_8);
  }

  @Test
  void relaysDropsOnCutRefusesWhileCutAndRelaysAgainAfterRestore() throws Exception {
    try (Socket before = connect()) {
      assertThat(roundTrip(before, "hello")).isEqualTo("hello");
      proxy.cut();
      assertThat(proxy.isCut()).isTrue();
      InputStream in = before.getInputStream();
      int read;
      try {
        read = in.read();
      } catch (IOException e) {
        read = -1; // a reset is a dropped connection too
      }
      assertThat(read).as("the open connection was dropped").isEqualTo(-1);
    }
    assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
    proxy.restore();
    try (Socket after = connect()) {
      assertThat(roundTrip(after, "again")).isEqualTo("again");
    }
  }

  @Test
  void pointsAKubeconfigAtItself(@TempDir Path dir) throws IOException {
    String apiServer = "https://127.0.0.1:" + echo.getLocalPort();
    Path admin = dir.resolve("admin");
    Files.writeString(admin, "clusters:\n- cluster:\n    server: " + apiServer + "\n");
    Path through = proxy.kubeconfig(admin, apiServer, dir.resolve("through-proxy"));
    assertThat(Files.readString(through))
        .contains("server: " + proxy.url())
        .doesNotContain(apiServer);
  }
}
