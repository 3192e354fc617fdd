package io.clbdirect.gate.controller;

import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerResponse;
import com.tencentcloudapi.clb.v20180317.models.DescribeListenersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersRequest;
import com.tencentcloudapi.clb.v20180317.models.HealthCheck;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import com.tencentcloudapi.clb.v20180317.models.TagInfo;
import io.clbdirect.gate.clb.ClbGateway;
import io.clbdirect.gate.clb.ClbOperationException;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds or creates a Service's load balancer and one listener per Service port (TCP/UDP, with a TCP
 * health check). Reuses the load balancer named by {@code service.kubernetes.io/tke-existed-lbid}, or the
 * one clb-direct recorded in {@code service.kubernetes.io/loadbalance-id}; creates one otherwise, with
 * the Service's UID as idempotency token so a retry never makes a second one.
 */
public final class ServiceLoadBalancers {

  public static final String EXISTING_LB_ANNOTATION = "service.kubernetes.io/tke-existed-lbid";
  public static final String RECORDED_LB_ANNOTATION = "service.kubernetes.io/loadbalance-id";
  public static final String TAG_CREATED_BY = "clb-direct.io/created-by";
  public static final String TAG_SERVICE_UID = "clb-direct.io/service-uid";
  public static final String TAG_CLUSTER = "clb-direct.io/cluster";

  private final ClbGateway clb;
  private final String clusterName;

  public ServiceLoadBalancers(ClbGateway clb, String clusterName) {
    this.clb = clb;
    this.clusterName = clusterName;
  }

  public LoadBalancerRef ensure(V1Service service) throws ClbOperationException {
    Map<String, String> annotations = service.getMetadata().getAnnotations() == null ? Map.of() : service.getMetadata().getAnnotations();
    String lbId = annotations.getOrDefault(EXISTING_LB_ANNOTATION, annotations.get(RECORDED_LB_ANNOTATION));
    LoadBalancer lb = lbId == null ? null : describe(lbId);
    if (lb == null) {
      lb = create(service);
    }
    return new LoadBalancerRef(lb.getLoadBalancerId(), lb.getLoadBalancerVips()[0], ensureListeners(lb.getLoadBalancerId(), service));
  }

  /**
   * Takes the Service's Pods off its load balancer: deletes the load balancer when clb-direct created it
   * for this Service (tags say so), otherwise deregisters the targets on the Service's listeners and
   * leaves the load balancer and its listeners as they were found.
   */
  public void release(V1Service service, ClbTargets targets) throws ClbOperationException {
    Map<String, String> annotations = service.getMetadata().getAnnotations() == null ? Map.of() : service.getMetadata().getAnnotations();
    String lbId = annotations.getOrDefault(RECORDED_LB_ANNOTATION, annotations.get(EXISTING_LB_ANNOTATION));
    LoadBalancer lb = lbId == null ? null : describe(lbId);
    if (lb == null) {
      return;
    }
    if (createdFor(lb, service)) {
      com.tencentcloudapi.clb.v20180317.models.DeleteLoadBalancerRequest request =
          new com.tencentcloudapi.clb.v20180317.models.DeleteLoadBalancerRequest();
      request.setLoadBalancerIds(new String[] {lbId});
      clb.write("DeleteLoadBalancer", lbId, c -> c.DeleteLoadBalancer(request).getRequestId());
      return;
    }
    Map<Integer, String> listenerIds = new HashMap<>();
    Listener[] existing = listeners(lbId);
    for (V1ServicePort port : service.getSpec().getPorts() == null ? List.<V1ServicePort>of() : service.getSpec().getPorts()) {
      String found = find(existing, port.getProtocol() == null ? "TCP" : port.getProtocol(), port.getPort());
      if (found != null) {
        listenerIds.put(port.getPort(), found);
      }
    }
    java.util.List<io.clbdirect.gate.decide.TargetChanges> changes = new java.util.ArrayList<>();
    targets.bound(lbId, listenerIds.values()).forEach((group, bound) ->
        changes.add(io.clbdirect.gate.decide.TargetChanges.diff(group, Map.of(), bound, t -> true)));
    for (io.clbdirect.gate.decide.CallPlan.Call call : io.clbdirect.gate.decide.CallPlan.plan(changes)) {
      targets.execute(call);
    }
  }

