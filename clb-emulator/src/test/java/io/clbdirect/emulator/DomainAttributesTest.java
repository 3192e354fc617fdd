package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.clb.v20180317.models.ModifyDomainAttributesRequest;
import com.tencentcloudapi.clb.v20180317.models.RuleInput;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import org.junit.jupiter.api.Test;

/**
 * ModifyDomainAttributes on an SNI listener: a renamed domain keeps its rules and certificate (and
 * serves it under the new name), and the default domain is handed over only by naming the next one.
 */
class DomainAttributesTest extends EmulatorFixture {

  @Test
  void aDomainIsRenamedWithItsCertificateAndTheDefaultIsHandedOver() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    TestCertificates.Issued a = TestCertificates.issue(ca, "a.example.com", "c.example.com");
    TestCertificates.Issued b = TestCertificates.issue(ca, "b.example.com");
    String lb = createLoadBalancer("domains");
    String vip = vip(lb);
    int port = TlsDataPathTest.freePort();
    com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest create =
        new com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest();
    create.setLoadBalancerId(lb);
    create.setProtocol("HTTPS");
    create.setPorts(new Long[] {(long) port});
    create.setSniSwitch(1L);
    var created = client.CreateListener(create);
    assertThat(await(created.getRequestId())).isZero();
    String listener = created.getListenerIds()[0];
    RuleInput bRule =
        TlsDataPathTest.withCertificate(rule("b.example.com", "/"), TlsDataPathTest.inline("b", b));
    bRule.setDefaultServer(true);
    String[] locations =
        createRules(
            lb,
            listener,
            TlsDataPathTest.withCertificate(
                rule("a.example.com", "/"), TlsDataPathTest.inline("a", a)),
            rule("a.example.com", "/x"),
            bRule);
    String aCertId = describeRule(lb, listener, locations[0]).getCertificate().getCertId();
    assertThat(describeRule(lb, listener, locations[1]).getCertificate().getCertId())
        .as("rules of a domain share its certificate")
        .isEqualTo(aCertId);

    ModifyDomainAttributesRequest rename = request(lb, listener, "a.example.com");
    rename.setNewDomain("b.example.com");
    assertError(
        () -> client.ModifyDomainAttributes(rename),
        "InvalidParameterValue.Duplicate",
        "b.example.com");
    rename.setNewDomain("c.example.com");
    assertThat(await(client.ModifyDomainAttributes(rename).getRequestId())).isZero();
    for (String location : new String[] {locations[0], locations[1]}) {
      RuleOutput renamed = describeRule(lb, listener, location);
      assertThat(renamed.getDomain()).isEqualTo("c.example.com");
      assertThat(renamed.getCertificate().getCertId()).isEqualTo(aCertId);
    }
    assertThat(
            TlsDataPathTest.get(
                    () -> TestCertificates.client(ca, null), vip, port, "c.example.com", "/")
                .certificate())
        .isEqualTo(a.certificate());
    assertError(
        () -> client.ModifyDomainAttributes(request(lb, listener, "a.example.com")),
        "InvalidParameter",
        "a.example.com");

    ModifyDomainAttributesRequest stepDown = request(lb, listener, "b.example.com");
    stepDown.setDefaultServer(false);
    assertError(
        () -> client.ModifyDomainAttributes(stepDown),
        "InvalidParameter",
        "NewDefaultServerDomain");
    stepDown.setNewDefaultServerDomain("c.example.com");
    assertThat(await(client.ModifyDomainAttributes(stepDown).getRequestId())).isZero();
    assertThat(describeRule(lb, listener, locations[0]).getDefaultServer()).isTrue();
    assertThat(describeRule(lb, listener, locations[1]).getDefaultServer()).isTrue();
    assertThat(describeRule(lb, listener, locations[2]).getDefaultServer()).isFalse();
  }

  private static ModifyDomainAttributesRequest request(String lb, String listener, String domain) {
    ModifyDomainAttributesRequest request = new ModifyDomainAttributesRequest();
    request.setLoadBalancerId(lb);
    request.setListenerId(listener);
    request.setDomain(domain);
    return request;
  }
}
