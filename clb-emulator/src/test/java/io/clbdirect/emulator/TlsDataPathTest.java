package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import com.tencentcloudapi.clb.v20180317.models.CertificateInput;
import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.HealthCheck;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.ModifyDomainAttributesRequest;
import com.tencentcloudapi.clb.v20180317.models.ModifyListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.RegisterTargetsRequest;
import com.tencentcloudapi.clb.v20180317.models.RuleInput;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import com.tencentcloudapi.clb.v20180317.models.Target;
import com.tencentcloudapi.ssl.v20191205.models.DescribeCertificatesRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * TLS on the VIP through the official SDK's configuration: HTTPS listeners with a certificate per
 * domain (SNI) or per listener, swapped for new connections only; mutual TLS; TCP_SSL; health
 * checks of an HTTPS listener's rules; and the refusals of certificates where none belongs.
 */
class TlsDataPathTest extends EmulatorFixture {

  @Test
  void anSniListenerServesEachDomainItsCertificateAndSwapsForNewConnections() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    TestCertificates.Issued a1 = TestCertificates.issue(ca, "a.example.com", "a.example.com");
    TestCertificates.Issued a2 = TestCertificates.issue(ca, "a.example.com", "a.example.com");
    TestCertificates.Issued b = TestCertificates.issue(ca, "b.example.com", "b.example.com");
    TestCertificates.Issued w = TestCertificates.issue(ca, "*.w.example.com", "*.w.example.com");
    String idA1 = upload(a1, "SVR", "a1");
    String idA2 = upload(a2, "SVR", "a2");
    String lb = createLoadBalancer("sni");
    String vip = vip(lb);
    int port = freePort();
    String listener = createHttpsListener(lb, port, 1L, null);
    String[] locations =
        createRules(
            lb,
            listener,
            withCertificate(rule("a.example.com", "/"), byId(idA1)),
            withCertificate(rule("b.example.com", "/"), inline("b", b)),
            withCertificate(rule("*.w.example.com", "/"), inline("w", w)));
    List<String> seen = new ArrayList<>();
    int aPort = httpBackend("backend-a", seen);
    int bPort = httpBackend("backend-b", seen);
    int wPort = httpBackend("backend-w", seen);
    int deadPort = freePort();
    register(lb, listener, locations[0], aPort, deadPort);
    register(lb, listener, locations[1], bPort);
    register(lb, listener, locations[2], wPort);
    awaitHealth(lb, "127.0.0.1", aPort, "Alive");
    awaitHealth(lb, "127.0.0.1", bPort, "Alive");
    awaitHealth(lb, "127.0.0.1", wPort, "Alive");
    awaitHealth(lb, "127.0.0.1", deadPort, "Dead");

    Listener described = describeListener(lb, listener);
    assertThat(described.getSniSwitch()).isEqualTo(1L);
    assertThat(described.getCertificate()).isNull();
    RuleOutput ruleA = describeRule(lb, listener, locations[0]);
    assertThat(ruleA.getCertificate().getCertId()).isEqualTo(idA1);
    assertThat(ruleA.getCertificate().getSSLMode()).isEqualTo("UNIDIRECTIONAL");
    assertThat(describeRule(lb, listener, locations[1]).getCertificate().getCertId())
        .as("an inline certificate is uploaded into the SSL store")
        .matches("[A-Za-z0-9]{8}");

    Contexts trusting = () -> TestCertificates.client(ca, null);
    Response a = get(trusting, vip, port, "a.example.com", "/hello");
    assertThat(a.certificate()).isEqualTo(a1.certificate());
    assertThat(a.text()).startsWith("HTTP/1.1 200").endsWith("backend-a /hello");
    Response bResponse = get(trusting, vip, port, "b.example.com", "/");
    assertThat(bResponse.certificate()).isEqualTo(b.certificate());
    assertThat(bResponse.text()).endsWith("backend-b /");
    Response wildcard = get(trusting, vip, port, "x.w.example.com", "/");
    assertThat(wildcard.certificate()).isEqualTo(w.certificate());
    assertThat(wildcard.text()).endsWith("backend-w /");
    assertThat(get(trusting, vip, port, "y.x.w.example.com", "/").certificate())
        .as("a wildcard covers one label; an unknown name gets the first domain's")
        .isEqualTo(a1.certificate());

