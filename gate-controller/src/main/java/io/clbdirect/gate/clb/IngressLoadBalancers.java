package io.clbdirect.gate.clb;

import com.tencentcloudapi.clb.v20180317.models.CreateRuleRequest;
import com.tencentcloudapi.clb.v20180317.models.DeleteRuleRequest;
import com.tencentcloudapi.clb.v20180317.models.HealthCheck;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import com.tencentcloudapi.clb.v20180317.models.RuleInput;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.IngressRoutes;
import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.kubernetes.client.openapi.models.V1Ingress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An Ingress's load balancer, its HTTP:80 and HTTPS:443 listeners and their forwarding rules.
 * Reuses the load balancer named by {@code kubernetes.io/ingress.existLbId}, or the one recorded in
 * {@code kubernetes.io/ingress.qcloud-loadbalance-id}; creates one otherwise.
 */
public final class IngressLoadBalancers {

  public static final String EXISTING_LB_ANNOTATION =
      FrontendAnnotations.INGRESS.existingLoadBalancer();
  public static final String RECORDED_LB_ANNOTATION = "kubernetes.io/ingress.qcloud-loadbalance-id";
  public static final String PROTOCOL = "HTTP";
  public static final int PORT = 80;

  /**
   * CreateRule takes rules in one call; kept well below the per-listener rule quota (50 by
   * default).
   */
  public static final int RULES_PER_CALL = 20;

  private final LoadBalancers loadBalancers;

  public IngressLoadBalancers(LoadBalancers loadBalancers) {
    this.loadBalancers = loadBalancers;
  }

  /**
   * The recorded or named load balancer, or a new one tagged for this Ingress.
   *
   * @param plan how to create the load balancer should there be none
   * @param podIpsOutsideVpc Pod IPs come from a GlobalRouter cluster CIDR (SNAT Pro needed)
   */
  public LoadBalancer ensureLoadBalancer(
      V1Ingress ingress, LoadBalancerSpecs.Decision plan, boolean podIpsOutsideVpc)
      throws ClbOperationException, LoadBalancerRefused {
    Map<String, String> annotations =
        ingress.getMetadata().getAnnotations() == null
            ? Map.of()
            : ingress.getMetadata().getAnnotations();
    return loadBalancers.resolve(
        annotations.get(EXISTING_LB_ANNOTATION),
        EXISTING_LB_ANNOTATION,
        annotations.get(RECORDED_LB_ANNOTATION),
        LoadBalancers.TAG_INGRESS_UID,
        ingress.getMetadata().getUid(),
        ingress.getMetadata().getNamespace() + "-" + ingress.getMetadata().getName(),
        plan,
        podIpsOutsideVpc);
  }

  /**
   * @see LoadBalancers#creationNote
   */
  public static String creationNote(
      LoadBalancer lb, LoadBalancerSpecs.Decision plan, V1Ingress ingress) {
    return LoadBalancers.creationNote(
            lb, plan, LoadBalancers.TAG_INGRESS_UID, ingress.getMetadata().getUid())
        .orElse(null);
  }

  /**
   * @return the HTTP:80 listener, or null
   */
  public Listener listener(String lbId) throws ClbOperationException {
    return LoadBalancers.find(loadBalancers.listeners(lbId), PROTOCOL, PORT);
  }

  /** The listener's rules by domain + URL; none when the listener is null. */
  public static Map<RuleKey, RuleOutput> rules(Listener listener, IngressRoutes.Scheme scheme) {
    Map<RuleKey, RuleOutput> rules = new LinkedHashMap<>();
    if (listener == null || listener.getRules() == null) {
      return rules;
    }
    for (RuleOutput rule : listener.getRules()) {
      if (rule.getDomain() != null && rule.getUrl() != null) {
        rules.put(new RuleKey(scheme, rule.getDomain(), rule.getUrl()), rule);
      }
    }
    return rules;
  }

