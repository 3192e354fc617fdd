package io.clbdirect.gate.clb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tencentcloudapi.clb.v20180317.models.BatchRegisterTargetsRequest;
import com.tencentcloudapi.clb.v20180317.models.BatchTarget;
import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerResponse;
import com.tencentcloudapi.clb.v20180317.models.DescribeListenersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeQuotaRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeTargetsRequest;
import com.tencentcloudapi.clb.v20180317.models.RegisterTargetsRequest;
import com.tencentcloudapi.clb.v20180317.models.Target;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.emulator.Networks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway against the CLB emulator: task waiting, retries of busy and throttled calls, pacing.
 */
class ClbGatewayTest {

  ClbEmulator clb;
  ClbGateway gateway;
  SimpleMeterRegistry meters;

  @BeforeEach
  void start() {
    clb =
        ClbEmulator.start(
            EmulatorConfig.defaults("AKIDgateway", "secret")
                .withTaskDelay(Duration.ofMillis(300))
                .withVipOctet(94)
                .withSeed(9));
    meters = new SimpleMeterRegistry();
    gateway =
        gateway(
            new ClbCallPolicy(
                15,
                8,
                Duration.ofMillis(50),
                Duration.ofSeconds(2),
                Duration.ofMillis(50),
                Duration.ofSeconds(10)));
  }

