package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.tencentcloudapi.clb.v20180317.models.*;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The unmodified SDK's ClbClient against the emulator, for every action and the documented errors.
 */
class ClbEmulatorSdkTest extends EmulatorFixture {

  @Test
  void layer4LifecycleWithRealHealthChecks() throws Exception {
    String lb = createLoadBalancer("web");
    DescribeLoadBalancersRequest describe = new DescribeLoadBalancersRequest();
    describe.setLoadBalancerIds(new String[] {lb});
    LoadBalancer described = client.DescribeLoadBalancers(describe).getLoadBalancerSet()[0];
    assertThat(described.getStatus()).isEqualTo(1L);
    assertThat(described.getLoadBalancerVips()[0]).startsWith("127.91.");
    assertThat(described.getTags()[0].getTagKey()).isEqualTo("clb-direct.io/cluster");

    // An idempotent retry with the same ClientToken returns the same load balancer.
    CreateLoadBalancerRequest again = new CreateLoadBalancerRequest();
    again.setLoadBalancerType("OPEN");
    again.setClientToken("token-web");
    assertThat(client.CreateLoadBalancer(again).getLoadBalancerIds()).containsExactly(lb);

    String listener = createListener(lb, "TCP", 8080, tcpCheck());
    DescribeListenersRequest listeners = new DescribeListenersRequest();
    listeners.setLoadBalancerId(lb);
    Listener l = client.DescribeListeners(listeners).getListeners()[0];
    assertThat(l.getListenerId()).isEqualTo(listener);
    assertThat(l.getHealthCheck().getHealthNum()).isEqualTo(2L);

    int alive = backend("alive", "127.0.0.1");
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    RegisterTargetsRequest register = new RegisterTargetsRequest();
    register.setLoadBalancerId(lb);
    register.setListenerId(listener);
    register.setTargets(
        new Target[] {eni("127.0.0.1", alive, 10L), eni("127.0.0.1", closedPort, 10L)});
    String task = client.RegisterTargets(register).getRequestId();

    // While the task runs the load balancer is locked.
    assertThatThrownBy(() -> client.RegisterTargets(register))
        .isInstanceOfSatisfying(
            TencentCloudSDKException.class,
            e -> assertThat(e.getErrorCode()).isEqualTo("FailedOperation.ResourceInOperating"));
    assertThat(await(task)).isZero();

    DescribeTargetsRequest targets = new DescribeTargetsRequest();
    targets.setLoadBalancerId(lb);
    Backend[] bound = client.DescribeTargets(targets).getListeners()[0].getTargets();
    assertThat(bound).extracting(Backend::getPort).containsExactly((long) alive, (long) closedPort);
    assertThat(bound[0].getType()).isEqualTo("ENI");
    assertThat(bound[0].getPrivateIpAddresses()).containsExactly("127.0.0.1");

    TargetHealth up = awaitHealth(lb, "127.0.0.1", alive, "Alive");
    assertThat(up.getHealthStatus()).isTrue();
    assertThat(up.getHealthStatusDetial()).isEqualTo("Alive");
    TargetHealth down = awaitHealth(lb, "127.0.0.1", closedPort, "Dead");
    assertThat(down.getHealthStatus()).isFalse();

    ModifyTargetWeightRequest weight = new ModifyTargetWeightRequest();
    weight.setLoadBalancerId(lb);
    weight.setListenerId(listener);
    weight.setTargets(new Target[] {eni("127.0.0.1", alive, 0L)});
    assertThat(await(client.ModifyTargetWeight(weight).getRequestId())).isZero();
    assertThat(health(lb, "127.0.0.1", alive).getWeight()).isZero();

    DeregisterTargetsRequest deregister = new DeregisterTargetsRequest();
    deregister.setLoadBalancerId(lb);
    deregister.setListenerId(listener);
    deregister.setTargets(new Target[] {eni("127.0.0.1", closedPort, null)});
    assertThat(await(client.DeregisterTargets(deregister).getRequestId())).isZero();
    assertThat(client.DescribeTargets(targets).getListeners()[0].getTargets()).hasSize(1);

    DeleteListenerRequest deleteListener = new DeleteListenerRequest();
    deleteListener.setLoadBalancerId(lb);
    deleteListener.setListenerId(listener);
    assertThat(await(client.DeleteListener(deleteListener).getRequestId())).isZero();
    DeleteLoadBalancerRequest delete = new DeleteLoadBalancerRequest();
    delete.setLoadBalancerIds(new String[] {lb});
    assertThat(await(client.DeleteLoadBalancer(delete).getRequestId())).isZero();
    assertThat(client.DescribeLoadBalancers(describe).getTotalCount()).isZero();
  }

