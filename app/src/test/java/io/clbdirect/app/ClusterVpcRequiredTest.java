package io.clbdirect.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clbdirect.app.support.FakeApiServer;
import io.clbdirect.app.support.RunningApp;
import io.clbdirect.app.support.TestTls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the gate-controller on, clb-direct may create load balancers, and without a VpcId the CLB
 * API would put them in the account's DefaultVPC: start-up must fail naming the property, never
 * fall back.
 */
class ClusterVpcRequiredTest {

  @TempDir Path dir;

  @Test
  void startUpFailsNamingThePropertyWhenNoVpcIsConfigured() throws Exception {
    assertFailsWith(List.of(), "clb-direct.clb.vpc-id is required when the gate-controller runs");
  }

  @Test
  void startUpFailsOnSomethingThatIsNotAVpcId() throws Exception {
    assertFailsWith(
        List.of("--clb-direct.clb.vpc-id=DefaultVPC"),
        "clb-direct.clb.vpc-id must look like vpc-xxxxxxxx, got 'DefaultVPC'");
  }

  private void assertFailsWith(List<String> extra, String message) throws Exception {
    try (FakeApiServer api = ClusterFixture.serve(new FakeApiServer(false))) {
      List<String> args = new ArrayList<>(new TestTls(dir).serverProperties());
      args.add("--clb-direct.kubeconfig=" + api.writeKubeconfig(dir));
      args.addAll(
          List.of(
              "--clb-direct.gate-controller.enabled=true",
              "--clb-direct.clb.endpoint=127.0.0.1:9",
              "--clb-direct.clb.https=false",
              "--clb-direct.clb.secret-id=AKIDx",
              "--clb-direct.clb.secret-key=x"));
      args.addAll(extra);
      ThrowingCallable start = () -> RunningApp.start(args).close();
      assertThatThrownBy(start).rootCause().hasMessageContaining(message);
    }
  }
}
