package io.clbdirect.e2e.sandbox;

import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.e2e.Await;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.NetworkingV1Api;
import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1HTTPIngressRuleValue;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressBackend;
import io.kubernetes.client.openapi.models.V1IngressRule;
import io.kubernetes.client.openapi.models.V1IngressServiceBackend;
import io.kubernetes.client.openapi.models.V1IngressSpec;
import io.kubernetes.client.openapi.models.V1IngressTLS;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1ServiceBackendPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's HTTPS example: a direct-access Ingress for {@value #HOST} in front of the demo
 * Deployment, its certificate in a {@code kubernetes.io/tls} Secret as cert-manager writes one
 * (clb-direct uploads it to the emulated SSL certificate service), signed by a CA written to
 * {@value #CA_FILE} so that {@code curl --cacert} can check it.
 */
final class HttpsExample {

  static final String HOST = "web.demo.example";
  static final String CA_FILE = "demo-ca.crt";

  private HttpsExample() {}

  /**
   * @return the Ingress's VIP, once the Ingress's load balancer is recorded
   */
  static String apply(
      CoreV1Api core,
      NetworkingV1Api networking,
      String namespace,
      String service,
      int port,
      Path state,
      Duration timeout)
      throws ApiException, IOException {
    Clock clock = Clock.systemUTC();
    CertificateAuthority ca =
        CertificateAuthority.generate("clb-direct sandbox demo CA", Duration.ofDays(365), clock);
    ServingCertificate serving =
        ca.issueServing(List.of(HOST), List.of(), Duration.ofDays(90), clock);
    Files.writeString(state.resolve(CA_FILE), serving.issuerPem(), StandardCharsets.UTF_8);
    core.createNamespacedSecret(
            namespace,
            new V1Secret()
                .metadata(new V1ObjectMeta().name("web-tls"))
                .type("kubernetes.io/tls")
                .stringData(
                    Map.of(
                        "tls.crt", serving.certificatePem(), "tls.key", serving.privateKeyPem())))
        .execute();
    networking
        .createNamespacedIngress(
            namespace,
            new V1Ingress()
                .metadata(
                    new V1ObjectMeta()
                        .name("web")
                        .annotations(
                            Map.of(
                                "ingress.cloud.tencent.com/direct-access", "true",
                                "kubernetes.io/ingress.class", "qcloud",
                                "ingress.cloud.tencent.com/auto-rewrite", "true")))
                .spec(
                    new V1IngressSpec()
                        .addTlsItem(new V1IngressTLS().secretName("web-tls").addHostsItem(HOST))
                        .addRulesItem(
                            new V1IngressRule()
                                .host(HOST)
                                .http(
                                    new V1HTTPIngressRuleValue()
                                        .addPathsItem(
                                            new V1HTTPIngressPath()
                                                .path("/")
                                                .pathType("Prefix")
                                                .backend(
                                                    new V1IngressBackend()
                                                        .service(
                                                            new V1IngressServiceBackend()
                                                                .name(service)
                                                                .port(
                                                                    new V1ServiceBackendPort()
                                                                        .number(port)))))))))
        .execute();
    V1Ingress web =
        Await.until(
            timeout,
            "the VIP of Ingress " + namespace + "/web",
            () -> {
              try {
                return networking.readNamespacedIngress("web", namespace).execute();
              } catch (ApiException e) {
                throw new IllegalStateException(e);
              }
            },
            i ->
                i.getStatus() != null
                    && i.getStatus().getLoadBalancer() != null
                    && i.getStatus().getLoadBalancer().getIngress() != null
                    && !i.getStatus().getLoadBalancer().getIngress().isEmpty());
    String vip = web.getStatus().getLoadBalancer().getIngress().get(0).getIp();
    // Ready means what the printed curl does works: the HTTPS rule made, its targets healthy.
    Await.until(
        timeout,
        "https://" + HOST + "/ answering 200 through " + vip,
        () -> statusLine(serving.issuer(), vip),
        line -> line.startsWith("HTTP/1.1 200"));
    return vip;
  }

  /** One GET over TLS with SNI, trusting only the demo CA; the status line, or what failed. */
  private static String statusLine(java.security.cert.X509Certificate ca, String vip) {
    try {
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("demo-ca", ca);
      javax.net.ssl.TrustManagerFactory trustManagers =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(null, trustManagers.getTrustManagers(), null);
      try (javax.net.ssl.SSLSocket socket =
          (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket()) {
        socket.connect(new java.net.InetSocketAddress(vip, 443), 2000);
        socket.setSoTimeout(3000);
        javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(HOST)));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket
            .getOutputStream()
            .write(
                ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
        String answer =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        return answer.lines().findFirst().orElse("closed without an answer");
      }
    } catch (Exception e) {
      return e.toString();
    }
  }
}