  private static boolean createdFor(LoadBalancer lb, V1Service service) {
    boolean ours = false;
    boolean thisService = false;
    for (TagInfo tag : lb.getTags() == null ? new TagInfo[0] : lb.getTags()) {
      ours |= TAG_CREATED_BY.equals(tag.getTagKey()) && "clb-direct".equals(tag.getTagValue());
      thisService |= TAG_SERVICE_UID.equals(tag.getTagKey()) && service.getMetadata().getUid().equals(tag.getTagValue());
    }
    return ours && thisService;
  }

  private LoadBalancer describe(String lbId) throws ClbOperationException {
    DescribeLoadBalancersRequest request = new DescribeLoadBalancersRequest();
    request.setLoadBalancerIds(new String[] {lbId});
    LoadBalancer[] found = clb.call("DescribeLoadBalancers", c -> c.DescribeLoadBalancers(request)).getLoadBalancerSet();
    return found == null || found.length == 0 ? null : found[0];
  }

  private LoadBalancer create(V1Service service) throws ClbOperationException {
    CreateLoadBalancerRequest request = new CreateLoadBalancerRequest();
    request.setLoadBalancerType("OPEN");
    request.setLoadBalancerName(truncate(service.getMetadata().getNamespace() + "-" + service.getMetadata().getName(), 60));
    request.setClientToken("clb-direct-" + service.getMetadata().getUid());
    request.setTags(new TagInfo[] {
        tag(TAG_CREATED_BY, "clb-direct"), tag(TAG_SERVICE_UID, service.getMetadata().getUid()), tag(TAG_CLUSTER, clusterName)});
    CreateLoadBalancerResponse[] created = new CreateLoadBalancerResponse[1];
    clb.write("CreateLoadBalancer", "create:" + service.getMetadata().getUid(), c -> {
      created[0] = c.CreateLoadBalancer(request);
      return created[0].getRequestId();
    });
    return describe(created[0].getLoadBalancerIds()[0]);
  }

  private Map<Integer, String> ensureListeners(String lbId, V1Service service) throws ClbOperationException {
    Map<Integer, String> byPort = new HashMap<>();
    List<V1ServicePort> ports = service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
    Listener[] existing = listeners(lbId);
    for (V1ServicePort port : ports) {
      String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
      String found = find(existing, protocol, port.getPort());
      if (found == null) {
        CreateListenerRequest request = new CreateListenerRequest();
        request.setLoadBalancerId(lbId);
        request.setProtocol(protocol);
        request.setPorts(new Long[] {(long) port.getPort()});
        request.setListenerNames(new String[] {truncate("clb-direct-" + service.getMetadata().getName() + "-" + port.getPort(), 80)});
        request.setHealthCheck(defaultHealthCheck());
        clb.write("CreateListener", lbId, c -> c.CreateListener(request).getRequestId());
        found = find(listeners(lbId), protocol, port.getPort());
      }
      if (found != null) {
        byPort.put(port.getPort(), found);
      }
    }
    return byPort;
  }

  private Listener[] listeners(String lbId) throws ClbOperationException {
    DescribeListenersRequest request = new DescribeListenersRequest();
    request.setLoadBalancerId(lbId);
    Listener[] listeners = clb.call("DescribeListeners", c -> c.DescribeListeners(request)).getListeners();
    return listeners == null ? new Listener[0] : listeners;
  }

  private static String find(Listener[] listeners, String protocol, int port) {
    for (Listener listener : listeners) {
      if (protocol.equals(listener.getProtocol()) && listener.getPort() != null && listener.getPort() == port) {
        return listener.getListenerId();
      }
    }
    return null;
  }

  /** TCP connect checks, CLB's defaults: 2 s timeout, every 5 s, 3 to flip either way. */
  static HealthCheck defaultHealthCheck() {
    HealthCheck check = new HealthCheck();
    check.setHealthSwitch(1L);
    check.setTimeOut(2L);
    check.setIntervalTime(5L);
    check.setHealthNum(3L);
    check.setUnHealthNum(3L);
    return check;
  }

  private static TagInfo tag(String key, String value) {
    TagInfo tag = new TagInfo();
    tag.setTagKey(key);
    tag.setTagValue(value);
    return tag;
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }
}
