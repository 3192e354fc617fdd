package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersRequest;
import com.tencentcloudapi.clb.v20180317.models.RegisterTargetsRequest;
import com.tencentcloudapi.clb.v20180317.models.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real traffic through a VIP, with real health checks deciding where it goes: only healthy targets
 * with weight above 0, and none to a target while it is Dead.
 */
class DataPathTest extends EmulatorFixture {

  @Test
  void trafficFollowsHealthAndWeight() throws Exception {
    String lb = createLoadBalancer("traffic");
    CreateListenerRequest create = new CreateListenerRequest();
    create.setLoadBalancerId(lb);
    create.setProtocol("TCP");
    int vipPort;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      vipPort = free.getLocalPort();
    }
    create.setPorts(new Long[] {(long) vipPort});
    create.setHealthCheck(tcpCheck());
    com.tencentcloudapi.clb.v20180317.models.CreateListenerResponse created = client.CreateListener(create);
    String listener = created.getListenerIds()[0];
    await(created.getRequestId());

    int a = backend("a", "127.0.0.1");
    ServerSocket b = new ServerSocket();
    b.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    int bPort = b.getLocalPort();
    backends.add(b);
    backendThreads.submit(() -> serve(b, "b"));

    RegisterTargetsRequest register = new RegisterTargetsRequest();
    register.setLoadBalancerId(lb);
    register.setListenerId(listener);
    register.setTargets(new Target[] {eni("127.0.0.1", a, 10L), eni("127.0.0.1", bPort, 10L)});
    await(client.RegisterTargets(register).getRequestId());
    awaitHealth(lb, "127.0.0.1", a, "Alive");
    awaitHealth(lb, "127.0.0.1", bPort, "Alive");

    DescribeLoadBalancersRequest describe = new DescribeLoadBalancersRequest();
    describe.setLoadBalancerIds(new String[] {lb});
    String vip = client.DescribeLoadBalancers(describe).getLoadBalancerSet()[0].getLoadBalancerVips()[0];

    Map<String, Integer> both = send(vip, vipPort, 40);
    assertThat(both).containsEntry("a", 20).containsEntry("b", 20);

    b.close();
    awaitHealth(lb, "127.0.0.1", bPort, "Dead");
    Map<String, Integer> onlyA = send(vip, vipPort, 40);
    assertThat(onlyA).as("no connection reaches or fails on the Dead target").containsOnly(Map.entry("a", 40));

    com.tencentcloudapi.clb.v20180317.models.ModifyTargetWeightRequest weight =
        new com.tencentcloudapi.clb.v20180317.models.ModifyTargetWeightRequest();
    weight.setLoadBalancerId(lb);
    weight.setListenerId(listener);
    weight.setTargets(new Target[] {eni("127.0.0.1", a, 0L)});
    await(client.ModifyTargetWeight(weight).getRequestId());
    Map<String, Integer> none = send(vip, vipPort, 10);
    assertThat(none).as("weight 0 and Dead: every connection is closed at once").containsOnly(Map.entry("refused", 10));
  }

  private static void serve(ServerSocket server, String name) {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        socket.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Opens {@code n} short connections to the VIP; counts answers by backend name, or "refused". */
  private static Map<String, Integer> send(String vip, int port, int n) throws IOException {
    Map<String, Integer> answers = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String answer;
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(vip, port), 2000);
        socket.setSoTimeout(2000);
        InputStream in = socket.getInputStream();
        String line = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        answer = line.isEmpty() ? "refused" : line;
      } catch (IOException e) {
        answer = "refused";
      }
      answers.merge(answer, 1, Integer::sum);
    }
    return answers;
  }

}
