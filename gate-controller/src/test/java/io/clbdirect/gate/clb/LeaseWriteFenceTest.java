package io.clbdirect.gate.clb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersRequest;
import io.clbdirect.emulator.ClbEmulator;
import io.clbdirect.emulator.EmulatorConfig;
import io.clbdirect.emulator.Networks;
import io.clbdirect.runtime.LeaderTerms;
import io.clbdirect.runtime.LeaseFence;
import io.clbdirect.runtime.LeaseSettings;
import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.extended.leaderelection.Lock;
import io.kubernetes.client.openapi.ApiException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Never two writers: the gateway sends no write once the fence closes, retries included, against
 * the CLB emulator (which shows what arrived). The fence runs on a fake clock; its term comes from
 * a real {@link LeaderTerms} on an in-memory Lease.
 */
class LeaseWriteFenceTest {

  private static final long S = 1_000_000_000L;

  ClbEmulator clb;
  SimpleMeterRegistry meters;
  final AtomicLong now = new AtomicLong(100 * S);
  LeaseFence fence;
  LeaderTerms terms;
  final AtomicBoolean partitioned = new AtomicBoolean();
  ListAppender<ILoggingEvent> logged;

  @BeforeEach
  void start() throws Exception {
    clb =
        ClbEmulator.start(
            EmulatorConfig.defaults("AKIDfence", "secret")
                .withTaskDelay(Duration.ofMillis(50))
                .withVipOctet(93)
                .withSeed(3));
    meters = new SimpleMeterRegistry();
    fence = new LeaseFence(Duration.ofSeconds(10), now::get);
    CountDownLatch leading = new CountDownLatch(1);
    // The fence reads the fake clock; the elector, on real time, starts the term at once (retry
    // 100 ms) and renews every 100 ms, each renewal recorded at the fake clock's reading: a test
    // cuts the Lease off before it moves the clock.
    terms =
        new LeaderTerms(
            () -> memoryLock("replica-a"),
            new LeaseSettings(
                "ns",
                "gate",
                "replica-a",
                Duration.ofSeconds(60),
                Duration.ofSeconds(50),
                Duration.ofMillis(100)),
            () -> new Waiting(leading),
            fence);
    terms.start();
    assertThat(leading.await(10, TimeUnit.SECONDS)).as("replica-a leads").isTrue();
    logged = new ListAppender<>();
    logged.start();
    Logger logger = (Logger) LoggerFactory.getLogger(LeaseWriteFence.class);
    logger.setLevel(ch.qos.logback.classic.Level.WARN); // the test configuration silences all
    logger.addAppender(logged);
  }

  @AfterEach
  void stop() {
    Logger logger = (Logger) LoggerFactory.getLogger(LeaseWriteFence.class);
    logger.detachAppender(logged);
    logger.setLevel(null);
    terms.close();
    clb.close();
  }

  /** One Lease record in memory, writable unless {@link #partitioned}. */
  private LeaderElectionRecord record;

  private Lock memoryLock(String identity) {
    return new Lock() {
      @Override
      public LeaderElectionRecord get() throws ApiException {
        synchronized (LeaseWriteFenceTest.this) {
          if (record == null) {
            throw new ApiException(404, "not found");
          }
          return record;
        }
      }

      @Override
      public boolean create(LeaderElectionRecord r) {
        return update(r);
      }

      @Override
      public boolean update(LeaderElectionRecord r) {
        synchronized (LeaseWriteFenceTest.this) {
          if (partitioned.get()) {
            return false;
          }
          record = r;
          return true;
        }
      }

      @Override
      public String identity() {
        return identity;
      }

      @Override
      public String describe() {
        return "memory";
      }
    };
  }

  private static final class Waiting implements Controller {
    final CountDownLatch leading;
    final CountDownLatch stop = new CountDownLatch(1);

    Waiting(CountDownLatch leading) {
      this.leading = leading;
    }

