package io.clbdirect.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.app.support.FakeApiServer;
import io.clbdirect.app.support.RunningApp;
import io.clbdirect.app.support.TestTls;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving certificate is swapped in the running server when its files change, twice in a row
 * (Spring Boot once reloaded only the first change on Kubernetes, spring-boot#44807).
 */
class CertificateReloadTest {

  @TempDir Path dir;

  @Test
  void newHandshakesGetTheNewCertificateWithoutARestart() throws Exception {
    try (FakeApiServer api = ClusterFixture.serve(new FakeApiServer(false))) {
      TestTls tls = new TestTls(dir);
      List<String> args = new ArrayList<>(tls.serverProperties());
      args.add("--clb-direct.kubeconfig=" + api.writeKubeconfig(dir));
      args.add("--spring.ssl.bundle.watch.file.quiet-period=200ms");
      try (RunningApp app = RunningApp.start(args)) {
        BigInteger first = tls.handshake(app.httpsPort()).certificate().getSerialNumber();

        X509Certificate second = tls.rotate();
        awaitServed(tls, app.httpsPort(), second.getSerialNumber());
        X509Certificate third = tls.rotate();
        awaitServed(tls, app.httpsPort(), third.getSerialNumber());

        assertThat(List.of(first, second.getSerialNumber(), third.getSerialNumber()))
            .doesNotHaveDuplicates();
      }
    }
  }

  private static void awaitServed(TestTls tls, int port, BigInteger serial) throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    BigInteger served;
    do {
      served = tls.handshake(port).certificate().getSerialNumber();
      if (served.equals(serial)) {
        return;
      }
      Thread.sleep(100);
    } while (Instant.now().isBefore(deadline));
    throw new AssertionError(
        "server still presents serial " + served + " 20 s after the files changed to " + serial);
  }
}
