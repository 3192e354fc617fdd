package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.CreateListenerResponse;
import com.tencentcloudapi.clb.v20180317.models.HealthCheck;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.ModifyListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.RegisterTargetsRequest;
import com.tencentcloudapi.clb.v20180317.models.Target;
import org.junit.jupiter.api.Test;

/**
 * ModifyListener through the SDK: partial updates, read back with DescribeListeners, and its
 * refusals.
 */
class ModifyListenerTest extends EmulatorFixture {

  ModifyListenerRequest modify(String lb, String listener) {
    ModifyListenerRequest request = new ModifyListenerRequest();
    request.setLoadBalancerId(lb);
    request.setListenerId(listener);
    return request;
  }

  long apply(ModifyListenerRequest request) throws Exception {
    return await(client.ModifyListener(request).getRequestId());
  }

  @Test
  void changesOnlyTheFieldsGivenAndOnlyTheHealthCheckSubFieldsGiven() throws Exception {
    String lb = createLoadBalancer("modify");
    String listener = createListener(lb, "TCP", 8080, tcpCheck());
    Listener before = describeListener(lb, listener);
    assertThat(before.getScheduler()).isEqualTo("WRR");
    assertThat(before.getSessionExpireTime()).isZero();

    ModifyListenerRequest everything = modify(lb, listener);
    everything.setListenerName("renamed");
    everything.setScheduler("LEAST_CONN");
    everything.setSessionExpireTime(120L);
    HealthCheck healthNum = new HealthCheck();
    healthNum.setHealthNum(5L);
    everything.setHealthCheck(healthNum);
    String task = client.ModifyListener(everything).getRequestId();
    // An asynchronous write: it locks the load balancer until its task completes.
    assertCode(() -> client.ModifyListener(everything), "FailedOperation.ResourceInOperating");
    assertThat(await(task)).isZero();

    Listener after = describeListener(lb, listener);
    assertThat(after.getListenerName()).isEqualTo("renamed");
    assertThat(after.getScheduler()).isEqualTo("LEAST_CONN");
    assertThat(after.getSessionExpireTime()).isEqualTo(120L);
    HealthCheck check = after.getHealthCheck();
    assertThat(check.getHealthNum()).isEqualTo(5L);
    // The sub-fields not sent keep what CreateListener set.
    assertThat(check.getHealthSwitch()).isEqualTo(1L);
    assertThat(check.getIntervalTime()).isEqualTo(3L);
    assertThat(check.getTimeOut()).isEqualTo(2L);
    assertThat(check.getUnHealthNum()).isEqualTo(2L);
    assertThat(check.getCheckType()).isEqualTo("TCP");

    ModifyListenerRequest sessionOnly = modify(lb, listener);
    sessionOnly.setSessionExpireTime(0L);
    assertThat(apply(sessionOnly)).isZero();

    Listener last = describeListener(lb, listener);
    assertThat(last.getSessionExpireTime()).isZero();
    assertThat(last.getListenerName()).isEqualTo("renamed");
    assertThat(last.getScheduler()).isEqualTo("LEAST_CONN");
    assertThat(last.getHealthCheck().getHealthNum()).isEqualTo(5L);
  }

  @Test
  void createListenerTakesSchedulerAndSessionExpireTime() throws Exception {
    String lb = createLoadBalancer("create");
    CreateListenerRequest create = new CreateListenerRequest();
    create.setLoadBalancerId(lb);
    create.setProtocol("TCP");
    create.setPorts(new Long[] {9090L});
    create.setScheduler("LEAST_CONN");
    create.setSessionExpireTime(3600L);
    CreateListenerResponse response = client.CreateListener(create);
    assertThat(await(response.getRequestId())).isZero();
    String listener = response.getListenerIds()[0];
    Listener created = describeListener(lb, listener);
    assertThat(created.getScheduler()).isEqualTo("LEAST_CONN");
    assertThat(created.getSessionExpireTime()).isEqualTo(3600L);
    assertThat(created.getHealthCheck().getTimeOut()).isEqualTo(2L);
    assertThat(created.getHealthCheck().getIntervalTime()).isEqualTo(5L);
  }

