package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tencentcloudapi.ssl.v20191205.models.Certificates;
import com.tencentcloudapi.ssl.v20191205.models.DescribeCertificatesRequest;
import com.tencentcloudapi.ssl.v20191205.models.UploadCertificateRequest;
import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.NetworkingV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressTLS;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.PatchUtils;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTPS for direct-access Ingresses end to end (issue 18), with a client that sends SNI to the VIP
 * and checks the certificate as a browser does: per-host certificates from TKE's {@code
 * qcloud_cert_id} Secrets and from {@code kubernetes.io/tls} Secrets (uploaded by clb-direct), a
 * lossless rolling update and a lossless certificate renewal over HTTPS, auto-rewrite, a missing
 * certificate, rule-mix and mutual TLS.
 */
class IngressHttpsEndToEndTest {

  static final String SYSTEM = "clb-direct-https-e2e";
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final Clock CLOCK = Clock.systemUTC();

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .gateController(90)
          .args("--clb-direct.webhook.drain.seconds=3")
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-18", 18))
          .build();

  static NetworkingV1Api networking;
  static CertificateAuthority ca;

  @BeforeAll
  static void setUp() {
    networking = new NetworkingV1Api(stack.admin());
    ca = CertificateAuthority.generate("https e2e CA", Duration.ofDays(2), CLOCK);
  }

  static ServingCertificate serving(String host) {
    return ca.issueServing(List.of(host), List.of(), Duration.ofDays(1), CLOCK);
  }

  /** A {@code kubernetes.io/tls} Secret, as cert-manager writes one. */
  static V1Secret tlsSecret(String name, ServingCertificate certificate) {
    return new V1Secret()
        .metadata(new V1ObjectMeta().name(name))
        .type("kubernetes.io/tls")
        .stringData(
            Map.of(
                "tls.crt", certificate.certificatePem(), "tls.key", certificate.privateKeyPem()));
  }

