package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.clb.v20180317.models.AutoRewriteRequest;
import com.tencentcloudapi.clb.v20180317.models.CertificateInput;
import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.DeleteRewriteRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeListenersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeRewriteRequest;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.ManualRewriteRequest;
import com.tencentcloudapi.clb.v20180317.models.RewriteLocationMap;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * CLB's redirects: AutoRewrite makes HTTP:80 rules that answer with the code and a Location on the
 * HTTPS listener's domain; DescribeRewrite lists them, DeleteRewrite ends them, ManualRewrite sets
 * one rule's target by hand. Real requests to the VIP's port 80 check the answers.
 */
class RewriteTest extends EmulatorFixture {

  @Test
  void autoRewriteRedirectsHttpRequestsToTheHttpsDomain() throws Exception {
    // No silent skip: the VIP's ports 80 and 443 are what clients use, and the e2e tests bind them
    // too.
    assertThat(canBind(80) && canBind(443))
        .as(
            "binding ports 80 and 443 on loopback needs root, or `sysctl"
                + " net.ipv4.ip_unprivileged_port_start=80`")
        .isTrue();
    TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    TestCertificates.Issued www = TestCertificates.issue(ca, "www.example.com");
    String lb = createLoadBalancer("rewrite");
    String vip = vip(lb);
    String https = httpsListener(lb, 443, TlsDataPathTest.inline("www", www));
    String[] targets =
        createRules(
            lb,
            https,
            rule("www.example.com", "/"),
            rule("www.example.com", "/api"),
            rule("shop.example.com", "/"));

    AutoRewriteRequest auto = new AutoRewriteRequest();
    auto.setLoadBalancerId(lb);
    auto.setListenerId(https);
    auto.setDomains(new String[] {"www.example.com"});
    auto.setRewriteCodes(new Long[] {301L});
    auto.setTakeUrls(new Boolean[] {true});
    assertThat(await(client.AutoRewrite(auto).getRequestId())).isZero();

    Listener http = listenerOnPort(lb, 80);
    assertThat(http.getProtocol()).isEqualTo("HTTP");
    assertThat(http.getRules()).hasSize(2);
    RuleOutput root = rule(http, "/");
    assertThat(root.getDomain()).isEqualTo("www.example.com");
    assertThat(root.getBeAutoCreated()).isTrue();
    assertThat(root.getRewriteTarget().getTargetListenerId()).isEqualTo(https);
    assertThat(root.getRewriteTarget().getTargetLocationId()).isEqualTo(targets[0]);
    assertThat(root.getRewriteTarget().getRewriteCode()).isEqualTo(301L);
    assertThat(root.getRewriteTarget().getTakeUrl()).isTrue();
    assertThat(rule(http, "/api").getRewriteTarget().getTargetLocationId()).isEqualTo(targets[1]);

    String answer = get(vip, 80, "www.example.com", "/api/items?x=1");
    assertThat(answer)
        .startsWith("HTTP/1.1 301 Moved Permanently")
        .contains("\r\nLocation: https://www.example.com/api/items?x=1\r\n");
    assertThat(get(vip, 80, "shop.example.com", "/"))
        .as("shop was not redirected")
        .doesNotContain("Location");

    DescribeRewriteRequest describe = new DescribeRewriteRequest();
    describe.setLoadBalancerId(lb);
    assertThat(client.DescribeRewrite(describe).getRewriteSet())
        .extracting(RuleOutput::getLocationId)
        .containsExactlyInAnyOrder(root.getLocationId(), rule(http, "/api").getLocationId());
    assertError(
        () -> client.AutoRewrite(auto),
        "InvalidParameter.RewriteAlreadyExist",
        root.getLocationId());

    DeleteRewriteRequest delete = new DeleteRewriteRequest();
    delete.setLoadBalancerId(lb);
    delete.setSourceListenerId(http.getListenerId());
    delete.setTargetListenerId(https);
    delete.setRewriteInfos(new RewriteLocationMap[] {map(root.getLocationId(), targets[0])});
    assertThat(await(client.DeleteRewrite(delete).getRequestId())).isZero();
    assertThat(get(vip, 80, "www.example.com", "/"))
        .as("no targets once it forwards again")
        .startsWith("HTTP/1.1 503");
    assertThat(rule(listenerOnPort(lb, 80), "/").getRewriteTarget()).isNull();
    assertError(
        () -> client.DeleteRewrite(delete),
        "InvalidParameter.SomeRewriteNotFound",
        root.getLocationId());

    ManualRewriteRequest manual = new ManualRewriteRequest();
    manual.setLoadBalancerId(lb);
    manual.setSourceListenerId(http.getListenerId());
    manual.setTargetListenerId(https);
    RewriteLocationMap toShop = map(root.getLocationId(), targets[2]);
    toShop.setRewriteCode(302L);
    manual.setRewriteInfos(new RewriteLocationMap[] {toShop});
    assertError(() -> client.ManualRewrite(manual), "MissingParameter", "RewriteInfos[].TakeUrl");
    toShop.setTakeUrl(false);
    toShop.setSourceDomain("www.example.com");
    assertThat(await(client.ManualRewrite(manual).getRequestId())).isZero();
    assertThat(get(vip, 80, "www.example.com", "/deep/path"))
        .as("without TakeUrl: the target rule's domain and Url")
        .startsWith("HTTP/1.1 302 Found")
        .contains("\r\nLocation: https://shop.example.com/\r\n");
    assertThat(rule(listenerOnPort(lb, 80), "/").getRewriteTarget().getRewriteType())
        .isEqualTo("Manual");
  }

