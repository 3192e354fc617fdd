package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import com.tencentcloudapi.clb.v20180317.ClbClient;
import com.tencentcloudapi.clb.v20180317.models.*;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.ssl.v20191205.SslClient;
import com.tencentcloudapi.ssl.v20191205.models.UploadCertificateRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** An emulator with fast tasks and health checks, the SDK client, and loopback backends. */
abstract class EmulatorFixture {
  static final String ID = "AKIDemulator";
  static final String KEY = "emulator-secret";
  ClbEmulator clb;
  ClbClient client;
  final List<AutoCloseable> backends = new ArrayList<>();
  final ExecutorService backendThreads = Executors.newCachedThreadPool();

  @BeforeEach
  void start() {
    clb =
        ClbEmulator.start(
            EmulatorConfig.defaults(ID, KEY)
                .withTaskDelay(Duration.ofMillis(150))
                .withHealthTimeScale(0.05)
                .withTargetQuota(5)
                .withVipOctet(91)
                .withRateLimit(0)
                .withSeed(42));
    client = client(KEY);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable backend : backends) {
      backend.close();
    }
    backendThreads.shutdownNow();
    clb.close();
  }

  /** The official SSL client (2019-12-05) on the same endpoint: the emulator serves both. */
  SslClient sslClient() {
    HttpProfile http = new HttpProfile();
    http.setEndpoint(clb.endpoint());
    http.setProtocol(HttpProfile.REQ_HTTP);
    ClientProfile profile = new ClientProfile();
    profile.setHttpProfile(http);
    return new SslClient(new Credential(ID, KEY), "", profile);
  }

  /** Uploads an SVR certificate (with its key) or a CA certificate; returns its id. */
  String upload(TestCertificates.Issued certificate, String type, String alias) throws Exception {
    UploadCertificateRequest request = new UploadCertificateRequest();
    request.setCertificatePublicKey(certificate.certPem());
    if (type.equals("SVR")) {
      request.setCertificatePrivateKey(certificate.keyPem());
    }
    request.setCertificateType(type);
    request.setAlias(alias);
    return sslClient().UploadCertificate(request).getCertificateId();
  }

  ClbClient client(String key) {
    HttpProfile http = new HttpProfile();
    http.setEndpoint(clb.endpoint());
    http.setProtocol(HttpProfile.REQ_HTTP);
    http.setReadTimeout(10);
    http.setWriteTimeout(10);
    ClientProfile profile = new ClientProfile();
    profile.setHttpProfile(http);
    return new ClbClient(new Credential(ID, key), "ap-guangzhou", profile);
  }

  /** Polls DescribeTaskStatus until the task leaves "running"; returns its final status. */
  long await(String taskId) throws Exception {
    DescribeTaskStatusRequest request = new DescribeTaskStatusRequest();
    request.setTaskId(taskId);
    Instant deadline = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(deadline)) {
      long status = client.DescribeTaskStatus(request).getStatus();
      if (status != 2) {
        return status;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("task " + taskId + " still running");
  }

  /** An OPEN load balancer in the cluster VPC, where the loopback backends (127.0.x.y) are. */
  String createLoadBalancer(String name) throws Exception {
    CreateLoadBalancerRequest request = new CreateLoadBalancerRequest();
    request.setLoadBalancerType("OPEN");
    request.setVpcId(Networks.CLUSTER_VPC);
    request.setLoadBalancerName(name);
    request.setClientToken("token-" + name);
    TagInfo tag = new TagInfo();
    tag.setTagKey("clb-direct.io/cluster");
    tag.setTagValue("test");
    request.setTags(new TagInfo[] {tag});
    CreateLoadBalancerResponse response = client.CreateLoadBalancer(request);
    assertThat(await(response.getRequestId())).isZero();
    return response.getLoadBalancerIds()[0];
  }

  String createListener(String lb, String protocol, long port, HealthCheck check) throws Exception {
    CreateListenerRequest request = new CreateListenerRequest();
    request.setLoadBalancerId(lb);
    request.setProtocol(protocol);
    request.setPorts(new Long[] {port});
    request.setHealthCheck(check);
    CreateListenerResponse response = client.CreateListener(request);
    assertThat(await(response.getRequestId())).isZero();
    return response.getListenerIds()[0];
  }

  /** Creates the rules on an L7 listener and waits for them; returns their LocationIds. */
  String[] createRules(String lb, String listener, RuleInput... rules) throws Exception {
    CreateRuleRequest request = new CreateRuleRequest();
    request.setLoadBalancerId(lb);
    request.setListenerId(listener);
    request.setRules(rules);
    CreateRuleResponse response = client.CreateRule(request);
    assertThat(await(response.getRequestId())).isZero();
    return response.getLocationIds();
  }

  static RuleInput rule(String domain, String url) {
    RuleInput rule = new RuleInput();
    rule.setDomain(domain);
    rule.setUrl(url);
    return rule;
  }

  /** The listener as DescribeListeners returns it through the SDK. */
  Listener describeListener(String lb, String listenerId) throws Exception {
    DescribeListenersRequest request = new DescribeListenersRequest();
    request.setLoadBalancerId(lb);
    request.setListenerIds(new String[] {listenerId});
    Listener[] listeners = client.DescribeListeners(request).getListeners();
    assertThat(listeners).hasSize(1);
    return listeners[0];
  }

  /** The rule with this LocationId as DescribeListeners returns it (a RuleOutput). */
  RuleOutput describeRule(String lb, String listenerId, String locationId) throws Exception {
    for (RuleOutput rule : describeListener(lb, listenerId).getRules()) {
      if (rule.getLocationId().equals(locationId)) {
        return rule;
      }
    }
    throw new AssertionError("no rule " + locationId + " on " + listenerId);
  }

  String vip(String lb) throws Exception {
    DescribeLoadBalancersRequest describe = new DescribeLoadBalancersRequest();
    describe.setLoadBalancerIds(new String[] {lb});
    return client.DescribeLoadBalancers(describe).getLoadBalancerSet()[0].getLoadBalancerVips()[0];
  }

  static Target eni(String ip, long port, Long weight) {
    Target target = new Target();
    target.setEniIp(ip);
    target.setPort(port);
    target.setWeight(weight);
    return target;
  }

  /**
   * Probes every 3 s (150 ms at the fixture's time scale); the API wants TimeOut below
   * IntervalTime.
   */
  static HealthCheck tcpCheck() {
    HealthCheck check = new HealthCheck();
    check.setHealthSwitch(1L);
    check.setIntervalTime(3L);
    check.setTimeOut(2L);
    check.setHealthNum(2L);
    check.setUnHealthNum(2L);
    return check;
  }

  /**
   * An HTTP backend on 127.0.0.1 answering {@code <name> <path>} with 200, except paths under
   * {@code /missing}, which get 404; {@code seen} receives every path requested.
   */
  int httpBackend(String name, List<String> seen) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          seen.add(path);
          byte[] body = (name + " " + path).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(path.startsWith("/missing") ? 404 : 200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    backends.add(() -> server.stop(0));
    return server.getAddress().getPort();
  }

  /** A loopback backend that answers every connection with its name. */
  int backend(String name, String ip) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(ip), 0));
    backends.add(server);
    backendThreads.submit(
        () -> {
          while (!server.isClosed()) {
            try (Socket socket = server.accept();
                OutputStream out = socket.getOutputStream()) {
              out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
              return;
            }
          }
        });
    return server.getLocalPort();
  }

  TargetHealth health(String lb, String ip, int port) throws Exception {
    DescribeTargetHealthRequest request = new DescribeTargetHealthRequest();
    request.setLoadBalancerIds(new String[] {lb});
    for (LoadBalancerHealth l : client.DescribeTargetHealth(request).getLoadBalancers()) {
      for (ListenerHealth listener : l.getListeners()) {
        for (RuleHealth rule : listener.getRules()) {
          for (TargetHealth target : rule.getTargets()) {
            if (target.getIP().equals(ip) && target.getPort() == port) {
              return target;
            }
          }
        }
      }
    }
    return null;
  }

  TargetHealth awaitHealth(String lb, String ip, int port, String detail) throws Exception {
    Instant deadline = Instant.now().plusSeconds(10);
    TargetHealth last = null;
    while (Instant.now().isBefore(deadline)) {
      last = health(lb, ip, port);
      if (last != null && detail.equals(last.getHealthStatusDetail())) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "target "
            + ip
            + ":"
            + port
            + " never "
            + detail
            + "; last "
            + (last == null ? null : last.getHealthStatusDetail()));
  }

  interface Call {
    Object run() throws Exception;
  }

  static void assertCode(Call call, String code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            TencentCloudSDKException.class, e -> assertThat(e.getErrorCode()).isEqualTo(code));
  }

  /** The call fails with {@code code} and a message that names {@code mentioned} (a field, say). */
  static void assertError(Call call, String code, String mentioned) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            TencentCloudSDKException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(code);
              assertThat(e.getMessage()).contains(mentioned);
            });
  }

  static boolean failed(Call call) {
    try {
      call.run();
      return false;
    } catch (TencentCloudSDKException e) {
      assertThat(e.getErrorCode()).isEqualTo("InternalError");
      return true;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String error(JsonObject response) {
    return response.has("Error")
        ? response.getAsJsonObject("Error").get("Code").getAsString()
        : null;
  }
}