  @Test
  void layer7RulesBatchesAndQuota() throws Exception {
    String lb = createLoadBalancer("shop");
    String listener = createListener(lb, "HTTP", 80, null);
    CreateRuleRequest createRule = new CreateRuleRequest();
    createRule.setLoadBalancerId(lb);
    createRule.setListenerId(listener);
    RuleInput rule = new RuleInput();
    rule.setDomain("shop.example.com");
    rule.setUrl("/api");
    createRule.setRules(new RuleInput[] {rule});
    CreateRuleResponse created = client.CreateRule(createRule);
    assertThat(await(created.getRequestId())).isZero();
    String location = created.getLocationIds()[0];
    assertThat(location).startsWith("loc-");

    RegisterTargetsRequest noLocation = new RegisterTargetsRequest();
    noLocation.setLoadBalancerId(lb);
    noLocation.setListenerId(listener);
    noLocation.setTargets(new Target[] {eni("127.0.0.1", 9000, 10L)});
    assertThatThrownBy(() -> client.RegisterTargets(noLocation))
        .isInstanceOfSatisfying(
            TencentCloudSDKException.class,
            e -> assertThat(e.getErrorCode()).isEqualTo("MissingParameter"));

    BatchRegisterTargetsRequest batch = new BatchRegisterTargetsRequest();
    batch.setLoadBalancerId(lb);
    List<BatchTarget> batchTargets = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      BatchTarget t = new BatchTarget();
      t.setListenerId(listener);
      t.setLocationId(location);
      t.setEniIp("127.0.0.1");
      t.setPort(9000L + i);
      batchTargets.add(t);
    }
    BatchTarget unknown = new BatchTarget();
    unknown.setListenerId("lbl-nothere");
    unknown.setEniIp("127.0.0.1");
    unknown.setPort(1L);
    batchTargets.add(unknown);
    batch.setTargets(batchTargets.toArray(BatchTarget[]::new));
    assertThat(client.BatchRegisterTargets(batch).getFailListenerIdSet())
        .containsExactly("lbl-nothere");

    // The quota here is 5 targets per rule: two more exceed it.
    RegisterTargetsRequest overQuota = new RegisterTargetsRequest();
    overQuota.setLoadBalancerId(lb);
    overQuota.setListenerId(listener);
    overQuota.setLocationId(location);
    overQuota.setTargets(new Target[] {eni("127.0.0.2", 1, 10L), eni("127.0.0.2", 2, 10L)});
    assertThatThrownBy(() -> client.RegisterTargets(overQuota))
        .isInstanceOfSatisfying(
            TencentCloudSDKException.class,
            e -> assertThat(e.getErrorCode()).isEqualTo("LimitExceeded"));

    DescribeTargetHealthRequest health = new DescribeTargetHealthRequest();
    health.setLoadBalancerIds(new String[] {lb});
    health.setListenerIds(new String[] {listener});
    RuleHealth ruleHealth =
        client.DescribeTargetHealth(health).getLoadBalancers()[0].getListeners()[0].getRules()[0];
    assertThat(ruleHealth.getLocationId()).isEqualTo(location);
    assertThat(ruleHealth.getTargets()).hasSize(4);

    BatchModifyTargetWeightRequest modify = new BatchModifyTargetWeightRequest();
    modify.setLoadBalancerId(lb);
    RsWeightRule weights = new RsWeightRule();
    weights.setListenerId(listener);
    weights.setLocationId(location);
    weights.setWeight(0L);
    weights.setTargets(new Target[] {eni("127.0.0.1", 9000, null), eni("127.0.0.1", 9001, null)});
    modify.setModifyList(new RsWeightRule[] {weights});
    assertThat(await(client.BatchModifyTargetWeight(modify).getRequestId())).isZero();
    DescribeTargetsRequest targets = new DescribeTargetsRequest();
    targets.setLoadBalancerId(lb);
    Backend[] bound = client.DescribeTargets(targets).getListeners()[0].getRules()[0].getTargets();
    assertThat(bound).extracting(Backend::getWeight).containsExactly(0L, 0L, 10L, 10L);

