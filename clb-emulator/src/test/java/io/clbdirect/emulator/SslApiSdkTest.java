package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.common.AbstractModel;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.ssl.v20191205.SslClient;
import com.tencentcloudapi.ssl.v20191205.models.Certificates;
import com.tencentcloudapi.ssl.v20191205.models.DeleteCertificateRequest;
import com.tencentcloudapi.ssl.v20191205.models.DescribeCertificatesRequest;
import com.tencentcloudapi.ssl.v20191205.models.DescribeCertificatesResponse;
import com.tencentcloudapi.ssl.v20191205.models.Tags;
import com.tencentcloudapi.ssl.v20191205.models.UploadCertificateRequest;
import com.tencentcloudapi.ssl.v20191205.models.UploadCertificateResponse;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/**
 * The SSL certificate API (2019-12-05) through the unmodified SslClient, on the CLB emulator's
 * port: upload with the documented checks, describe with filters, delete with the in-use check.
 */
class SslApiSdkTest extends EmulatorFixture {

  private static final DateTimeFormatter GMT8 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.ofHours(8));

  @Test
  void uploadedCertificatesAreDescribedAsTheApiDoes() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    TestCertificates.Issued www =
        TestCertificates.issue(ca, "www.example.com", "www.example.com", "example.com");
    SslClient ssl = sslClient();
    UploadCertificateRequest upload = new UploadCertificateRequest();
    upload.setCertificatePublicKey(www.certPem() + ca.certPem());
    upload.setCertificatePrivateKey(www.keyPem());
    upload.setAlias("web");
    upload.setProjectId(7L);
    upload.setCertificateUse("CLB");
    Tags tag = new Tags();
    tag.setTagKey("team");
    tag.setTagValue("edge");
    upload.setTags(new Tags[] {tag});
    String id = ssl.UploadCertificate(upload).getCertificateId();
    assertThat(id).matches("[A-Za-z0-9]{8}");
    String caId = upload(ca, "CA", "root");

    Certificates c = only(describe(ssl, r -> r.setCertIds(new String[] {id})));
    assertThat(c.getCertificateId()).isEqualTo(id);
    assertThat(c.getAlias()).isEqualTo("web");
    assertThat(c.getDomain()).isEqualTo("www.example.com");
    assertThat(c.getSubjectAltName()).containsExactly("www.example.com", "example.com");
    assertThat(c.getCertificateType()).isEqualTo("SVR");
    assertThat(c.getProjectId()).isEqualTo("7");
    assertThat(c.getStatus()).isEqualTo(1L);
    assertThat(c.getCertBeginTime())
        .isEqualTo(GMT8.format(www.certificate().getNotBefore().toInstant()));
    assertThat(c.getCertEndTime())
        .isEqualTo(GMT8.format(www.certificate().getNotAfter().toInstant()));
    assertThat(c.getTags())
        .extracting(Tags::getTagKey, Tags::getTagValue)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("team", "edge"));

    assertThat(describe(ssl, r -> r.setSearchKey("example.co")).getCertificates())
        .extracting(Certificates::getCertificateId)
        .containsExactly(id);
    assertThat(describe(ssl, r -> r.setSearchKey("roo")).getCertificates())
        .extracting(Certificates::getCertificateId)
        .containsExactly(caId);
    assertThat(describe(ssl, r -> r.setCertificateType("CA")).getCertificates())
        .extracting(Certificates::getCertificateId)
        .containsExactly(caId);
    Tags other = new Tags();
    other.setTagKey("team");
    other.setTagValue("core");
    assertThat(describe(ssl, r -> r.setTags(new Tags[] {other})).getTotalCount()).isZero();
    assertThat(describe(ssl, r -> r.setTags(new Tags[] {tag})).getTotalCount()).isEqualTo(1L);
    DescribeCertificatesResponse all = describe(ssl, r -> r.setLimit(1L));
    assertThat(all.getTotalCount()).isEqualTo(2L);
    assertThat(all.getCertificates())
        .as("newest first, one per page")
        .extracting(Certificates::getCertificateId)
        .containsExactly(caId);
    assertThat(AbstractModel.toJsonString(all)).doesNotContain("PRIVATE");
    assertThat(clb.stateView().toString()).doesNotContain("PRIVATE");
  }

  @Test
  void uploadsAreCheckedAsDocumented() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    TestCertificates.Issued a = TestCertificates.issue(ca, "a.example.com");
    TestCertificates.Issued b = TestCertificates.issue(ca, "b.example.com");
    SslClient ssl = sslClient();

    UploadCertificateRequest mismatched = new UploadCertificateRequest();
    mismatched.setCertificatePublicKey(a.certPem());
    mismatched.setCertificatePrivateKey(b.keyPem());
    assertError(
        () -> ssl.UploadCertificate(mismatched),
        "FailedOperation.CertificateMismatch",
        "private key");

    UploadCertificateRequest garbage = new UploadCertificateRequest();
    garbage.setCertificatePublicKey(
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
    garbage.setCertificatePrivateKey(a.keyPem());
    assertCode(() -> ssl.UploadCertificate(garbage), "FailedOperation.CertificateInvalid");

    UploadCertificateRequest badKey = new UploadCertificateRequest();
    badKey.setCertificatePublicKey(a.certPem());
    badKey.setCertificatePrivateKey(
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertError(
        () -> ssl.UploadCertificate(badKey),
        "FailedOperation.CertificateInvalid",
        "CertificatePrivateKey");

    UploadCertificateRequest noKey = new UploadCertificateRequest();
    noKey.setCertificatePublicKey(a.certPem());
    assertError(() -> ssl.UploadCertificate(noKey), "MissingParameter", "CertificatePrivateKey");

    UploadCertificateRequest caWithKey = new UploadCertificateRequest();
    caWithKey.setCertificatePublicKey(ca.certPem());
    caWithKey.setCertificatePrivateKey(ca.keyPem());
    caWithKey.setCertificateType("CA");
    assertError(() -> ssl.UploadCertificate(caWithKey), "InvalidParameter.WithDetailReason", "CA");

    UploadCertificateRequest brokenChain = new UploadCertificateRequest();
    brokenChain.setCertificatePublicKey(a.certPem() + b.certPem());
    brokenChain.setCertificatePrivateKey(a.keyPem());
    assertCode(() -> ssl.UploadCertificate(brokenChain), "FailedOperation.CertificateChainError");

    UploadCertificateRequest password = new UploadCertificateRequest();
    password.setCertificatePublicKey(a.certPem());
    password.setCertificatePrivateKey(a.keyPem());
    password.setKeyPassword("secret");
    assertError(() -> ssl.UploadCertificate(password), "UnsupportedOperation", "KeyPassword");

    // An RSA key in PKCS#8 and an EC key in SEC1 form both parse and match.
    TestCertificates.Issued rsa = TestCertificates.selfSignedRsa("rsa.example.com");
    assertThat(upload(rsa, "SVR", "rsa")).matches("[A-Za-z0-9]{8}");
    assertThat(describe(ssl, r -> r.setSearchKey("rsa")).getTotalCount()).isEqualTo(1L);
    assertThat(describe(ssl, r -> {}).getTotalCount())
        .as("nothing refused was stored")
        .isEqualTo(1L);
  }

  @Test
  void repeatableFalseAnswersTheExistingCertificate() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    TestCertificates.Issued a = TestCertificates.issue(ca, "a.example.com");
    SslClient ssl = sslClient();
    String first = upload(a, "SVR", "first");
    UploadCertificateRequest again = new UploadCertificateRequest();
    again.setCertificatePublicKey(a.certPem());
    again.setCertificatePrivateKey(a.keyPem());
    again.setRepeatable(false);
    UploadCertificateResponse repeated = ssl.UploadCertificate(again);
    assertThat(repeated.getRepeatCertId()).isEqualTo(first);
    assertThat(repeated.getCertificateId()).isEqualTo(first);
    assertThat(describe(ssl, r -> {}).getTotalCount()).isEqualTo(1L);

    again.setRepeatable(null);
    UploadCertificateResponse copy = ssl.UploadCertificate(again);
    assertThat(copy.getCertificateId()).isNotEqualTo(first);
    assertThat(copy.getRepeatCertId()).isNull();
    assertThat(describe(ssl, r -> {}).getTotalCount()).isEqualTo(2L);
  }

  @Test
  void deletionChecksTheCertificateIsUnusedWhenAsked() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("Test CA");
    TestCertificates.Issued a = TestCertificates.issue(ca, "a.example.com");
    SslClient ssl = sslClient();
    String id = upload(a, "SVR", "a");
    String lb = createLoadBalancer("certs");
    com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest create =
        new com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest();
    create.setLoadBalancerId(lb);
    create.setProtocol("HTTPS");
    create.setPorts(new Long[] {18443L});
    com.tencentcloudapi.clb.v20180317.models.CertificateInput certificate =
        new com.tencentcloudapi.clb.v20180317.models.CertificateInput();
    certificate.setCertId(id);
    create.setCertificate(certificate);
    var created = client.CreateListener(create);
    assertThat(await(created.getRequestId())).isZero();

    DeleteCertificateRequest unknown = new DeleteCertificateRequest();
    unknown.setCertificateId("NoSuch01");
    assertCode(() -> ssl.DeleteCertificate(unknown), "FailedOperation.CertificateNotFound");

    DeleteCertificateRequest checked = new DeleteCertificateRequest();
    checked.setCertificateId(id);
    checked.setIsCheckResource(true);
    assertError(() -> ssl.DeleteCertificate(checked), "FailedOperation.DeleteResourceFailed", lb);

    DeleteCertificateRequest unchecked = new DeleteCertificateRequest();
    unchecked.setCertificateId(id);
    assertThat(ssl.DeleteCertificate(unchecked).getDeleteResult()).isTrue();
    assertThat(describe(ssl, r -> {}).getTotalCount()).isZero();
    assertThat(describeListener(lb, created.getListenerIds()[0]).getCertificate().getCertId())
        .as("the listener keeps the certificate it holds")
        .isEqualTo(id);
  }

  @Test
  void theSslApiAnswersEveryRequestShape() throws Exception {
    String id =
        upload(TestCertificates.issue(TestCertificates.ca("CA"), "v1.example.com"), "SVR", "v1");
    for (String method : new String[] {"GET", "POST"}) {
      for (String sign : new String[] {ClientProfile.SIGN_SHA256, ClientProfile.SIGN_TC3_256}) {
        HttpProfile http = new HttpProfile();
        http.setEndpoint(clb.endpoint());
        http.setProtocol(HttpProfile.REQ_HTTP);
        http.setReqMethod(method);
        ClientProfile profile = new ClientProfile();
        profile.setHttpProfile(http);
        profile.setSignMethod(sign);
        SslClient ssl = new SslClient(new Credential(ID, KEY), "", profile);
        DescribeCertificatesRequest request = new DescribeCertificatesRequest();
        request.setCertIds(new String[] {id});
        assertThat(ssl.DescribeCertificates(request).getCertificates())
            .as(method + " " + sign)
            .extracting(Certificates::getCertificateId)
            .containsExactly(id);
      }
    }
  }

  private interface Filter {
    void apply(DescribeCertificatesRequest request);
  }

  private static DescribeCertificatesResponse describe(SslClient ssl, Filter filter)
      throws Exception {
    DescribeCertificatesRequest request = new DescribeCertificatesRequest();
    filter.apply(request);
    return ssl.DescribeCertificates(request);
  }

  private static Certificates only(DescribeCertificatesResponse response) {
    assertThat(response.getCertificates()).hasSize(1);
    assertThat(response.getTotalCount()).isEqualTo(1L);
    return response.getCertificates()[0];
  }
}
