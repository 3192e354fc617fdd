package io.clbdirect.gate.clb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tencentcloudapi.clb.v20180317.ClbClient;
import com.tencentcloudapi.clb.v20180317.models.DescribeTargetHealthRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeTargetHealthResponse;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * The unmodified SDK, running on OkHttp 5 (its own OkHttp 3 excluded), against a loopback server:
 * proves the dependency choice in docs/dependencies.md and the client settings clb-direct relies
 * on.
 */
class ClbClientFactoryTest {

  @StartStop final MockWebServer server = new MockWebServer();

  private ClbClient client(Duration readTimeout) {
    return ClbClientFactory.create(
        new ClbConnection(
            "ap-guangzhou",
            "127.0.0.1:" + server.getPort(),
            false,
            "AKIDtest",
            "secret",
            Duration.ofSeconds(2),
            readTimeout));
  }

  @Test
  void signsWithTc3AndParsesTheCurrentModels() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(
                """
            {"Response":{"LoadBalancers":[{"LoadBalancerId":"lb-12345678","Listeners":[{"ListenerId":"lbl-1",
              "Protocol":"TCP","Port":80,"Rules":[{"LocationId":"","Targets":[{"IP":"10.0.0.7","Port":8080,
              "HealthStatus":true,"TargetId":"10.0.0.7:8080","HealthStatusDetail":"Alive","HealthStatusDetial":"Alive"}]}]}]}],
             "RequestId":"6f1e4b7e-0000-4000-8000-000000000001"}}
            """)
            .build());
    DescribeTargetHealthRequest request = new DescribeTargetHealthRequest();
    request.setLoadBalancerIds(new String[] {"lb-12345678"});
    request.setListenerIds(new String[] {"lbl-1"});

    DescribeTargetHealthResponse response =
        client(Duration.ofSeconds(5)).DescribeTargetHealth(request);

    assertThat(response.getRequestId()).isEqualTo("6f1e4b7e-0000-4000-8000-000000000001");
    assertThat(
            response.getLoadBalancers()[0].getListeners()[0].getRules()[0].getTargets()[0]
                .getHealthStatusDetail())
        .isEqualTo("Alive");
    RecordedRequest recorded = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(recorded.getMethod()).isEqualTo("POST");
    assertThat(recorded.getHeaders().get("X-TC-Action")).isEqualTo("DescribeTargetHealth");
    assertThat(recorded.getHeaders().get("X-TC-Version")).isEqualTo("2018-03-17");
    assertThat(recorded.getHeaders().get("X-TC-Region")).isEqualTo("ap-guangzhou");
    // The service in the credential scope is the endpoint's first DNS label: "127" here, not "clb".
    assertThat(recorded.getHeaders().get("Authorization"))
        .matches(
            "TC3-HMAC-SHA256 Credential=AKIDtest/\\d{4}-\\d{2}-\\d{2}/127/tc3_request, "
                + "SignedHeaders=content-type;host, Signature=[0-9a-f]{64}");
    assertThat(recorded.getBody().utf8()).contains("\"ListenerIds\":[\"lbl-1\"]");
  }

  @Test
  void apiErrorsArriveAsExceptionsCarryingTheCode() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(
                "{\"Response\":{\"Error\":{\"Code\":\"FailedOperation.ResourceInOperating\",\"Message\":\"busy\"},"
                    + "\"RequestId\":\"r-2\"}}")
            .build());

    assertThatThrownBy(
            () ->
                client(Duration.ofSeconds(5))
                    .DescribeTargetHealth(new DescribeTargetHealthRequest()))
        .isInstanceOfSatisfying(
            TencentCloudSDKException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo("FailedOperation.ResourceInOperating");
              assertThat(e.getRequestId()).isEqualTo("r-2");
            });
  }

  @Test
  void aStuckServerIsCutOffByTheReadTimeout() {
    server.enqueue(
        new MockResponse.Builder().body("{}").headersDelay(10, TimeUnit.SECONDS).build());
    long started = System.nanoTime();

    assertThatThrownBy(
            () ->
                client(Duration.ofSeconds(1))
                    .DescribeTargetHealth(new DescribeTargetHealthRequest()))
        .isInstanceOf(TencentCloudSDKException.class);

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
  }

  @Test
  void refusesSubSecondTimeoutsAndHidesTheKey() {
    assertThatThrownBy(
            () ->
                new ClbConnection(
                    "r", "e", true, "id", "k", Duration.ofMillis(500), Duration.ofSeconds(1)))
        .hasMessageContaining("connectTimeout must be at least 1 s");
    assertThat(
            new ClbConnection(
                    "r", "e", true, "id", "topsecret", Duration.ofSeconds(1), Duration.ofSeconds(1))
                .toString())
        .doesNotContain("topsecret");
  }
}