  /** TKE's convention: an Opaque Secret naming an uploaded certificate (and a CA for mTLS). */
  static V1Secret qcloudSecret(String name, String certId, String caCertId) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("qcloud_cert_id", certId);
    if (caCertId != null) {
      data.put("qcloud_ca_cert_id", caCertId);
    }
    return new V1Secret().metadata(new V1ObjectMeta().name(name)).type("Opaque").stringData(data);
  }

  static String upload(String publicKey, String privateKey, String type) throws Exception {
    UploadCertificateRequest request = new UploadCertificateRequest();
    request.setCertificatePublicKey(publicKey);
    request.setCertificatePrivateKey(privateKey);
    request.setCertificateType(type);
    request.setAlias("uploaded-by-the-test");
    return stack.ssl().UploadCertificate(request).getCertificateId();
  }

  /** The uploads clb-direct made for a Secret: tagged with it, as it tags them. */
  static Set<String> uploadsOf(String namespace, String secret) throws Exception {
    DescribeCertificatesRequest request = new DescribeCertificatesRequest();
    request.setLimit(100L);
    Certificates[] all = stack.ssl().DescribeCertificates(request).getCertificates();
    Set<String> ids = new HashSet<>();
    for (Certificates certificate : all == null ? new Certificates[0] : all) {
      if (certificate.getTags() != null
          && Arrays.stream(certificate.getTags())
              .anyMatch(
                  t ->
                      "clb-direct.io/secret".equals(t.getTagKey())
                          && (namespace + "." + secret).equals(t.getTagValue()))) {
        ids.add(certificate.getCertificateId());
      }
    }
    return ids;
  }

  static V1Ingress httpsIngress(
      String name, Map<String, String> annotations, Map<String, String> hostToService) {
    Map<String, List<String>> hosts = new LinkedHashMap<>();
    hostToService.forEach((host, service) -> hosts.put(host, List.of("/", service)));
    return IngressEndToEndTest.ingress(name, annotations, hosts);
  }

  static String vipOf(String ns, String name) {
    return Await.until(
            TIMEOUT,
            "Ingress " + name + " VIP recorded",
            () -> read(ns, name),
            i ->
                i.getStatus() != null
                    && i.getStatus().getLoadBalancer() != null
                    && i.getStatus().getLoadBalancer().getIngress() != null
                    && !i.getStatus().getLoadBalancer().getIngress().isEmpty())
        .getStatus()
        .getLoadBalancer()
        .getIngress()
        .get(0)
        .getIp();
  }

  static List<CoreV1Event> events(String ns) {
    try {
      return stack.core().listNamespacedEvent(ns).execute().getItems();
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  static V1Ingress read(String ns, String name) {
    try {
      return networking.readNamespacedIngress(name, ns).execute();
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deployments(String ns, Map<String, Integer> replicas) throws ApiException {
    for (Map.Entry<String, Integer> app : replicas.entrySet()) {
      stack
          .core()
          .createNamespacedService(ns, IngressEndToEndTest.clusterService(app.getKey()))
          .execute();
      stack
          .apps()
          .createNamespacedDeployment(
              ns, Fixtures.deployment(app.getKey(), app.getKey(), app.getValue()))
          .execute();
    }
    for (Map.Entry<String, Integer> app : replicas.entrySet()) {
      stack.deployments().awaitAvailable(ns, app.getKey(), app.getValue(), TIMEOUT);
    }
  }

  static Set<String> podNames(String ns, String app) {
    Set<String> names = new HashSet<>();
    stack.pods().withApp(ns, app).forEach(p -> names.add(p.getMetadata().getName()));
    return names;
  }

  /** The answer once the VIP serves the host over HTTPS with a 200 (the rule may still be new). */
  static TlsClient.Answer awaitServed(TlsClient client, String vip, String host) {
    return Await.until(
        TIMEOUT,
        "https://" + host + "/ served through " + vip,
        () -> {
          try {
            return client.get(vip, 443, host, "/");
          } catch (IOException e) {
            return new TlsClient.Answer(e.toString(), null, null, null, null);
          }
        },
        answer -> answer.statusLine().startsWith("HTTP/1.1 200"));
  }

  /** Requests every 20 ms until stopped; what failed, and how many succeeded. */
  static final class Client implements AutoCloseable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger ok = new AtomicInteger();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final AtomicReference<BigInteger> lastSerial = new AtomicReference<>();
    final ExecutorService loop = Executors.newSingleThreadExecutor();

    Client(Supplier<TlsClient.Answer> request) {
      loop.submit(
          () -> {
            while (running.get()) {
              try {
                TlsClient.Answer answer = request.get();
                if (answer.statusLine().startsWith("HTTP/1.1 200")) {
                  ok.incrementAndGet();
                } else {
                  failures.add(answer.statusLine());
                }
              } catch (RuntimeException e) {
                failures.add(e.toString());
              }
              Thread.sleep(20);
            }
            return null;
          });
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      loop.shutdown();
      loop.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  static TlsClient.Answer unchecked(TlsClient client, String vip, String host) {
    try {
      return client.get(vip, 443, host, "/");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Two hosts, one certificate each: a.example.com from TKE's qcloud_cert_id Secret (uploaded by
   * the user), b.example.com from a kubernetes.io/tls Secret clb-direct uploads. Each host is
   * served with its own certificate and routed to its own Pods; HTTP answers 301 to HTTPS; a
   * rolling update over HTTPS loses no request; renewing b's Secret serves the new certificate
   * within seconds, loses no request, and deletes the old upload.
   */
  @Test
  void twoHostsGetTheirOwnCertificatesAndRolloutAndRenewalLoseNoRequest() throws Exception {
    String ns = "https-shop";
    Namespaces.create(stack.core(), ns);
    ServingCertificate a = serving("a.example.com");
    String aId = upload(a.certificatePem(), a.privateKeyPem(), "SVR");
    stack.core().createNamespacedSecret(ns, qcloudSecret("a-cert", aId, null)).execute();
    stack
        .core()
        .createNamespacedSecret(ns, tlsSecret("b-cert", serving("b.example.com")))
        .execute();
    V1Ingress ingress =
        httpsIngress(
            "shop",
            Map.of("ingress.cloud.tencent.com/auto-rewrite", "true"),
            Map.of("a.example.com", "a", "b.example.com", "b"));
    ingress
        .getSpec()
        .addTlsItem(new V1IngressTLS().secretName("a-cert").addHostsItem("a.example.com"))
        .addTlsItem(new V1IngressTLS().secretName("b-cert").addHostsItem("b.example.com"));
    networking.createNamespacedIngress(ns, ingress).execute();
    long started = System.nanoTime();
    deployments(ns, Map.of("a", 2, "b", 3));
    System.out.printf(
        "HTTPS 2 + 3 replicas behind two HTTPS hosts -> all gates True in %d ms%n",
        Elapsed.millisSince(started));
    String vip = vipOf(ns, "shop");
    TlsClient client = TlsClient.trusting(List.of(ca.certificate()), null);

    TlsClient.Answer servedA = awaitServed(client, vip, "a.example.com");
    assertThat(servedA.servedSubject()).startsWith("CN=a.example.com,");
    assertThat(podNames(ns, "a")).contains(servedA.pod());
    TlsClient.Answer servedB = awaitServed(client, vip, "b.example.com");
    assertThat(servedB.servedSubject()).startsWith("CN=b.example.com,");
    assertThat(podNames(ns, "b")).contains(servedB.pod());
    IngressEndToEndTest.Answer redirect =
        Await.until(
            TIMEOUT,
            "http://a.example.com/ redirected",
            () -> Unchecked.get(() -> IngressEndToEndTest.get(vip, "a.example.com", "/x?y=1")),
            answer -> answer.statusLine().startsWith("HTTP/1.1 301"));
    assertThat(redirect.statusLine()).startsWith("HTTP/1.1 301");
    Set<String> uploadsBefore = uploadsOf(ns, "b-cert");
    assertThat(uploadsBefore).as("clb-direct's upload of b-cert").hasSize(1);

    try (Client loop = new Client(() -> unchecked(client, vip, "b.example.com"))) {
      long rollout = System.nanoTime();
      String patch =
          "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"rollout\":\"2\"}}}}}";
      PatchUtils.patch(
          V1Deployment.class,
          () -> stack.apps().patchNamespacedDeployment("b", ns, new V1Patch(patch)).buildCall(null),
          V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          stack.admin());
      Await.until(
          TIMEOUT,
          "rollout of b complete",
          () -> stack.deployments().read(ns, "b"),
          d ->
              d.getStatus() != null
                  && Integer.valueOf(3).equals(d.getStatus().getUpdatedReplicas())
                  && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas())
                  && Integer.valueOf(3).equals(d.getStatus().getReplicas())
                  && d.getStatus().getObservedGeneration() >= 2);
      Await.until(TIMEOUT, "old b Pods gone", () -> podNames(ns, "b").size(), n -> n == 3);
      System.out.printf(
          "HTTPS ROLLOUT 3 b replicas replaced in %d ms: %d requests over HTTPS served, %d failed%n",
          Elapsed.millisSince(rollout), loop.ok.get(), loop.failures.size());
      assertThat(loop.failures).as("failed HTTPS requests during the rollout").isEmpty();

      ServingCertificate renewed = serving("b.example.com");
      V1Secret secret = stack.core().readNamespacedSecret("b-cert", ns).execute();
      secret.setStringData(
          Map.of("tls.crt", renewed.certificatePem(), "tls.key", renewed.privateKeyPem()));
      long renewal = System.nanoTime();
      stack.core().replaceNamespacedSecret("b-cert", ns, secret).execute();
      BigInteger serial = renewed.certificate().getSerialNumber();
      Await.until(
          TIMEOUT,
          "the renewed certificate served for b.example.com",
          () -> servedSerial(vip, "b.example.com"),
          serial::equals);
      long served = Elapsed.millisSince(renewal);
      Set<String> after =
          Await.until(
              TIMEOUT,
              "the old upload of b-cert deleted",
              () -> Unchecked.get(() -> uploadsOf(ns, "b-cert")),
              ids -> ids.size() == 1 && !ids.containsAll(uploadsBefore));
      Thread.sleep(500);
      System.out.printf(
          "HTTPS RENEWAL kubernetes.io/tls Secret replaced -> new certificate served in %d ms, old upload deleted in %d ms; %d requests served during rollout and renewal, %d failed%n",
          served, Elapsed.millisSince(renewal), loop.ok.get(), loop.failures.size());
      assertThat(after).as("the renewed certificate's upload").doesNotContain(aId);
      assertThat(loop.failures).as("failed HTTPS requests during rollout and renewal").isEmpty();
      assertThat(loop.ok.get()).isGreaterThan(20);
    }
  }

  static BigInteger servedSerial(String vip, String host) {
    try {
      return TlsClient.trusting(List.of(ca.certificate()), null)
          .get(vip, 443, host, "/")
          .servedSerial();
    } catch (IOException e) {
      return BigInteger.ZERO;
    }
  }

  /**
   * A host whose certificate Secret does not exist is named in a CertificateMissing Event and not
   * served over HTTPS, while the other host is; creating the Secret serves it too.
   */
  @Test
  void aMissingCertificateIsNamedAndTheOtherHostsAreServed() throws Exception {
    String ns = "https-missing";
    Namespaces.create(stack.core(), ns);
    stack
        .core()
        .createNamespacedSecret(ns, tlsSecret("c-cert", serving("c.example.com")))
        .execute();
    V1Ingress ingress =
        httpsIngress("shop", Map.of(), Map.of("c.example.com", "c", "d.example.com", "c"));
    ingress
        .getSpec()
        .addTlsItem(new V1IngressTLS().secretName("c-cert").addHostsItem("c.example.com"))
        .addTlsItem(new V1IngressTLS().secretName("d-cert").addHostsItem("d.example.com"));
    networking.createNamespacedIngress(ns, ingress).execute();
    deployments(ns, Map.of("c", 2));
    String vip = vipOf(ns, "shop");
    TlsClient client = TlsClient.trusting(List.of(ca.certificate()), null);

    assertThat(awaitServed(client, vip, "c.example.com").servedSubject())
        .startsWith("CN=c.example.com,");
    CoreV1Event missing =
        Await.until(
            TIMEOUT,
            "a CertificateMissing Event",
            () ->
                events(ns).stream()
                    .filter(e -> "CertificateMissing".equals(e.getReason()))
                    .findFirst()
                    .orElse(null),
            e -> e != null);
    assertThat(missing.getType()).isEqualTo("Warning");
    assertThat(missing.getMessage()).contains("host d.example.com has no certificate", "d-cert");
    assertThatThrownBy(() -> client.get(vip, 443, "d.example.com", "/"))
        .as("no certificate for d.example.com is served")
        .isInstanceOf(SSLException.class);

    stack
        .core()
        .createNamespacedSecret(ns, tlsSecret("d-cert", serving("d.example.com")))
        .execute();
    assertThat(awaitServed(client, vip, "d.example.com").servedSubject())
        .startsWith("CN=d.example.com,");
  }

  /**
   * rule-mix: the same host over HTTP and HTTPS side by side, from TKE's http-rules and
   * https-rules; its certificate Secret (TKE's convention) names a CA, so the HTTPS listener asks
   * for client certificates: a client with one signed by that CA is served, one without is refused.
   */
  @Test
  void ruleMixServesHttpAndHttpsAndMutualTlsRefusesAClientWithoutCertificate() throws Exception {
    String ns = "https-mix";
    Namespaces.create(stack.core(), ns);
    ServingCertificate m = serving("m.example.com");
    String certId = upload(m.certificatePem(), m.privateKeyPem(), "SVR");
    CertificateAuthority clients =
        CertificateAuthority.generate("https e2e client CA", Duration.ofDays(1), CLOCK);
    String caId = upload(pem(clients.certificate()), null, "CA");
    stack.core().createNamespacedSecret(ns, qcloudSecret("m-cert", certId, caId)).execute();
    String rule =
        "[{\"host\":\"m.example.com\",\"path\":\"/\",\"backend\":{\"serviceName\":\"m\",\"servicePort\":\"80\"}}]";
    V1Ingress ingress =
        httpsIngress(
            "shop",
            Map.of(
                "kubernetes.io/ingress.rule-mix", "true",
                "kubernetes.io/ingress.http-rules", rule,
                "kubernetes.io/ingress.https-rules", rule),
            Map.of("m.example.com", "m"));
    ingress.getSpec().addTlsItem(new V1IngressTLS().secretName("m-cert"));
    networking.createNamespacedIngress(ns, ingress).execute();
    deployments(ns, Map.of("m", 2));
    String vip = vipOf(ns, "shop");

    TlsClient withCertificate =
        TlsClient.trusting(
            List.of(ca.certificate()),
            clients.issueClient("shopper", List.of(), Duration.ofHours(1), CLOCK));
    TlsClient.Answer https = awaitServed(withCertificate, vip, "m.example.com");
    assertThat(podNames(ns, "m")).contains(https.pod());
    IngressEndToEndTest.Answer http =
        Await.until(
            TIMEOUT,
            "http://m.example.com/ served",
            () -> Unchecked.get(() -> IngressEndToEndTest.get(vip, "m.example.com", "/")),
            answer -> answer.statusLine().startsWith("HTTP/1.1 200"));
    assertThat(podNames(ns, "m")).contains(http.pod());

    TlsClient without = TlsClient.trusting(List.of(ca.certificate()), null);
    assertThatThrownBy(() -> without.get(vip, 443, "m.example.com", "/"))
        .as("mutual TLS: a client without a certificate is refused")
        .isInstanceOf(IOException.class);
  }

  /**
   * A direct-access Service whose port 443 TKE's specify-protocol makes TCP_SSL: the CLB ends TLS
   * with the Secret's certificate and passes plain TCP to the Pods, whose gates open once bound and
   * healthy on that listener.
   */
  @Test
  void aTcpSslServicePortEndsTlsAtTheVip() throws Exception {
    String ns = "https-tcp-ssl";
    Namespaces.create(stack.core(), ns);
    stack
        .core()
        .createNamespacedSecret(ns, tlsSecret("edge-cert", serving("edge.example.com")))
        .execute();
    V1Service service = Fixtures.directAccessService("edge", "edge");
    service.getSpec().getPorts().get(0).name("tls").port(443);
    service
        .getMetadata()
        .setAnnotations(new LinkedHashMap<>(service.getMetadata().getAnnotations()));
    service
        .getMetadata()
        .putAnnotationsItem(
            "service.cloud.tencent.com/specify-protocol",
            "{\"443\":{\"protocol\":[\"TCP_SSL\"],\"tls\":\"edge-cert\"}}");
    stack.core().createNamespacedService(ns, service).execute();
    stack.apps().createNamespacedDeployment(ns, Fixtures.deployment("edge", "edge", 2)).execute();
    stack.deployments().awaitAvailable(ns, "edge", 2, TIMEOUT);
    V1Service recorded =
        Await.until(
            TIMEOUT,
            "Service edge VIP recorded",
            () -> Unchecked.get(() -> stack.core().readNamespacedService("edge", ns).execute()),
            s ->
                s.getStatus() != null
                    && s.getStatus().getLoadBalancer() != null
                    && s.getStatus().getLoadBalancer().getIngress() != null
                    && !s.getStatus().getLoadBalancer().getIngress().isEmpty());
    String vip = recorded.getStatus().getLoadBalancer().getIngress().get(0).getIp();

    TlsClient.Answer answer =
        awaitServed(TlsClient.trusting(List.of(ca.certificate()), null), vip, "edge.example.com");
    assertThat(answer.servedSubject()).startsWith("CN=edge.example.com,");
    assertThat(podNames(ns, "edge")).contains(answer.pod());
  }

  static String pem(X509Certificate certificate) {
    return io.clbdirect.certs.Pem.encodeCertificates(List.of(certificate));
  }
}
