package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import org.junit.jupiter.api.Test;

class ServiceProtocolsTest {

  private static final V1ServicePort TLS = new V1ServicePort().port(443).protocol("TCP");
  private static final V1ServicePort DNS = new V1ServicePort().port(53).protocol("UDP");
  private static final V1ServicePort WEB = new V1ServicePort().port(80);

  private static V1Service service(String annotation) {
    V1ObjectMeta meta = new V1ObjectMeta().name("edge").namespace("shop");
    if (annotation != null) {
      meta.putAnnotationsItem(ServiceProtocols.ANNOTATION, annotation);
    }
    return new V1Service()
        .metadata(meta)
        .spec(new V1ServiceSpec().addPortsItem(TLS).addPortsItem(DNS).addPortsItem(WEB));
  }

  @Test
  void withoutTheAnnotationEachPortKeepsItsProtocol() {
    ServiceProtocols protocols = ServiceProtocols.of(service(null));

    assertThat(protocols.protocol(TLS)).isEqualTo("TCP");
    assertThat(protocols.protocol(DNS)).isEqualTo("UDP");
    assertThat(protocols.protocol(WEB)).as("the API's default").isEqualTo("TCP");
    assertThat(protocols.tlsSecret(443)).isNull();
    assertThat(protocols.problems()).isEmpty();
  }

  @Test
  void tcpSslTakesItsCertificateSecret() {
    ServiceProtocols protocols =
        ServiceProtocols.of(
            service("{\"443\":{\"protocol\":[\"TCP_SSL\"],\"tls\":\"edge-cert\"}}"));

    assertThat(protocols.protocol(TLS)).isEqualTo("TCP_SSL");
    assertThat(protocols.tlsSecret(443)).isEqualTo("edge-cert");
    assertThat(protocols.protocol(WEB)).isEqualTo("TCP");
    assertThat(protocols.problems()).isEmpty();
  }

  @Test
  void whatIsNotServedIsNamedAndThePortKeepsItsOwnProtocol() {
    ServiceProtocols protocols =
        ServiceProtocols.of(
            service(
                "{\"80\":{\"protocol\":[\"HTTP\"]},\"53\":{\"protocol\":[\"TCP\",\"UDP\"]},"
                    + "\"443\":{\"protocol\":[\"TCP_SSL\"]},\"8443\":{\"protocol\":[\"TCP_SSL\"],\"tls\":\"x\"}}"));

    assertThat(protocols.protocol(WEB)).isEqualTo("TCP");
    assertThat(protocols.protocol(DNS)).isEqualTo("UDP");
    assertThat(protocols.protocol(TLS)).isEqualTo("TCP_SSL");
    assertThat(protocols.tlsSecret(443)).as("no certificate, so not served").isNull();
    assertThat(protocols.problems())
        .hasSize(4)
        .anySatisfy(p -> assertThat(p).contains("port 80 asks for [HTTP]"))
        .anySatisfy(p -> assertThat(p).contains("port 53 asks for [TCP, UDP]"))
        .anySatisfy(p -> assertThat(p).contains("port 443 is TCP_SSL without \"tls\""))
        .anySatisfy(p -> assertThat(p).contains("port 8443 is not a port of the Service"));
    assertThat(ServiceProtocols.of(service("not json")).problems())
        .singleElement()
        .asString()
        .contains("is not JSON");
  }
}