  /** The load balancer's listener for a scheme's rules (HTTP:80 or HTTPS:443), or null. */
  public static Listener listener(Listener[] listeners, IngressRoutes.Scheme scheme) {
    return LoadBalancers.find(listeners, scheme.protocol(), scheme.port());
  }

  /**
   * Creates rules with an HTTP health check on {@code /} accepting 2xx and 3xx, every 5 s, 3 to
   * flip — the frontend's settings override any of it. Rules whose domain is the VIP (host-less
   * paths) make the VIP the listener's default server, so requests for any Host reach them, as in
   * Kubernetes. An HTTPS rule carries its domain's certificate (the listener has SNI on).
   *
   * @param certificates an HTTPS rule's domain to its certificate
   */
  public void createRules(
      String lbId,
      Listener listener,
      String vip,
      Collection<RuleKey> keys,
      ListenerSettings settings,
      Function<String, ListenerCertificate> certificates)
      throws ClbOperationException {
    List<RuleKey> all = List.copyOf(keys);
    for (int start = 0; start < all.size(); start += RULES_PER_CALL) {
      List<RuleKey> chunk = all.subList(start, Math.min(all.size(), start + RULES_PER_CALL));
      CreateRuleRequest request = new CreateRuleRequest();
      request.setLoadBalancerId(lbId);
      request.setListenerId(listener.getListenerId());
      request.setRules(
          chunk.stream()
              .map(
                  key -> {
                    RuleInput input = new RuleInput();
                    input.setDomain(key.domain());
                    input.setUrl(key.url());
                    input.setHealthCheck(defaultHealthCheck());
                    if (key.domain().equals(vip)) {
                      input.setDefaultServer(true);
                    }
                    settings.onCreate(
                        key.scheme().protocol(), key.scheme().port(), vip, key, input);
                    if (key.scheme() == IngressRoutes.Scheme.HTTPS) {
                      input.setCertificate(certificates.apply(key.domain()).toInput());
                    }
                    return input;
                  })
              .toArray(RuleInput[]::new));
      loadBalancers.gateway().write("CreateRule", lbId, c -> c.CreateRule(request).getRequestId());
    }
  }

  public void deleteRules(String lbId, Listener listener, Collection<String> locationIds)
      throws ClbOperationException {
    if (locationIds.isEmpty()) {
      return;
    }
    DeleteRuleRequest request = new DeleteRuleRequest();
    request.setLoadBalancerId(lbId);
    request.setListenerId(listener.getListenerId());
    request.setLocationIds(locationIds.toArray(String[]::new));
    loadBalancers.gateway().write("DeleteRule", lbId, c -> c.DeleteRule(request).getRequestId());
  }

  /** Deletes the load balancer when it was made for this Ingress; says whether it did. */
  public boolean deleteIfCreatedFor(LoadBalancer lb, V1Ingress ingress)
      throws ClbOperationException {
    return loadBalancers.deleteIfCreatedFor(
        lb, LoadBalancers.TAG_INGRESS_UID, ingress.getMetadata().getUid());
  }

  /**
   * @return the load balancer the Ingress uses, or null
   */
  public LoadBalancer recorded(V1Ingress ingress) throws ClbOperationException {
    String lbId = recordedId(ingress);
    return lbId == null ? null : loadBalancers.describe(lbId);
  }

  private static String recordedId(V1Ingress ingress) {
    Map<String, String> annotations =
        ingress.getMetadata().getAnnotations() == null
            ? Map.of()
            : ingress.getMetadata().getAnnotations();
    return annotations.getOrDefault(
        EXISTING_LB_ANNOTATION, annotations.get(RECORDED_LB_ANNOTATION));
  }

  public static HealthCheck defaultHealthCheck() {
    HealthCheck check = ServiceLoadBalancers.defaultHealthCheck();
    check.setCheckType("HTTP");
    check.setHttpCheckPath("/");
    check.setHttpCheckMethod("GET");
    check.setHttpCode(2L | 4L);
    return check;
  }
}