    @Override
    public void run() {
      leading.countDown();
      try {
        stop.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void shutdown() {
      stop.countDown();
    }
  }

  ClbGateway gateway(WriteFence writeFence, int maxAttempts) {
    return new ClbGateway(
        ClbClientFactory.create(
            new ClbConnection(
                "ap-guangzhou",
                clb.endpoint(),
                false,
                "AKIDfence",
                "secret",
                Duration.ofSeconds(2),
                Duration.ofSeconds(5))),
        new ClbCallPolicy(
            15,
            maxAttempts,
            Duration.ofMillis(20),
            Duration.ofMillis(40),
            Duration.ofMillis(50),
            Duration.ofSeconds(10)),
        meters,
        Clock.systemUTC(),
        writeFence);
  }

  static CreateLoadBalancerRequest create(String name) {
    CreateLoadBalancerRequest request = new CreateLoadBalancerRequest();
    request.setLoadBalancerType("OPEN");
    request.setVpcId(Networks.CLUSTER_VPC);
    request.setLoadBalancerName(name);
    return request;
  }

  double counted(String name, String action) {
    return meters.find(name).tag("action", action).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  long refusalsLogged() {
    return logged.list.stream().filter(e -> e.getFormattedMessage().contains("not sent")).count();
  }

  @Test
  void noWriteLeavesOnceTheRenewDeadlineHasPassedButReadsDo() throws Exception {
    ClbGateway gateway = gateway(new LeaseWriteFence(fence, "gate", meters), 3);
    gateway.call("CreateLoadBalancer", c -> c.CreateLoadBalancer(create("first")));
    assertThat(clb.state().loadBalancers()).hasSize(1);

    partitioned.set(true); // renewals fail from now on; the elector has not noticed yet
    now.addAndGet(10 * S);
    assertThat(terms.leading()).as("the elector still believes it leads").isTrue();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(
              () -> gateway.call("CreateLoadBalancer", c -> c.CreateLoadBalancer(create("x"))))
          .isInstanceOf(FencedWrite.class)
          .hasMessageContaining("renew deadline");
    }
    assertThat(clb.state().loadBalancers()).as("nothing new reached the CLB").hasSize(1);
    assertThat(counted("clb_direct_clb_calls_total", "CreateLoadBalancer")).isEqualTo(1);
    assertThat(counted("clb_direct_fenced_writes_total", "CreateLoadBalancer")).isEqualTo(3);
    assertThat(refusalsLogged()).as("logged once per term, counted every time").isEqualTo(1);
    assertThat(
            gateway
                .call(
                    "DescribeLoadBalancers",
                    c -> c.DescribeLoadBalancers(new DescribeLoadBalancersRequest()))
                .getLoadBalancerSet())
        .as("reads are not fenced")
        .hasSize(1);
  }

  @Test
  void aRetryAfterTheRenewDeadlineIsNotSent() throws Exception {
    // Every attempt fails with a retryable code; the clock moves 6 s per fence check, so the first
    // attempt (t=6) is sent and the retry (t=12, 2 s past the deadline) is not.
    clb.faults().failAction("CreateLoadBalancer", 1.0, "InternalError");
    LeaseWriteFence leaseFence = new LeaseWriteFence(fence, "gate", meters);
    ClbGateway gateway =
        gateway(
            (api, action) -> {
              now.addAndGet(6 * S);
              leaseFence.check(api, action);
            },
            8);
    partitioned.set(true);
    assertThatThrownBy(
            () -> gateway.call("CreateLoadBalancer", c -> c.CreateLoadBalancer(create("x"))))
        .isInstanceOf(FencedWrite.class);
    assertThat(counted("clb_direct_clb_calls_total", "CreateLoadBalancer"))
        .as("only the first attempt was sent")
        .isEqualTo(1);
    assertThat(counted("clb_direct_fenced_writes_total", "CreateLoadBalancer")).isEqualTo(1);
    assertThat(counted("clb_direct_clb_retries_total", "CreateLoadBalancer")).isEqualTo(1);
  }

  @Test
  void aReplicaThatNoLongerLeadsSendsNoWriteWhateverTheClockSays() throws Exception {
    ClbGateway gateway = gateway(new LeaseWriteFence(fence, "gate", meters), 3);
    terms.close(); // the term ends: e.g. the elector gave up
    assertThatThrownBy(
            () -> gateway.call("CreateLoadBalancer", c -> c.CreateLoadBalancer(create("x"))))
        .isInstanceOf(FencedWrite.class)
        .hasMessageContaining("does not lead");
    assertThat(clb.state().loadBalancers()).isEmpty();
  }

  @Test
  void theSslApisUploadsAreFencedToo() throws Exception {
    SslGateway ssl =
        new SslGateway(
            new com.tencentcloudapi.ssl.v20191205.SslClient(
                new com.tencentcloudapi.common.Credential("AKIDfence", "secret"), "ap-guangzhou"),
            ClbCallPolicy.defaults(),
            meters,
            new LeaseWriteFence(fence, "gate", meters));
    partitioned.set(true); // first: a renewal after the clock moved would count from the new time
    now.addAndGet(11 * S);
    assertThatThrownBy(
            () ->
                ssl.call(
                    "UploadCertificate",
                    c ->
                        c.UploadCertificate(
                            new com.tencentcloudapi.ssl.v20191205.models
                                .UploadCertificateRequest())))
        .isInstanceOf(FencedWrite.class);
    assertThat(
            meters.find("clb_direct_fenced_writes_total").tag("api", "ssl").counters().stream()
                .mapToDouble(c -> c.count())
                .sum())
        .isEqualTo(1);
    assertThat(counted("clb_direct_ssl_calls_total", "UploadCertificate")).isZero();
  }

  @Test
  void onlyDescribeAndInquiryActionsAreReads() {
    for (String read :
        new String[] {
          "DescribeTargets",
          "DescribeTaskStatus",
          "DescribeCertificates",
          "InquiryPriceCreateLoadBalancer"
        }) {
      assertThat(WriteFence.isWrite(read)).as(read).isFalse();
    }
    for (String write :
        new String[] {
          "CreateLoadBalancer",
          "DeleteLoadBalancer",
          "CreateListener",
          "ModifyListener",
          "CreateRule",
          "DeleteRule",
          "ModifyRule",
          "ModifyDomainAttributes",
          "AutoRewrite",
          "BatchRegisterTargets",
          "BatchDeregisterTargets",
          "BatchModifyTargetWeight",
          "UploadCertificate",
          "DeleteCertificate"
        }) {
      assertThat(WriteFence.isWrite(write)).as(write).isTrue();
    }
  }
}
