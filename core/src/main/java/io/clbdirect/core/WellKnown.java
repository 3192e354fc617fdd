package io.clbdirect.core;

/**
 * Names shared with TKE and with Kubernetes. They are an interface with users' manifests, so they
 * are spelled exactly as TKE documents them and never change.
 */
public final class WellKnown {

  /** On a LoadBalancer Service: the CLB binds Pod IPs directly. */
  public static final String SERVICE_DIRECT_ACCESS = "service.cloud.tencent.com/direct-access";

  /** On an Ingress: the CLB binds the backend Services' Pod IPs directly. */
  public static final String INGRESS_DIRECT_ACCESS = "ingress.cloud.tencent.com/direct-access";

  /** The readiness gate condition type clb-direct owns. */
  public static final String READINESS_GATE = "cloud.tencent.com/load-balancer-backendgroup-ready";

  /** Pod annotation that puts a Pod on an elastic network interface in a mixed cluster. */
  public static final String ENI_NETWORKS_ANNOTATION = "tke.cloud.tencent.com/networks";

  /** The only value of {@link #ENI_NETWORKS_ANNOTATION} that gives a Pod an ENI IP. */
  public static final String ENI_NETWORKS_VALUE = "tke-route-eni";

  /** Extended resource that makes the TKE device plugin hand the container an ENI IP. */
  public static final String ENI_IP_RESOURCE = "tke.cloud.tencent.com/eni-ip";

  /** ConfigMap holding TKE's service-controller switches; clb-direct only reads it. */
  public static final String TKE_CONFIG_NAMESPACE = "kube-system";

  public static final String TKE_CONFIG_NAME = "tke-service-controller-config";

  /** Key in the TKE ConfigMap that turns on direct access for GlobalRouter Pods. */
  public static final String GLOBAL_ROUTE_DIRECT_ACCESS_KEY = "GlobalRouteDirectAccess";

  /**
   * Key in the TKE ConfigMap: the cluster default for graceful deletion, which a frontend's {@code
   * enable-grace-deletion} annotation overrides either way.
   */
  public static final String POD_GRACEFUL_DELETION_KEY = "EnablePodGracefulDeletion";

  /** Legacy Ingress class annotation, still what most TKE users write. */
  public static final String INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

  /**
   * Pod annotation: {@code "false"} opts a Pod out of every mutation clb-direct makes (no readiness
   * gate, no ENI request). Named like Istio's {@code sidecar.istio.io/inject}, which users know.
   */
  public static final String POD_INJECT_ANNOTATION = "clb-direct.io/inject";

  /**
   * Pod annotation: {@code "false"} opts a gated Pod out of the preStop drain the webhook injects
   * (the gate is still added); {@code "true"} is the default. Anything else earns an admission
   * warning.
   */
  public static final String POD_DRAIN_ANNOTATION = "clb-direct.io/drain";

  private WellKnown() {}
}