    BatchDeregisterTargetsRequest unbind = new BatchDeregisterTargetsRequest();
    unbind.setLoadBalancerId(lb);
    unbind.setTargets(batchTargets.subList(0, 4).toArray(BatchTarget[]::new));
    assertThat(client.BatchDeregisterTargets(unbind).getFailListenerIdSet()).isEmpty();
    assertThat(client.DescribeTargets(targets).getListeners()[0].getRules()[0].getTargets())
        .isEmpty();

    DeleteRuleRequest deleteRule = new DeleteRuleRequest();
    deleteRule.setLoadBalancerId(lb);
    deleteRule.setListenerId(listener);
    deleteRule.setLocationIds(new String[] {location});
    assertThat(await(client.DeleteRule(deleteRule).getRequestId())).isZero();

    DescribeQuotaResponse quota = client.DescribeQuota(new DescribeQuotaRequest());
    Map<String, Long> limits = new HashMap<>();
    for (Quota q : quota.getQuotaSet()) {
      limits.put(q.getQuotaId(), q.getQuotaLimit());
    }
    assertThat(limits)
        .containsEntry("TOTAL_TARGET_BIND_QUOTA", 5L)
        .containsEntry("TOTAL_LISTENER_QUOTA", 50L);
  }

  @Test
  void perCallLimitsAndMissingThings() throws Exception {
    String lb = createLoadBalancer("limits");
    String listener = createListener(lb, "TCP", 81, null);
    RegisterTargetsRequest tooMany = new RegisterTargetsRequest();
    tooMany.setLoadBalancerId(lb);
    tooMany.setListenerId(listener);
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      targets.add(eni("127.0.0.1", 1000 + i, 10L));
    }
    tooMany.setTargets(targets.toArray(Target[]::new));
    assertCode(() -> client.RegisterTargets(tooMany), "InvalidParameterValue.Length");

    DescribeTargetHealthRequest thirtyOne = new DescribeTargetHealthRequest();
    String[] ids = new String[31];
    java.util.Arrays.fill(ids, lb);
    thirtyOne.setLoadBalancerIds(ids);
    assertCode(() -> client.DescribeTargetHealth(thirtyOne), "InvalidParameterValue.Length");

    BatchRegisterTargetsRequest fiveHundredOne = new BatchRegisterTargetsRequest();
    fiveHundredOne.setLoadBalancerId(lb);
    BatchTarget[] many = new BatchTarget[501];
    for (int i = 0; i < many.length; i++) {
      many[i] = new BatchTarget();
      many[i].setListenerId(listener);
      many[i].setEniIp("127.0.0.1");
      many[i].setPort(2000L + i);
    }
    fiveHundredOne.setTargets(many);
    assertCode(() -> client.BatchRegisterTargets(fiveHundredOne), "InvalidParameterValue.Length");

    DescribeLoadBalancersRequest twentyOne = new DescribeLoadBalancersRequest();
    String[] lbs = new String[21];
    java.util.Arrays.fill(lbs, lb);
    twentyOne.setLoadBalancerIds(lbs);
    assertCode(() -> client.DescribeLoadBalancers(twentyOne), "InvalidParameterValue.Length");

    DescribeListenersRequest unknownLb = new DescribeListenersRequest();
    unknownLb.setLoadBalancerId("lb-missing0");
    assertCode(() -> client.DescribeListeners(unknownLb), "InvalidParameter.LBIdNotFound");

    DescribeTaskStatusRequest unknownTask = new DescribeTaskStatusRequest();
    unknownTask.setTaskId("no-such-task");
    assertCode(() -> client.DescribeTaskStatus(unknownTask), "ResourceNotFound");

    assertCode(() -> client.CreateListener(new CreateListenerRequest()), "MissingParameter");

    Target both = eni("127.0.0.1", 1, 10L);
    both.setInstanceId("ins-1");
    RegisterTargetsRequest ambiguous = new RegisterTargetsRequest();
    ambiguous.setLoadBalancerId(lb);
    ambiguous.setListenerId(listener);
    ambiguous.setTargets(new Target[] {both});
    assertCode(() -> client.RegisterTargets(ambiguous), "InvalidParameter.FormatError");
  }

  @Test
  void signatureFailuresUnknownActionsAndThrottling() throws Exception {
    assertCode(
        () -> client("wrong-key").DescribeQuota(new DescribeQuotaRequest()),
        "AuthFailure.SignatureFailure");

    SignedHttp raw = new SignedHttp(clb.endpoint(), ID, KEY);
    assertThat(raw.post("DescribeQuota", "{}").has("QuotaSet")).isTrue();
    assertThat(
            error(
                raw.post("DescribeQuota", "{}", "{}", Instant.now().minus(Duration.ofMinutes(6)))))
        .isEqualTo("AuthFailure.SignatureExpire");
    assertThat(
            error(
                raw.post("DescribeLoadBalancers", "{\"Limit\":1}", "{\"Limit\":2}", Instant.now())))
        .isEqualTo("AuthFailure.SignatureFailure");
    assertThat(
            error(new SignedHttp(clb.endpoint(), "AKIDunknown", KEY).post("DescribeQuota", "{}")))
        .isEqualTo("AuthFailure.SecretIdNotFound");
    assertThat(error(raw.post("NoSuchAction", "{}"))).isEqualTo("InvalidAction");
    JsonObject answer = raw.post("DescribeQuota", "{}");
    assertThat(answer.get("RequestId").getAsString()).matches("[0-9a-f-]{36}");

    try (ClbEmulator limited =
        ClbEmulator.start(EmulatorConfig.defaults(ID, KEY).withVipOctet(92))) {
      SignedHttp limitedRaw = new SignedHttp(limited.endpoint(), ID, KEY);
      int calls = 60;
      java.util.concurrent.atomic.AtomicInteger throttledCount =
          new java.util.concurrent.atomic.AtomicInteger();
      long started = System.nanoTime();
      ExecutorService callers = Executors.newFixedThreadPool(4);
      try {
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          done.add(
              callers.submit(
                  () -> {
                    if ("RequestLimitExceeded"
                        .equals(error(limitedRaw.post("DescribeQuota", "{}")))) {
                      throttledCount.incrementAndGet();
                    }
                    return null;
                  }));
        }
        for (java.util.concurrent.Future<?> future : done) {
          future.get();
        }
      } finally {
        callers.shutdownNow();
      }
      int throttled = throttledCount.get();
      double seconds = (System.nanoTime() - started) / 1e9;
      // A bucket of 20 refilled at 20/s lets at most 20 + 20 x elapsed calls through.
      long allowedAtMost = (long) Math.ceil(20 + 20 * seconds);
      assertThat(throttled)
          .as("%d calls in %.2f s against 20/s", calls, seconds)
          .isPositive()
          .isGreaterThanOrEqualTo((int) (calls - allowedAtMost));
    }
  }

  @Test
  void injectedFaultsAreReproducibleFromTheSeed() throws Exception {
    String lb = createLoadBalancer("faults");
    clb.faults().failAction("DescribeQuota", 0.5, "InternalError");
    List<Boolean> first = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      first.add(failed(() -> client.DescribeQuota(new DescribeQuotaRequest())));
    }
    clb.faults().reseed(42);
    List<Boolean> second = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      second.add(failed(() -> client.DescribeQuota(new DescribeQuotaRequest())));
    }
    assertThat(second).isEqualTo(first).contains(true, false);

    clb.faults().lockLoadBalancer(lb, Instant.now().plusSeconds(5));
    CreateListenerRequest create = new CreateListenerRequest();
    create.setLoadBalancerId(lb);
    create.setProtocol("TCP");
    create.setPorts(new Long[] {90L});
    assertCode(() -> client.CreateListener(create), "FailedOperation.ResourceInOperating");

    clb.faults().reset();
    clb.faults().setThrottleAll(true);
    assertCode(() -> client.DescribeQuota(new DescribeQuotaRequest()), "RequestLimitExceeded");
  }
}