  ClbGateway gateway(ClbCallPolicy policy) {
    return new ClbGateway(
        ClbClientFactory.create(
            new ClbConnection(
                "ap-guangzhou",
                clb.endpoint(),
                false,
                "AKIDgateway",
                "secret",
                Duration.ofSeconds(2),
                Duration.ofSeconds(5))),
        policy,
        meters,
        Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    clb.close();
  }

  double count(String name, String action) {
    return meters.find(name).tag("action", action).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  String loadBalancerWithListener() throws Exception {
    CreateLoadBalancerRequest create = new CreateLoadBalancerRequest();
    create.setLoadBalancerType("OPEN");
    // The targets below (127.0.0.1) are in the emulator's cluster VPC.
    create.setVpcId(Networks.CLUSTER_VPC);
    CreateLoadBalancerResponse[] created = new CreateLoadBalancerResponse[1];
    gateway.write(
        "CreateLoadBalancer",
        "new",
        c -> {
          created[0] = c.CreateLoadBalancer(create);
          return created[0].getRequestId();
        });
    String lb = created[0].getLoadBalancerIds()[0];
    CreateListenerRequest listener = new CreateListenerRequest();
    listener.setLoadBalancerId(lb);
    listener.setProtocol("TCP");
    listener.setPorts(new Long[] {80L});
    gateway.write("CreateListener", lb, c -> c.CreateListener(listener).getRequestId());
    return lb;
  }

  double gauge(SimpleMeterRegistry registry, String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void aSkewedClockFailsOnceACallIsNotRetriedAndShowsOnTheGauge() throws Exception {
    clb.setClockOffset(Duration.ofMinutes(10));

    assertThatThrownBy(
            () -> gateway.call("DescribeQuota", c -> c.DescribeQuota(new DescribeQuotaRequest())))
        .isInstanceOfSatisfying(
            ClbOperationException.class,
            e -> {
              assertThat(e.code()).isEqualTo("AuthFailure.SignatureExpire");
              assertThat(ClbErrors.eventReason(e)).isEqualTo("CloudClockSkew");
              assertThat(ClbErrors.eventMessage(e))
                  .startsWith("Tencent Cloud API calls fail with AuthFailure.SignatureExpire: ")
                  .contains("clock differs from Tencent Cloud's by more than 5 minutes")
                  .contains("NTP");
            });
    assertThat(count("clb_direct_clb_calls_total", "DescribeQuota"))
        .as("exactly one attempt: retrying cannot fix a clock")
        .isEqualTo(1);
    assertThat(count("clb_direct_clb_retries_total", "DescribeQuota")).isZero();
    assertThat(
            meters
                .get("clb_direct_clb_errors_total")
                .tag("code", "AuthFailure.SignatureExpire")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(gauge(meters, "clb_direct_clb_clock_skew")).isEqualTo(1);
    assertThat(gauge(meters, "clb_direct_clb_credentials_rejected")).isZero();

    clb.setClockOffset(Duration.ZERO);
    gateway.call("DescribeQuota", c -> c.DescribeQuota(new DescribeQuotaRequest()));
    assertThat(gauge(meters, "clb_direct_clb_clock_skew")).as("the clock is fixed").isZero();
  }

  @Test
  void rejectedCredentialsAreNotRetriedAndShowOnTheirGauge() {
    for (String[] credentials :
        new String[][] {
          {"AKIDgateway", "wrong", "AuthFailure.SignatureFailure"},
          {"AKIDunknown", "secret", "AuthFailure.SecretIdNotFound"}
        }) {
      SimpleMeterRegistry own = new SimpleMeterRegistry();
      ClbGateway rejected =
          new ClbGateway(
              ClbClientFactory.create(
                  new ClbConnection(
                      "ap-guangzhou",
                      clb.endpoint(),
                      false,
                      credentials[0],
                      credentials[1],
                      Duration.ofSeconds(2),
                      Duration.ofSeconds(5))),
              ClbCallPolicy.defaults(),
              own,
              Clock.systemUTC());
      assertThatThrownBy(
              () ->
                  rejected.call("DescribeQuota", c -> c.DescribeQuota(new DescribeQuotaRequest())))
          .isInstanceOfSatisfying(
              ClbOperationException.class,
              e -> {
                assertThat(e.code()).isEqualTo(credentials[2]);
                assertThat(ClbErrors.eventReason(e)).isEqualTo("CloudCredentialsRejected");
                assertThat(ClbErrors.eventMessage(e))
                    .contains("rejects the credentials")
                    .contains("clb-direct-clb-credentials");
              });
      assertThat(own.get("clb_direct_clb_calls_total").counter().count()).isEqualTo(1);
      assertThat(gauge(own, "clb_direct_clb_credentials_rejected")).isEqualTo(1);
      assertThat(gauge(own, "clb_direct_clb_clock_skew")).isZero();
    }
  }

  @Test
  void writesReturnOnlyOnceTheirTaskHasTakenEffect() throws Exception {
    String lb = loadBalancerWithListener();
    DescribeListenersRequest listeners = new DescribeListenersRequest();
    listeners.setLoadBalancerId(lb);
    String listenerId =
        gateway
            .call("DescribeListeners", c -> c.DescribeListeners(listeners))
            .getListeners()[0]
            .getListenerId();

    RegisterTargetsRequest register = new RegisterTargetsRequest();
    register.setLoadBalancerId(lb);
    register.setListenerId(listenerId);
    Target target = new Target();
    target.setEniIp("127.0.0.1");
    target.setPort(8080L);
    register.setTargets(new Target[] {target});
    gateway.write("RegisterTargets", lb, c -> c.RegisterTargets(register).getRequestId());

    DescribeTargetsRequest targets = new DescribeTargetsRequest();
    targets.setLoadBalancerId(lb);
    assertThat(
            gateway
                .call("DescribeTargets", c -> c.DescribeTargets(targets))
                .getListeners()[0]
                .getTargets())
        .hasSize(1);
  }

  @Test
  void aBusyLoadBalancerIsRetriedUntilItIsFree() throws Exception {
    String lb = loadBalancerWithListener();
    clb.faults().lockLoadBalancer(lb, Instant.now().plusMillis(700));
    CreateListenerRequest listener = new CreateListenerRequest();
    listener.setLoadBalancerId(lb);
    listener.setProtocol("TCP");
    listener.setPorts(new Long[] {81L});

    gateway.write("CreateListener", lb, c -> c.CreateListener(listener).getRequestId());

    assertThat(
            meters
                .find("clb_direct_clb_retries_total")
                .tag("code", "FailedOperation.ResourceInOperating")
                .counter())
        .isNotNull()
        .satisfies(c -> assertThat(c.count()).isPositive());
  }

  @Test
  void
      aSynchronousWriteWaitsBehindOurOwnTaskOnTheSameLoadBalancerInsteadOfEarningResourceInOperating()
          throws Exception {
    String lb = loadBalancerWithListener();
    DescribeListenersRequest listeners = new DescribeListenersRequest();
    listeners.setLoadBalancerId(lb);
    String listenerId =
        gateway
            .call("DescribeListeners", c -> c.DescribeListeners(listeners))
            .getListeners()[0]
            .getListenerId();
    CreateListenerRequest second = new CreateListenerRequest();
    second.setLoadBalancerId(lb);
    second.setProtocol("TCP");
    second.setPorts(new Long[] {81L});
    java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService writer =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<?> task =
          writer.submit(
              () -> {
                gateway.write(
                    "CreateListener",
                    lb,
                    c -> {
                      String id = c.CreateListener(second).getRequestId();
                      sent.countDown(); // the load balancer is now busy with our task for 300 ms
                      return id;
                    });
                return null;
              });
      sent.await();
      BatchTarget target = new BatchTarget();
      target.setListenerId(listenerId);
      target.setEniIp("127.0.0.1");
      target.setPort(8080L);
      BatchRegisterTargetsRequest register = new BatchRegisterTargetsRequest();
      register.setLoadBalancerId(lb);
      register.setTargets(new BatchTarget[] {target});

      gateway.writeNow("BatchRegisterTargets", lb, c -> c.BatchRegisterTargets(register));

      task.get();
    } finally {
      writer.shutdownNow();
    }
    assertThat(count("clb_direct_clb_errors_total", "BatchRegisterTargets")).isZero();
    assertThat(count("clb_direct_clb_calls_total", "BatchRegisterTargets")).isEqualTo(1);
  }

  @Test
  void taskPollsWaitLongerEachTimeUpToTwoSeconds() {
    assertThat(ClbGateway.nextPoll(Duration.ofMillis(200))).isEqualTo(Duration.ofMillis(300));
    assertThat(ClbGateway.nextPoll(Duration.ofMillis(1600))).isEqualTo(Duration.ofSeconds(2));
    assertThat(ClbGateway.nextPoll(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    assertThat(ClbGateway.nextPoll(Duration.ofSeconds(5)))
        .as("a configured poll above the cap stays")
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aTaskIsNotPolledTheInstantItIsAcceptedNorEvery50MsWhileItRuns() throws Exception {
    loadBalancerWithListener(); // two writes, each a 300 ms task, polled from 50 ms on
    // Polled at once and then every 50 ms, each task would cost 7 polls; waiting first and 1.5x
    // longer each time, 4.
    assertThat(count("clb_direct_clb_calls_total", "DescribeTaskStatus")).isBetween(2.0, 10.0);
  }

  @Test
  void throttlingAndInternalErrorsAreRetriedNotSurfaced() throws Exception {
    clb.faults().failAction("DescribeQuota", 0.4, "RequestLimitExceeded");
    for (int i = 0; i < 10; i++) {
      assertThat(
              gateway
                  .call("DescribeQuota", c -> c.DescribeQuota(new DescribeQuotaRequest()))
                  .getQuotaSet())
          .isNotEmpty();
    }
    assertThat(count("clb_direct_clb_throttles_total", "DescribeQuota")).isPositive();
  }

  @Test
  void nonRetryableErrorsFailAtOnceWithTheirCode() {
    DescribeListenersRequest unknown = new DescribeListenersRequest();
    unknown.setLoadBalancerId("lb-nothere0");
    assertThatThrownBy(() -> gateway.call("DescribeListeners", c -> c.DescribeListeners(unknown)))
        .isInstanceOfSatisfying(
            ClbOperationException.class,
            e -> {
              assertThat(e.code()).isEqualTo("InvalidParameter.LBIdNotFound");
              assertThat(e.action()).isEqualTo("DescribeListeners");
            });
    assertThat(count("clb_direct_clb_calls_total", "DescribeListeners")).isEqualTo(1);
  }

  @Test
  void retriesAreBoundedAndPersistentFailuresSurface() {
    clb.faults().failAction("DescribeQuota", 1.0, "InternalError");
    ClbGateway impatient =
        gateway(
            new ClbCallPolicy(
                15,
                3,
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofMillis(50),
                Duration.ofSeconds(5)));
    assertThatThrownBy(
            () -> impatient.call("DescribeQuota", c -> c.DescribeQuota(new DescribeQuotaRequest())))
        .isInstanceOfSatisfying(
            ClbOperationException.class, e -> assertThat(e.code()).isEqualTo("InternalError"));
    assertThat(count("clb_direct_clb_calls_total", "DescribeQuota")).isEqualTo(3);
  }

  @Test
  void clientSidePacingKeepsUnderTheApisLimit() throws Exception {
    long started = System.nanoTime();
    for (int i = 0; i < 40; i++) {
      gateway.call("DescribeQuota", c -> c.DescribeQuota(new DescribeQuotaRequest()));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    // 15 per second: 40 calls need at least two refills, and the emulator (20/s) never throttles.
    assertThat(seconds).isGreaterThan(1.5);
    assertThat(count("clb_direct_clb_throttles_total", "DescribeQuota")).isZero();
  }

  @Test
  void policyRefusesBackoffsThatWouldStallRollouts() {
    assertThatThrownBy(
            () ->
                new ClbCallPolicy(
                    15,
                    8,
                    Duration.ofMillis(200),
                    Duration.ofMinutes(16),
                    Duration.ofMillis(200),
                    Duration.ofSeconds(60)))
        .hasMessageContaining("30 s");
    assertThatThrownBy(
            () ->
                new ClbCallPolicy(
                    25,
                    8,
                    Duration.ofMillis(200),
                    Duration.ofSeconds(30),
                    Duration.ofMillis(200),
                    Duration.ofSeconds(60)))
        .hasMessageContaining("20");
  }
}
