package io.clbdirect.gate.clb;

import com.tencentcloudapi.clb.v20180317.models.HealthCheck;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.Map;

/**
 * A Service's load balancer: the one named by {@code service.kubernetes.io/tke-existed-lbid}, or
 * the one clb-direct recorded in {@code service.kubernetes.io/loadbalance-id}, or one made for it.
 * Its listeners (one per Service port, TCP/UDP with a TCP health check) are made by the
 * load-balancer reconcile.
 */
public final class ServiceLoadBalancers {

  public static final String EXISTING_LB_ANNOTATION =
      FrontendAnnotations.SERVICE.existingLoadBalancer();
  public static final String RECORDED_LB_ANNOTATION = "service.kubernetes.io/loadbalance-id";

  private final LoadBalancers loadBalancers;

  public ServiceLoadBalancers(LoadBalancers loadBalancers) {
    this.loadBalancers = loadBalancers;
  }

  /**
   * @param plan how to create the load balancer should there be none
   * @param podIpsOutsideVpc Pod IPs come from a GlobalRouter cluster CIDR (SNAT Pro needed)
   */
  public LoadBalancer resolve(
      V1Service service, LoadBalancerSpecs.Decision plan, boolean podIpsOutsideVpc)
      throws ClbOperationException, LoadBalancerRefused {
    Map<String, String> annotations =
        service.getMetadata().getAnnotations() == null
            ? Map.of()
            : service.getMetadata().getAnnotations();
    return loadBalancers.resolve(
        annotations.get(EXISTING_LB_ANNOTATION),
        EXISTING_LB_ANNOTATION,
        annotations.get(RECORDED_LB_ANNOTATION),
        LoadBalancers.TAG_SERVICE_UID,
        service.getMetadata().getUid(),
        service.getMetadata().getNamespace() + "-" + service.getMetadata().getName(),
        plan,
        podIpsOutsideVpc);
  }

  /**
   * @see LoadBalancers#creationNote
   */
  public static String creationNote(
      LoadBalancer lb, LoadBalancerSpecs.Decision plan, V1Service service) {
    return LoadBalancers.creationNote(
            lb, plan, LoadBalancers.TAG_SERVICE_UID, service.getMetadata().getUid())
        .orElse(null);
  }

  /**
   * @return the load balancer, or null when there is none with that id
   */
  public LoadBalancer describe(String lbId) throws ClbOperationException {
    return loadBalancers.describe(lbId);
  }

  /** Deletes the load balancer when clb-direct made it for this Service; says whether it did. */
  public boolean deleteIfCreatedFor(LoadBalancer lb, V1Service service)
      throws ClbOperationException {
    return loadBalancers.deleteIfCreatedFor(
        lb, LoadBalancers.TAG_SERVICE_UID, service.getMetadata().getUid());
  }

  /** TCP connect checks, CLB's defaults: 2 s timeout, every 5 s, 3 to flip either way. */
  public static HealthCheck defaultHealthCheck() {
    HealthCheck check = new HealthCheck();
    check.setHealthSwitch(1L);
    check.setTimeOut(2L);
    check.setIntervalTime(5L);
    check.setHealthNum(3L);
    check.setUnHealthNum(3L);
    return check;
  }
}