  @Test
  void httpListenersTakeHealthCheckSchedulerAndSessionPerRule() throws Exception {
    String lb = createLoadBalancer("layer7");
    String listener = createListener(lb, "HTTP", 80, null);

    ModifyListenerRequest check = modify(lb, listener);
    check.setHealthCheck(tcpCheck());
    assertError(() -> client.ModifyListener(check), "InvalidParameter", "ModifyRule");
    ModifyListenerRequest scheduler = modify(lb, listener);
    scheduler.setScheduler("WRR");
    assertError(() -> client.ModifyListener(scheduler), "InvalidParameter", "`Scheduler`");
    ModifyListenerRequest session = modify(lb, listener);
    session.setSessionExpireTime(60L);
    assertError(() -> client.ModifyListener(session), "InvalidParameter", "`SessionExpireTime`");

    CreateListenerRequest create = new CreateListenerRequest();
    create.setLoadBalancerId(lb);
    create.setProtocol("HTTP");
    create.setPorts(new Long[] {81L});
    create.setSessionExpireTime(60L);
    assertError(() -> client.CreateListener(create), "InvalidParameter", "ModifyRule");

    // The name is the listener's own, whatever the protocol.
    ModifyListenerRequest name = modify(lb, listener);
    name.setListenerName("web");
    assertThat(apply(name)).isZero();
    Listener described = describeListener(lb, listener);
    assertThat(described.getListenerName()).isEqualTo("web");
    assertThat(described.getHealthCheck()).isNull();
    assertThat(described.getScheduler()).isNull();
  }

  @Test
  void unknownIdsMissingIdsAndValuesOutOfRange() throws Exception {
    String lb = createLoadBalancer("errors");
    String listener = createListener(lb, "TCP", 7000, null);

    assertCode(
        () -> client.ModifyListener(modify("lb-missing0", listener)),
        "InvalidParameter.LBIdNotFound");
    assertCode(
        () -> client.ModifyListener(modify(lb, "lbl-missing0")),
        "InvalidParameter.ListenerIdNotFound");
    assertCode(() -> client.ModifyListener(modify(lb, null)), "MissingParameter");

    ModifyListenerRequest ipHash = modify(lb, listener);
    ipHash.setScheduler("IP_HASH");
    assertError(() -> client.ModifyListener(ipHash), "InvalidParameterValue.Range", "`Scheduler`");
    for (long seconds : new long[] {29, 3601, -1}) {
      ModifyListenerRequest session = modify(lb, listener);
      session.setSessionExpireTime(seconds);
      assertError(
          () -> client.ModifyListener(session),
          "InvalidParameterValue.Range",
          "`SessionExpireTime`");
    }
    ModifyListenerRequest longName = modify(lb, listener);
    longName.setListenerName("n".repeat(81));
    assertError(
        () -> client.ModifyListener(longName), "InvalidParameterValue.Length", "`ListenerName`");

    // Nothing of the refused calls applied, and none of them left a task locking the load balancer.
    Listener unchanged = describeListener(lb, listener);
    assertThat(unchanged.getScheduler()).isEqualTo("WRR");
    assertThat(unchanged.getSessionExpireTime()).isZero();
    ModifyListenerRequest fine = modify(lb, listener);
    fine.setSessionExpireTime(30L);
    assertThat(apply(fine)).isZero();
  }

  @Test
  void switchingTheCheckOffShowsCloseAndOnAgainProbesAgain() throws Exception {
    String lb = createLoadBalancer("switch");
    String listener = createListener(lb, "TCP", 7100, tcpCheck());
    int port = backend("up", "127.0.0.1");
    RegisterTargetsRequest register = new RegisterTargetsRequest();
    register.setLoadBalancerId(lb);
    register.setListenerId(listener);
    register.setTargets(new Target[] {eni("127.0.0.1", port, 10L)});
    assertThat(await(client.RegisterTargets(register).getRequestId())).isZero();
    awaitHealth(lb, "127.0.0.1", port, "Alive");

    ModifyListenerRequest off = modify(lb, listener);
    HealthCheck switchOff = new HealthCheck();
    switchOff.setHealthSwitch(0L);
    off.setHealthCheck(switchOff);
    assertThat(apply(off)).isZero();
    assertThat(awaitHealth(lb, "127.0.0.1", port, "Close").getHealthStatus()).isTrue();
    assertThat(describeListener(lb, listener).getHealthCheck().getHealthNum())
        .as("kept while off")
        .isEqualTo(2L);

    ModifyListenerRequest on = modify(lb, listener);
    HealthCheck switchOn = new HealthCheck();
    switchOn.setHealthSwitch(1L);
    on.setHealthCheck(switchOn);
    assertThat(apply(on)).isZero();
    awaitHealth(lb, "127.0.0.1", port, "Alive");
  }
}
