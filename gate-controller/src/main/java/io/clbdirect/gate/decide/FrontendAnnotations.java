package io.clbdirect.gate.decide;

/** TKE's load-balancer annotations, as a Service and an Ingress spell them. */
public enum FrontendAnnotations {
  SERVICE(
      "Service",
      "service.kubernetes.io/tke-existed-lbid",
      "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid",
      "service.kubernetes.io/service.extensiveParameters"),
  INGRESS(
      "Ingress",
      "kubernetes.io/ingress.existLbId",
      "kubernetes.io/ingress.subnetId",
      "kubernetes.io/ingress.extensiveParameters");

  private final String kind;
  private final String existingLoadBalancer;
  private final String internalSubnet;
  private final String extensiveParameters;

  FrontendAnnotations(
      String kind, String existingLoadBalancer, String internalSubnet, String extensiveParameters) {
    this.kind = kind;
    this.existingLoadBalancer = existingLoadBalancer;
    this.internalSubnet = internalSubnet;
    this.extensiveParameters = extensiveParameters;
  }

  public String kind() {
    return kind;
  }

  /** Names a load balancer to reuse instead of creating one. */
  public String existingLoadBalancer() {
    return existingLoadBalancer;
  }

  /** Makes the created load balancer internal, in this subnet. */
  public String internalSubnet() {
    return internalSubnet;
  }

  /** A JSON object of extra CreateLoadBalancer fields. */
  public String extensiveParameters() {
    return extensiveParameters;
  }
}