    SSLSocket established = handshake(trusting, vip, port, "a.example.com");
    ModifyDomainAttributesRequest swap = new ModifyDomainAttributesRequest();
    swap.setLoadBalancerId(lb);
    swap.setListenerId(listener);
    swap.setDomain("a.example.com");
    swap.setCertificate(byId(idA2));
    assertThat(await(client.ModifyDomainAttributes(swap).getRequestId())).isZero();

    assertThat(get(trusting, vip, port, "a.example.com", "/").certificate())
        .isEqualTo(a2.certificate());
    Response old = request(established, "a.example.com", "/old");
    assertThat(old.certificate())
        .as("the established connection keeps its certificate")
        .isEqualTo(a1.certificate());
    assertThat(old.text()).endsWith("backend-a /old");
    assertThat(describeRule(lb, listener, locations[0]).getCertificate().getCertId())
        .isEqualTo(idA2);
  }

  @Test
  void mutualTlsRefusesClientsWithoutACertificateOfTheCa() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    TestCertificates.Issued server = TestCertificates.issue(ca, "secure.example.com");
    TestCertificates.Issued clientCa = TestCertificates.ca("Client CA");
    TestCertificates.Issued member = TestCertificates.issue(clientCa, "client-1");
    TestCertificates.Issued stranger =
        TestCertificates.issue(TestCertificates.ca("Other CA"), "client-2");
    String lb = createLoadBalancer("mtls");
    String vip = vip(lb);
    int port = freePort();
    CertificateInput mutual = byId(upload(server, "SVR", "server"));
    mutual.setSSLMode("MUTUAL");
    assertError(
        () -> createHttpsListener(lb, port, null, mutual),
        "MissingParameter",
        "Certificate.CertCaId");
    String caId = upload(clientCa, "CA", "clients");
    mutual.setCertCaId(caId);
    String listener = createHttpsListener(lb, port, null, mutual);
    String[] locations = createRules(lb, listener, rule("secure.example.com", "/"));
    List<String> seen = new ArrayList<>();
    int backend = httpBackend("backend", seen);
    register(lb, listener, locations[0], backend);
    awaitHealth(lb, "127.0.0.1", backend, "Alive");

    assertThat(describeListener(lb, listener).getCertificate().getSSLMode()).isEqualTo("MUTUAL");
    assertThat(describeListener(lb, listener).getCertificate().getCertCaId()).isEqualTo(caId);
    assertThatThrownBy(
            () ->
                get(() -> TestCertificates.client(ca, null), vip, port, "secure.example.com", "/"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () ->
                get(
                    () -> TestCertificates.client(ca, stranger),
                    vip,
                    port,
                    "secure.example.com",
                    "/"))
        .isInstanceOf(IOException.class);
    assertThat(seen).as("no refused client reached the backend").allMatch(p -> p.equals("/"));
    Response admitted =
        get(() -> TestCertificates.client(ca, member), vip, port, "secure.example.com", "/in");
    assertThat(admitted.text()).startsWith("HTTP/1.1 200").endsWith("backend /in");
  }

  @Test
  void tcpSslTerminatesTlsAndSplicesToTheTargets() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    TestCertificates.Issued first = TestCertificates.issue(ca, "tcp.example.com");
    TestCertificates.Issued second = TestCertificates.issue(ca, "tcp.example.com");
    String lb = createLoadBalancer("tcpssl");
    String vip = vip(lb);
    int port = freePort();
    CreateListenerRequest create = new CreateListenerRequest();
    create.setLoadBalancerId(lb);
    create.setProtocol("TCP_SSL");
    create.setPorts(new Long[] {(long) port});
    create.setHealthCheck(tcpCheck());
    create.setCertificate(inline("tcp-first", first));
    var created = client.CreateListener(create);
    assertThat(await(created.getRequestId())).isZero();
    String listener = created.getListenerIds()[0];
    int backend = backend("tcp-backend", "127.0.0.1");
    RegisterTargetsRequest register = new RegisterTargetsRequest();
    register.setLoadBalancerId(lb);
    register.setListenerId(listener);
    register.setTargets(new Target[] {eni("127.0.0.1", backend, 10L)});
    assertThat(await(client.RegisterTargets(register).getRequestId())).isZero();
    awaitHealth(lb, "127.0.0.1", backend, "Alive");

    String certId = describeListener(lb, listener).getCertificate().getCertId();
    DescribeCertificatesRequest byAlias = new DescribeCertificatesRequest();
    byAlias.setSearchKey("tcp-first");
    assertThat(sslClient().DescribeCertificates(byAlias).getCertificates()[0].getCertificateId())
        .isEqualTo(certId);
    Contexts trusting = () -> TestCertificates.client(ca, null);
    assertThat(line(trusting, vip, port)).isEqualTo("tcp-backend");
    assertThat(served(trusting, vip, port)).isEqualTo(first.certificate());

    ModifyListenerRequest modify = new ModifyListenerRequest();
    modify.setLoadBalancerId(lb);
    modify.setListenerId(listener);
    modify.setCertificate(byId(upload(second, "SVR", "tcp-second")));
    assertThat(await(client.ModifyListener(modify).getRequestId())).isZero();
    assertThat(served(trusting, vip, port)).isEqualTo(second.certificate());
    assertThat(line(trusting, vip, port)).isEqualTo("tcp-backend");
  }

  @Test
  void forwardTypeHttpsAndCheckTypeHttpsSpeakTlsToTheTargets() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    TestCertificates.Issued front = TestCertificates.issue(ca, "app.example.com");
    TestCertificates.Issued backendCertificate = TestCertificates.ca("self-signed backend");
    HttpsServer tlsBackend =
        HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 8);
    tlsBackend.setHttpsConfigurator(
        new HttpsConfigurator(TestCertificates.server(backendCertificate)));
    tlsBackend.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("tls-backend " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    tlsBackend.start();
    backends.add(() -> tlsBackend.stop(0));
    int tlsPort = tlsBackend.getAddress().getPort();
    int plainPort = httpBackend("plain", new ArrayList<>());

    String lb = createLoadBalancer("forward-https");
    String vip = vip(lb);
    int port = freePort();
    String listener = createHttpsListener(lb, port, null, inline("app", front));
    RuleInput rule = rule("app.example.com", "/");
    rule.setForwardType("HTTPS");
    HealthCheck check = httpCheck();
    check.setCheckType("HTTPS");
    rule.setHealthCheck(check);
    String[] locations = createRules(lb, listener, rule);
    register(lb, listener, locations[0], tlsPort, plainPort);
    awaitHealth(lb, "127.0.0.1", tlsPort, "Alive");
    awaitHealth(lb, "127.0.0.1", plainPort, "Dead");

    Response answer =
        get(() -> TestCertificates.client(ca, null), vip, port, "app.example.com", "/x");
    assertThat(answer.certificate()).isEqualTo(front.certificate());
    assertThat(answer.text()).startsWith("HTTP/1.1 200").endsWith("tls-backend /x");
  }

  @Test
  void certificatesAreRefusedWhereTheyAreMissingOrDoNotBelong() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    TestCertificates.Issued server = TestCertificates.issue(ca, "x.example.com");
    TestCertificates.Issued other = TestCertificates.issue(ca, "y.example.com");
    String serverId = upload(server, "SVR", "x");
    String caId = upload(ca, "CA", "ca");
    String lb = createLoadBalancer("refusals");
    assertError(
        () -> createHttpsListener(lb, 18001, null, null), "MissingParameter", "Certificate");
    assertError(
        () -> createHttpsListener(lb, 18001, null, byId("NoSuch01")),
        "InvalidParameterValue",
        "NoSuch01");
    assertError(
        () -> createHttpsListener(lb, 18001, null, byId(caId)), "InvalidParameterValue", "CA");
    CertificateInput mismatched = inline("bad", server);
    mismatched.setCertKey(other.keyPem());
    assertError(
        () -> createHttpsListener(lb, 18001, null, mismatched),
        "InvalidParameterValue",
        "CertificateMismatch");
    CreateListenerRequest plain = new CreateListenerRequest();
    plain.setLoadBalancerId(lb);
    plain.setProtocol("HTTP");
    plain.setPorts(new Long[] {18002L});
    plain.setCertificate(byId(serverId));
    assertError(() -> client.CreateListener(plain), "InvalidParameter", "Certificate");
    plain.setCertificate(null);
    plain.setProtocol("TCP_SSL");
    assertError(() -> client.CreateListener(plain), "MissingParameter", "Certificate");
    plain.setProtocol("TCP");
    plain.setSniSwitch(1L);
    assertError(() -> client.CreateListener(plain), "InvalidParameter", "SniSwitch");

    String sni = createHttpsListener(lb, 18003, 1L, null);
    String single = createHttpsListener(lb, 18004, null, byId(serverId));
    assertError(
        () -> createRules(lb, sni, rule("x.example.com", "/")),
        "MissingParameter",
        "Rules[].Certificate");
    assertError(
        () -> createRules(lb, single, withCertificate(rule("x.example.com", "/"), byId(serverId))),
        "InvalidParameter",
        "Rules[].Certificate");
    createRules(lb, single, rule("x.example.com", "/"));
    ModifyDomainAttributesRequest domain = new ModifyDomainAttributesRequest();
    domain.setLoadBalancerId(lb);
    domain.setListenerId(single);
    domain.setDomain("x.example.com");
    domain.setCertificate(byId(serverId));
    assertError(() -> client.ModifyDomainAttributes(domain), "InvalidParameter", "SNI");
    domain.setCertificate(null);
    domain.setQuic(true);
    assertError(() -> client.ModifyDomainAttributes(domain), "UnsupportedOperation", "Quic");
  }

  // ---- helpers

  private String createHttpsListener(String lb, int port, Long sni, CertificateInput certificate)
      throws Exception {
    CreateListenerRequest request = new CreateListenerRequest();
    request.setLoadBalancerId(lb);
    request.setProtocol("HTTPS");
    request.setPorts(new Long[] {(long) port});
    request.setSniSwitch(sni);
    request.setCertificate(certificate);
    var response = client.CreateListener(request);
    assertThat(await(response.getRequestId())).isZero();
    return response.getListenerIds()[0];
  }

  static CertificateInput byId(String id) {
    CertificateInput input = new CertificateInput();
    input.setCertId(id);
    return input;
  }

  static CertificateInput inline(String name, TestCertificates.Issued certificate) {
    CertificateInput input = new CertificateInput();
    input.setCertName(name);
    input.setCertContent(certificate.certPem());
    input.setCertKey(certificate.keyPem());
    return input;
  }

  static RuleInput withCertificate(RuleInput rule, CertificateInput certificate) {
    rule.setCertificate(certificate);
    rule.setHealthCheck(httpCheck());
    return rule;
  }

  static HealthCheck httpCheck() {
    HealthCheck check = tcpCheck();
    check.setCheckType("HTTP");
    check.setHttpCheckPath("/");
    return check;
  }

  private void register(String lb, String listener, String location, int... ports)
      throws Exception {
    RegisterTargetsRequest request = new RegisterTargetsRequest();
    request.setLoadBalancerId(lb);
    request.setListenerId(listener);
    request.setLocationId(location);
    Target[] targets = new Target[ports.length];
    for (int i = 0; i < ports.length; i++) {
      targets[i] = eni("127.0.0.1", ports[i], 10L);
    }
    request.setTargets(targets);
    assertThat(await(client.RegisterTargets(request).getRequestId())).isZero();
  }

  static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return free.getLocalPort();
    }
  }

  /** What an HTTPS request got: the certificate the server presented, and the raw answer. */
  record Response(X509Certificate certificate, String text) {}

  /**
   * A fresh client context per connection: the JDK client resumes a cached session on the next
   * connection to the same VIP and port, and a resumption sends that session's server name, not the
   * one asked for.
   */
  interface Contexts {
    SSLContext get() throws Exception;
  }

  static SSLSocket handshake(Contexts contexts, String vip, int port, String serverName)
      throws IOException {
    SSLContext context;
    try {
      context = contexts.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
    socket.connect(new InetSocketAddress(vip, port), 2_000);
    socket.setSoTimeout(5_000);
    SSLParameters parameters = socket.getSSLParameters();
    if (serverName != null) {
      parameters.setServerNames(List.of(new SNIHostName(serverName)));
    }
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  static Response get(Contexts context, String vip, int port, String host, String path)
      throws IOException {
    return request(handshake(context, vip, port, host), host, path);
  }

  /** Sends one request on {@code socket}, reads the answer to the end, and closes it. */
  static Response request(SSLSocket socket, String host, String path) throws IOException {
    try (socket) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (text.isEmpty()) {
        throw new IOException("closed without an answer");
      }
      return new Response(
          (X509Certificate) socket.getSession().getPeerCertificates()[0], text.trim());
    }
  }

  static X509Certificate served(Contexts context, String vip, int port) throws IOException {
    try (SSLSocket socket = handshake(context, vip, port, null)) {
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  static String line(Contexts context, String vip, int port) throws IOException {
    try (SSLSocket socket = handshake(context, vip, port, "tcp.example.com")) {
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    }
  }
}
