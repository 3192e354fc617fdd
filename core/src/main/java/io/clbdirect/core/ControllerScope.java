package io.clbdirect.core;

import java.util.Objects;
import java.util.Set;

/**
 * Which Services and Ingresses clb-direct acts on. A Pod may only be gated by a frontend clb-direct
 * will actually bind: gating a Pod for a Service another controller owns would hold its rollout
 * forever (the stuck-gate failure users of other controllers hit).
 *
 * @param loadBalancerClass the {@code spec.loadBalancerClass} clb-direct answers to; a Service with
 *     no class is also clb-direct's, as it is for the cluster's default load-balancer controller
 * @param ingressClasses Ingress classes clb-direct answers to ({@code spec.ingressClassName} or the
 *     {@code kubernetes.io/ingress.class} annotation)
 * @param claimClasslessIngresses whether an Ingress naming no class is clb-direct's (TKE's default)
 */
public record ControllerScope(
    String loadBalancerClass, Set<String> ingressClasses, boolean claimClasslessIngresses) {

  public static final String DEFAULT_LOAD_BALANCER_CLASS = "clb-direct.io/clb";
  public static final Set<String> DEFAULT_INGRESS_CLASSES = Set.of("qcloud");

  public ControllerScope {
    Objects.requireNonNull(loadBalancerClass, "loadBalancerClass");
    ingressClasses = Set.copyOf(ingressClasses);
  }

  public static ControllerScope defaults() {
    return new ControllerScope(DEFAULT_LOAD_BALANCER_CLASS, DEFAULT_INGRESS_CLASSES, true);
  }

  public boolean ownsLoadBalancerClass(String serviceClass) {
    return serviceClass == null || serviceClass.isEmpty() || serviceClass.equals(loadBalancerClass);
  }

  public boolean ownsIngressClass(String ingressClass) {
    if (ingressClass == null || ingressClass.isEmpty()) {
      return claimClasslessIngresses;
    }
    return ingressClasses.contains(ingressClass);
  }
}
