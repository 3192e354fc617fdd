package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.tencentcloudapi.clb.v20180317.ClbClient;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeQuotaRequest;
import com.tencentcloudapi.clb.v20180317.models.RegisterTargetsRequest;
import com.tencentcloudapi.clb.v20180317.models.Target;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * API outages: the port refusing connections, or calls hanging unanswered, for a set time; then the
 * same port serves again. The data path keeps forwarding throughout, as a real CLB's does when its
 * control plane is down. And a clock offset: every call is then too old or too new.
 */
class ApiOutageTest extends EmulatorFixture {

  final HttpClient http = HttpClient.newHttpClient();
  String vip;
  int vipPort;

  /** A TCP listener with one healthy backend answering "a". */
  private void serving() throws Exception {
    String lb = createLoadBalancer("outage");
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      vipPort = free.getLocalPort();
    }
    String listener = createListener(lb, "TCP", vipPort, tcpCheck());
    int a = backend("a", "127.0.0.1");
    RegisterTargetsRequest register = new RegisterTargetsRequest();
    register.setLoadBalancerId(lb);
    register.setListenerId(listener);
    register.setTargets(new Target[] {eni("127.0.0.1", a, 10L)});
    await(client.RegisterTargets(register).getRequestId());
    awaitHealth(lb, "127.0.0.1", a, "Alive");
    vip = vip(lb);
  }

  private String throughTheVip() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(vip, vipPort), 2000);
      socket.setSoTimeout(2000);
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }

  private ClbClient clientWithReadTimeout(int seconds) {
    HttpProfile profile = new HttpProfile();
    profile.setEndpoint(clb.endpoint());
    profile.setProtocol(HttpProfile.REQ_HTTP);
    profile.setReadTimeout(seconds);
    ClientProfile client = new ClientProfile();
    client.setHttpProfile(profile);
    return new ClbClient(new Credential(ID, KEY), "ap-guangzhou", client);
  }

  private void awaitServing(ClbClient api) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        api.DescribeQuota(new DescribeQuotaRequest());
        return;
      } catch (TencentCloudSDKException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private boolean refused(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      return false;
    } catch (ConnectException e) {
      return true;
    }
  }

  @Test
  void whileRefusingACallFailsAtOnceTheVipForwardsAndThenTheSamePortServes() throws Exception {
    serving();
    int port = clb.port();

    clb.faults().refuseConnections(Duration.ofMillis(1500));

    long start = System.nanoTime();
    assertThatThrownBy(() -> client.DescribeQuota(new DescribeQuotaRequest()))
        .isInstanceOf(TencentCloudSDKException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("a refused connection fails at once, no timeout waited out")
        .isLessThan(Duration.ofMillis(1000));
    assertThat(refused(port)).isTrue();
    assertThat(throughTheVip()).as("the data path is not the API").isEqualTo("a");

    awaitServing(client);
    assertThat(clb.port()).isEqualTo(port);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("not before the period ends")
        .isGreaterThan(Duration.ofMillis(1300));
    assertThat(throughTheVip()).isEqualTo("a");
  }

  @Test
  void aHungCallTimesOutPerTheSdkAndIsNeverExecuted() throws Exception {
    serving();
    ClbClient impatient = clientWithReadTimeout(1);
    DescribeLoadBalancersRequest all = new DescribeLoadBalancersRequest();
    long before = client.DescribeLoadBalancers(all).getTotalCount();

    clb.faults().hang(Duration.ofSeconds(3));

    long start = System.nanoTime();
    assertThatThrownBy(() -> createLoadBalancerWith(impatient))
        .isInstanceOf(TencentCloudSDKException.class);
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    assertThat(waited)
        .as("the SDK's 1 s read timeout")
        .isBetween(Duration.ofMillis(900), Duration.ofMillis(2500));
    assertThat(throughTheVip()).isEqualTo("a");
    assertThat(clb.stateView().toString()).as("health checks go on").contains("Alive");

    awaitServing(client);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(2500));
    Thread.sleep(300); // the emulator's task delay, had the call run
    assertThat(client.DescribeLoadBalancers(all).getTotalCount())
        .as("the held call was dropped, not executed")
        .isEqualTo(before);
  }

  private void createLoadBalancerWith(ClbClient api) throws TencentCloudSDKException {
    com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest request =
        new com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest();
    request.setLoadBalancerType("OPEN");
    request.setLoadBalancerName("during-hang");
    api.CreateLoadBalancer(request);
  }

  @Test
  void outagesAreSetOverTheAdminEndpoint() throws Exception {
    int port = clb.port();
    HttpResponse<String> hang = admin("{\"hangMillis\":2000}");
    assertThat(hang.statusCode()).isEqualTo(200);
    assertThat(
            JsonParser.parseString(hang.body())
                .getAsJsonObject()
                .get("hangRemainingMillis")
                .getAsLong())
        .isPositive();
    assertThatThrownBy(() -> clientWithReadTimeout(1).DescribeQuota(new DescribeQuotaRequest()))
        .isInstanceOf(TencentCloudSDKException.class);
    assertThat(admin(null).statusCode()).as("the admin paths do not hang").isEqualTo(200);
    assertThat(
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://" + clb.endpoint() + "/admin/faults"))
                        .DELETE()
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
    client.DescribeQuota(new DescribeQuotaRequest());

    HttpResponse<String> refuse = admin("{\"refuseConnectionsMillis\":1000}");
    assertThat(refuse.statusCode()).as("answered before the port closes").isEqualTo(200);
    JsonObject view = JsonParser.parseString(refuse.body()).getAsJsonObject();
    assertThat(view.get("refuseRemainingMillis").getAsLong()).isEqualTo(1000);
    Thread.sleep(100);
    assertThat(refused(port)).isTrue();
    awaitServing(client);
    assertThat(admin(null).statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> admin(String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + clb.endpoint() + "/admin/faults"))
            .timeout(Duration.ofSeconds(5));
    request.method(
        body == null ? "GET" : "POST",
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anEmulatorWhoseClockIsAheadRefusesEveryCallAsExpired() throws Exception {
    try (ClbEmulator ahead =
        ClbEmulator.start(
            EmulatorConfig.defaults(ID, KEY).withClockOffset(Duration.ofMinutes(10)))) {
      HttpProfile profile = new HttpProfile();
      profile.setEndpoint(ahead.endpoint());
      profile.setProtocol(HttpProfile.REQ_HTTP);
      ClientProfile clientProfile = new ClientProfile();
      clientProfile.setHttpProfile(profile);
      ClbClient skewed = new ClbClient(new Credential(ID, KEY), "ap-guangzhou", clientProfile);
      assertCode(
          () -> skewed.DescribeQuota(new DescribeQuotaRequest()), "AuthFailure.SignatureExpire");
      ahead.setClockOffset(Duration.ZERO);
      assertThat(skewed.DescribeQuota(new DescribeQuotaRequest()).getQuotaSet()).isNotEmpty();
      ahead.setClockOffset(Duration.ofMinutes(-6));
      assertCode(
          () -> skewed.DescribeQuota(new DescribeQuotaRequest()), "AuthFailure.SignatureExpire");
    }
    try (ClbEmulator within =
        ClbEmulator.start(
            EmulatorConfig.defaults(ID, KEY).withClockOffset(Duration.ofMinutes(-4)))) {
      HttpProfile profile = new HttpProfile();
      profile.setEndpoint(within.endpoint());
      profile.setProtocol(HttpProfile.REQ_HTTP);
      ClientProfile clientProfile = new ClientProfile();
      clientProfile.setHttpProfile(profile);
      ClbClient fine = new ClbClient(new Credential(ID, KEY), "ap-guangzhou", clientProfile);
      assertThat(fine.DescribeQuota(new DescribeQuotaRequest()).getQuotaSet()).isNotEmpty();
    }
  }
}
