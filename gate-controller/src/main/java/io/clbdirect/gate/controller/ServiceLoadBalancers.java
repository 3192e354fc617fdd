package io.clbdirect.gate.controller;

import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.CreateListenerResponse;
import com.tencentcloudapi.clb.v20180317.models.HealthCheck;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.decide.CallPlan;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.clbdirect.gate.decide.TargetChanges;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds or creates a Service's load balancer and one listener per Service port (TCP/UDP, with a TCP
 * health check). Reuses the load balancer named by {@code service.kubernetes.io/tke-existed-lbid}, or the
 * one clb-direct recorded in {@code service.kubernetes.io/loadbalance-id}; creates one otherwise.
 */
public final class ServiceLoadBalancers {

  public static final String EXISTING_LB_ANNOTATION = FrontendAnnotations.SERVICE.existingLoadBalancer();
  public static final String RECORDED_LB_ANNOTATION = "service.kubernetes.io/loadbalance-id";

  private final LoadBalancers loadBalancers;

  public ServiceLoadBalancers(LoadBalancers loadBalancers) {
    this.loadBalancers = loadBalancers;
  }

  /**
   * @param settings the Service's TkeServiceConfig, applied to the listeners it names
   * @param plan how to create the load balancer should there be none
   * @param podIpsOutsideVpc Pod IPs come from a GlobalRouter cluster CIDR (SNAT Pro needed)
   */
  public LoadBalancerRef ensure(V1Service service, ListenerSettings settings, LoadBalancerSpecs.Decision plan, boolean podIpsOutsideVpc)
      throws ClbOperationException, LoadBalancerRefused {
    Map<String, String> annotations = service.getMetadata().getAnnotations() == null ? Map.of() : service.getMetadata().getAnnotations();
    String uid = service.getMetadata().getUid();
    LoadBalancer lb = loadBalancers.resolve(annotations.get(EXISTING_LB_ANNOTATION), EXISTING_LB_ANNOTATION,
        annotations.get(RECORDED_LB_ANNOTATION), LoadBalancers.TAG_SERVICE_UID, uid,
        service.getMetadata().getNamespace() + "-" + service.getMetadata().getName(), plan, podIpsOutsideVpc);
    return new LoadBalancerRef(lb.getLoadBalancerId(), lb.getLoadBalancerVips()[0], ensureListeners(lb.getLoadBalancerId(), service, settings),
        LoadBalancers.creationNote(lb, plan, LoadBalancers.TAG_SERVICE_UID, uid).orElse(null));
  }

  /**
   * Takes the Service's Pods off its load balancer: deletes the load balancer when clb-direct created it
   * for this Service (tags say so), otherwise deregisters the targets on the Service's listeners and
   * leaves the load balancer and its listeners as they were found.
   */
  public void release(V1Service service, ClbTargets targets) throws ClbOperationException {
    Map<String, String> annotations = service.getMetadata().getAnnotations() == null ? Map.of() : service.getMetadata().getAnnotations();
    String lbId = annotations.getOrDefault(RECORDED_LB_ANNOTATION, annotations.get(EXISTING_LB_ANNOTATION));
    LoadBalancer lb = lbId == null ? null : loadBalancers.describe(lbId);
    if (lb == null || loadBalancers.deleteIfCreatedFor(lb, LoadBalancers.TAG_SERVICE_UID, service.getMetadata().getUid())) {
      return;
    }
    List<String> listenerIds = new ArrayList<>();
    Listener[] existing = loadBalancers.listeners(lbId);
    for (V1ServicePort port : ports(service)) {
      Listener found = LoadBalancers.find(existing, protocol(port), port.getPort());
      if (found != null) {
        listenerIds.add(found.getListenerId());
      }
    }
    List<TargetChanges> changes = new ArrayList<>();
    targets.bound(lbId, listenerIds).forEach((group, bound) -> changes.add(TargetChanges.diff(group, Map.of(), bound, t -> true)));
    for (CallPlan.Call call : CallPlan.plan(changes)) {
      targets.execute(call);
    }
  }

  private Map<Integer, String> ensureListeners(String lbId, V1Service service, ListenerSettings settings) throws ClbOperationException {
    Map<Integer, String> byPort = new HashMap<>();
    Listener[] existing = loadBalancers.listeners(lbId);
    for (V1ServicePort port : ports(service)) {
      String protocol = protocol(port);
      Listener found = LoadBalancers.find(existing, protocol, port.getPort());
      if (found == null) {
        CreateListenerRequest request = new CreateListenerRequest();
        request.setLoadBalancerId(lbId);
        request.setProtocol(protocol);
        request.setPorts(new Long[] {(long) port.getPort()});
        request.setListenerNames(new String[] {LoadBalancers.truncate("clb-direct-" + service.getMetadata().getName() + "-" + port.getPort(), 80)});
        request.setHealthCheck(defaultHealthCheck());
        settings.onCreate(protocol, port.getPort(), request);
        String[] createdId = new String[1];
        loadBalancers.gateway().write("CreateListener", lbId, c -> {
          CreateListenerResponse response = c.CreateListener(request);
          createdId[0] = response.getListenerIds() == null || response.getListenerIds().length != 1 ? null : response.getListenerIds()[0];
          return response.getRequestId();
        });
        if (createdId[0] != null) {
          // The answer names the listener: no second DescribeListeners per Service (item 4 of docs/benchmarks.md).
          byPort.put(port.getPort(), createdId[0]);
          continue;
        }
        found = LoadBalancers.find(loadBalancers.listeners(lbId), protocol, port.getPort());
      } else {
        settings.reconcile(lbId, found);
      }
      if (found != null) {
        byPort.put(port.getPort(), found.getListenerId());
      }
    }
    return byPort;
  }

  private static List<V1ServicePort> ports(V1Service service) {
    return service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
  }

  private static String protocol(V1ServicePort port) {
    return port.getProtocol() == null ? "TCP" : port.getProtocol();
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
}
