package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeListenersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersRequest;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import io.clbdirect.core.WellKnown;
import io.clbdirect.e2e.kubelet.FakeKubelet;
import io.clbdirect.emulator.Networks;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1Service;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the load balancers land, end to end: the cluster's VPC, internal load balancers in a
 * subnet, creation parameters, SNAT Pro for GlobalRouter Pod IPs, and load balancers that cannot
 * reach the Pods refused. clb-direct runs in mixed mode on a node of a mixed cluster: with
 * GlobalRouteDirectAccess off the webhook asks for ENI IPs (127.7.x.y, inside the emulator's
 * cluster VPC 127.0.0.0/10); switched on, Pods keep GlobalRouter addresses (127.131.x.y, the
 * cluster CIDR 127.128.0.0/10).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkEndToEndTest {

  static final String SYSTEM = "clb-direct-network-e2e";
  static final String GATE = WellKnown.READINESS_GATE;
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final String SUBNET_ANNOTATION =
      "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid";
  static final String EXTENSIVE_ANNOTATION = "service.kubernetes.io/service.extensiveParameters";

  @RegisterExtension
  static final ClbDirectStack stack =
      ClbDirectStack.builder(SYSTEM)
          .gateController(98)
          .args("--clb-direct.network-mode=mixed")
          .kubelet(admin -> new FakeKubelet(admin, "fake-node-mixed", 7, 131))
          .beforeStart(plane -> setGlobalRouteDirectAccess(false))
          // Other test classes share this control plane: leave TKE's switch as they expect it
          // (absent).
          .afterStop(
              plane ->
                  new CoreV1Api(plane.adminClient())
                      .deleteNamespacedConfigMap(
                          WellKnown.TKE_CONFIG_NAME, WellKnown.TKE_CONFIG_NAMESPACE)
                      .execute())
          .build();

  @Test
  @Order(1)
  void aCreatedLoadBalancerIsInTheClusterVpcAndEniPodsAreBound() throws Exception {
    String lbId = readyWorkload("net-public", Map.of(), 2);

    LoadBalancer lb = describe(lbId);
    assertThat(lb.getVpcId()).as("never the DefaultVPC").isEqualTo(Networks.CLUSTER_VPC);
    assertThat(lb.getLoadBalancerType()).isEqualTo("OPEN");
    assertThat(lb.getSnatPro()).as("ENI IPs are VPC addresses").isNotEqualTo(Boolean.TRUE);
    assertThat(stack.pods().withApp("net-public", "web"))
        .hasSize(2)
        .allSatisfy(
            pod -> {
              assertThat(pod.getMetadata().getAnnotations())
                  .containsEntry(WellKnown.ENI_NETWORKS_ANNOTATION, WellKnown.ENI_NETWORKS_VALUE);
              assertThat(pod.getStatus().getPodIP()).startsWith("127.7.");
            });
  }

  @Test
  @Order(2)
  void anInternalServiceGetsItsVipFromTheSubnetAndServesThroughIt() throws Exception {
    String lbId =
        readyWorkload("net-internal", Map.of(SUBNET_ANNOTATION, Networks.CLUSTER_SUBNET), 2);

    LoadBalancer lb = describe(lbId);
    assertThat(lb.getLoadBalancerType()).isEqualTo("INTERNAL");
    assertThat(lb.getSubnetId()).isEqualTo(Networks.CLUSTER_SUBNET);
    assertThat(lb.getVpcId()).isEqualTo(Networks.CLUSTER_VPC);
    String vip = lb.getLoadBalancerVips()[0];
    assertThat(vip).as("from subnet-cluster1, 127.60.0.0/16").startsWith("127.60.");
    assertThat(service("net-internal").getStatus().getLoadBalancer().getIngress().get(0).getIp())
        .isEqualTo(vip);
    HttpResponse<String> answer =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .build()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://" + vip + ":" + Fixtures.CONTAINER_PORT + "/"))
                    .timeout(Duration.ofSeconds(3))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("X-Pod-Name")).isPresent();
  }

  @Test
  @Order(3)
  void extensiveParametersAreAppliedAtCreationAndABadOneCreatesNothing() throws Exception {
    String lbId =
        readyWorkload(
            "net-extensive",
            Map.of(EXTENSIVE_ANNOTATION, "{\"LoadBalancerName\":\"shop-front\",\"ProjectId\":7}"),
            1);
    LoadBalancer lb = describe(lbId);
    assertThat(lb.getLoadBalancerName()).isEqualTo("shop-front");
    assertThat(lb.getProjectId()).isEqualTo(7L);

    int before = loadBalancerCount();
    String ns = "net-bad-extensive";
    apply(
        ns,
        Map.of(EXTENSIVE_ANNOTATION, "{\"ZoneID\":\"ap-guangzhou-3\",\"VpcId\":\"vpc-other\"}"),
        1);
    CoreV1Event event = awaitEvent(ns, "InvalidLoadBalancerParameters");
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage())
        .contains("ZoneID is not a field of CreateLoadBalancer")
        .contains("VpcId is set by clb-direct");
    V1PodCondition held = awaitHeld(ns);
    assertThat(held.getMessage()).contains("ZoneID");
    assertThat(loadBalancerCount()).as("nothing created").isEqualTo(before);
  }

  @Test
  @Order(4)
  void aReusedLoadBalancerInAnotherVpcWithoutSnatProIsRefusedAndNothingIsBound() throws Exception {
    CreateLoadBalancerRequest create = new CreateLoadBalancerRequest();
    create.setLoadBalancerType("OPEN");
    create.setLoadBalancerName(
        "elsewhere"); // no VpcId: the API puts it in the account's DefaultVPC
    String lbId = awaitRunning(stack.sdk().CreateLoadBalancer(create).getLoadBalancerIds()[0]);
    assertThat(describe(lbId).getVpcId()).isEqualTo(Networks.DEFAULT_VPC);

    String ns = "net-other-vpc";
    apply(ns, Map.of("service.kubernetes.io/tke-existed-lbid", lbId), 1);

    CoreV1Event event = awaitEvent(ns, "LoadBalancerNetworkMismatch");
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage())
        .contains(lbId)
        .contains("VPC " + Networks.DEFAULT_VPC)
        .contains("VPC " + Networks.CLUSTER_VPC)
        .contains("SNAT Pro is off");
    V1PodCondition held = awaitHeld(ns);
    assertThat(held.getMessage()).contains(Networks.DEFAULT_VPC).contains(Networks.CLUSTER_VPC);
    assertThat(listenerCount(lbId)).as("nothing is bound, not even a listener made").isZero();
  }

  @Test
  @Order(5)
  void globalRouterPodIpsGetSnatProAndAReusedLoadBalancerWithoutItIsRefused() throws Exception {
    setGlobalRouteDirectAccess(true);
    try {
      // Informers carry the switch to the webhook and the gate-controller; a Pod admitted before it
      // arrives
      // would still get an ENI, which the assertions below would catch.
      Thread.sleep(1000);
      String lbId = readyWorkload("net-global-router", Map.of(), 2);
      LoadBalancer lb = describe(lbId);
      assertThat(lb.getSnatPro()).isTrue();
      assertThat(lb.getVpcId()).isEqualTo(Networks.CLUSTER_VPC);
      assertThat(stack.pods().withApp("net-global-router", "web"))
          .hasSize(2)
          .allSatisfy(
              pod -> {
                assertThat(pod.getMetadata().getAnnotations())
                    .doesNotContainKey(WellKnown.ENI_NETWORKS_ANNOTATION);
                assertThat(pod.getStatus().getPodIP())
                    .as("a GlobalRouter address")
                    .startsWith("127.131.");
              });

      CreateLoadBalancerRequest create = new CreateLoadBalancerRequest();
      create.setLoadBalancerType("OPEN");
      create.setVpcId(Networks.CLUSTER_VPC);
      String plain = awaitRunning(stack.sdk().CreateLoadBalancer(create).getLoadBalancerIds()[0]);
      String ns = "net-global-router-reused";
      apply(ns, Map.of("service.kubernetes.io/tke-existed-lbid", plain), 1);
      CoreV1Event event = awaitEvent(ns, "LoadBalancerNetworkMismatch");
      assertThat(event.getMessage()).contains(plain + " has SNAT Pro off").contains("GlobalRouter");
      assertThat(awaitHeld(ns).getMessage()).contains("SNAT Pro off");
      assertThat(listenerCount(plain)).isZero();
    } finally {
      setGlobalRouteDirectAccess(false);
    }
  }

  // ---- helpers

  /**
   * A direct-access Service with these extra annotations and a Deployment, every gate True; returns
   * the load balancer id.
   */
  static String readyWorkload(String ns, Map<String, String> annotations, int replicas)
      throws Exception {
    apply(ns, annotations, replicas);
    stack.deployments().awaitAvailable(ns, "web", replicas, TIMEOUT);
    V1Service recorded =
        Await.until(
            TIMEOUT,
            "the VIP of " + ns + "/web",
            () -> service(ns),
            s ->
                s.getStatus().getLoadBalancer() != null
                    && s.getStatus().getLoadBalancer().getIngress() != null
                    && !s.getStatus().getLoadBalancer().getIngress().isEmpty());
    return recorded.getMetadata().getAnnotations().get("service.kubernetes.io/loadbalance-id");
  }

  static void apply(String ns, Map<String, String> annotations, int replicas) throws ApiException {
    Namespaces.create(stack.core(), ns);
    V1Service web = Fixtures.directAccessService("web", "web");
    Map<String, String> all = new HashMap<>(web.getMetadata().getAnnotations());
    all.putAll(annotations);
    web.getMetadata().annotations(all);
    web.getSpec()
        .getPorts()
        .get(0)
        .port(Fixtures.CONTAINER_PORT)
        .targetPort(new IntOrString(Fixtures.CONTAINER_PORT));
    stack.core().createNamespacedService(ns, web).execute();
    stack
        .apps()
        .createNamespacedDeployment(ns, Fixtures.deployment("web", "web", replicas))
        .execute();
  }

  static V1PodCondition awaitHeld(String ns) {
    List<V1Pod> held =
        Await.until(
            TIMEOUT,
            "Pods of " + ns + " held with LoadBalancerUnusable",
            () -> stack.pods().withApp(ns, "web"),
            list ->
                !list.isEmpty()
                    && list.stream()
                        .allMatch(
                            p ->
                                Pods.condition(p, GATE)
                                    .filter(
                                        c ->
                                            "False".equals(c.getStatus())
                                                && "LoadBalancerUnusable".equals(c.getReason()))
                                    .isPresent()));
    held.forEach(p -> assertThat(Pods.isReady(p)).isFalse());
    return Pods.condition(held.get(0), GATE).orElseThrow();
  }

  static CoreV1Event awaitEvent(String ns, String reason) {
    return Await.until(
        TIMEOUT,
        "a " + reason + " Event in " + ns,
        () ->
            Unchecked.get(() -> stack.core().listNamespacedEvent(ns).execute().getItems()).stream()
                .filter(e -> reason.equals(e.getReason()))
                .findFirst()
                .orElse(null),
        e -> e != null);
  }

  static V1Service service(String ns) {
    return Unchecked.get(() -> stack.core().readNamespacedService("web", ns).execute());
  }

  static LoadBalancer describe(String lbId) throws TencentCloudSDKException {
    DescribeLoadBalancersRequest request = new DescribeLoadBalancersRequest();
    request.setLoadBalancerIds(new String[] {lbId});
    return stack.sdk().DescribeLoadBalancers(request).getLoadBalancerSet()[0];
  }

  static String awaitRunning(String lbId) {
    Await.until(
        TIMEOUT,
        lbId + " running",
        () -> Unchecked.get(() -> describe(lbId)),
        lb -> Long.valueOf(1).equals(lb.getStatus()));
    return lbId;
  }

  static int loadBalancerCount() throws TencentCloudSDKException {
    DescribeLoadBalancersRequest request = new DescribeLoadBalancersRequest();
    request.setLimit(100L);
    return stack.sdk().DescribeLoadBalancers(request).getTotalCount().intValue();
  }

  static int listenerCount(String lbId) throws TencentCloudSDKException {
    DescribeListenersRequest request = new DescribeListenersRequest();
    request.setLoadBalancerId(lbId);
    return stack.sdk().DescribeListeners(request).getListeners().length;
  }

  static void setGlobalRouteDirectAccess(boolean on) throws ApiException {
    V1ConfigMap config =
        new V1ConfigMap()
            .metadata(new V1ObjectMeta().name(WellKnown.TKE_CONFIG_NAME))
            .data(Map.of(WellKnown.GLOBAL_ROUTE_DIRECT_ACCESS_KEY, Boolean.toString(on)));
    try {
      stack.core().createNamespacedConfigMap(WellKnown.TKE_CONFIG_NAMESPACE, config).execute();
    } catch (ApiException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      stack
          .core()
          .replaceNamespacedConfigMap(
              WellKnown.TKE_CONFIG_NAME, WellKnown.TKE_CONFIG_NAMESPACE, config)
          .execute();
    }
  }
}