  @Test
  void rewritesAreRefusedWhereTheReferenceForbidsThem() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    TestCertificates.Issued www = TestCertificates.issue(ca, "www.example.com");
    String lb = createLoadBalancer("rewrite-refusals");
    String https =
        httpsListener(lb, TlsDataPathTest.freePort(), TlsDataPathTest.inline("www", www));
    String[] targets = createRules(lb, https, rule("www.example.com", "/"));
    String plain = createListener(lb, "HTTP", TlsDataPathTest.freePort(), null);
    String[] sources =
        createRules(lb, plain, rule("www.example.com", "/"), rule("www.example.com", "/b"));

    AutoRewriteRequest auto = new AutoRewriteRequest();
    auto.setLoadBalancerId(lb);
    auto.setListenerId(plain);
    assertCode(() -> client.AutoRewrite(auto), "InvalidParameter.ProtocolCheckFailed");
    auto.setListenerId(https);
    auto.setDomains(new String[] {"www.example.com"});
    auto.setRewriteCodes(new Long[] {308L});
    assertError(() -> client.AutoRewrite(auto), "InvalidParameterValue.Range", "308");
    auto.setRewriteCodes(new Long[] {301L, 302L});
    assertCode(() -> client.AutoRewrite(auto), "InvalidParameter");
    auto.setRewriteCodes(null);
    auto.setDomains(new String[] {"other.example.com"});
    assertError(() -> client.AutoRewrite(auto), "InvalidParameter", "other.example.com");
    createListener(lb, "TCP", 80, tcpCheck());
    auto.setDomains(null);
    assertCode(() -> client.AutoRewrite(auto), "InvalidParameter.PortCheckFailed");

    ManualRewriteRequest manual = new ManualRewriteRequest();
    manual.setLoadBalancerId(lb);
    manual.setSourceListenerId(plain);
    manual.setTargetListenerId(https);
    manual.setRewriteInfos(new RewriteLocationMap[] {map(sources[0], targets[0])});
    assertThat(await(client.ManualRewrite(manual).getRequestId())).isZero();
    assertCode(() -> client.ManualRewrite(manual), "InvalidParameter.RewriteAlreadyExist");
    // A target does not itself redirect: the HTTPS rule now is one.
    ManualRewriteRequest chained = new ManualRewriteRequest();
    chained.setLoadBalancerId(lb);
    chained.setSourceListenerId(https);
    chained.setTargetListenerId(plain);
    chained.setRewriteInfos(new RewriteLocationMap[] {map(targets[0], sources[1])});
    assertError(() -> client.ManualRewrite(chained), "InvalidParameter", "target");
    DeleteRewriteRequest delete = new DeleteRewriteRequest();
    delete.setLoadBalancerId(lb);
    delete.setSourceListenerId(plain);
    delete.setTargetListenerId(https);
    RewriteLocationMap withCode = map(sources[0], targets[0]);
    withCode.setRewriteCode(301L);
    delete.setRewriteInfos(new RewriteLocationMap[] {withCode});
    assertError(
        () -> client.DeleteRewrite(delete), "UnsupportedOperation", "RewriteInfos[].RewriteCode");
  }

  // ---- helpers

  private String httpsListener(String lb, int port, CertificateInput certificate) throws Exception {
    CreateListenerRequest request = new CreateListenerRequest();
    request.setLoadBalancerId(lb);
    request.setProtocol("HTTPS");
    request.setPorts(new Long[] {(long) port});
    request.setCertificate(certificate);
    var response = client.CreateListener(request);
    assertThat(await(response.getRequestId())).isZero();
    return response.getListenerIds()[0];
  }

  private Listener listenerOnPort(String lb, long port) throws Exception {
    DescribeListenersRequest request = new DescribeListenersRequest();
    request.setLoadBalancerId(lb);
    request.setPort(port);
    Listener[] listeners = client.DescribeListeners(request).getListeners();
    assertThat(listeners).hasSize(1);
    return listeners[0];
  }

  private static RuleOutput rule(Listener listener, String url) {
    return Arrays.stream(listener.getRules())
        .filter(r -> r.getUrl().equals(url))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no rule " + url));
  }

  private static RewriteLocationMap map(String source, String target) {
    RewriteLocationMap map = new RewriteLocationMap();
    map.setSourceLocationId(source);
    map.setTargetLocationId(target);
    return map;
  }

  private static boolean canBind(int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** One plain HTTP request to the VIP; the whole answer (the emulator closes after it). */
  private static String get(String vip, int port, String host, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(vip, port), 2_000);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
