package io.clbdirect.gate.controller;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import io.clbdirect.core.DirectAccessRequest;
import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.decide.DesiredBackends;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.clbdirect.gate.decide.IngressRoutes;
import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import io.clbdirect.gate.decide.RulePlan;
import io.clbdirect.gate.decide.TargetChanges;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * A direct-access Ingress: its load balancer (id in {@code kubernetes.io/ingress.qcloud-loadbalance-id},
 * VIP in its status), an HTTP listener on port 80 and one rule per host + path whose targets are the
 * Pods of the backend Service. Rules clb-direct created are listed in {@link #MANAGED_RULES_ANNOTATION}
 * and removed when the Ingress no longer has them; rules it found are used and left in place.
 */
final class IngressReconciler implements FrontendReconciler {

  /** JSON array of {@code domain/url} rules clb-direct created on the Ingress's listener. */
  static final String MANAGED_RULES_ANNOTATION = "clb-direct.io/managed-rules";

  private final SharedIndexInformer<V1Ingress> ingresses;
  private final SharedIndexInformer<V1Service> services;
  private final DirectAccessRules rules;
  private final IngressLoadBalancers loadBalancers;
  private final TkeServiceConfigInformer configs;
  private final FrontendSupport support;
  private final BooleanSupplier directAccessAvailable;
  private final BooleanSupplier podIpsOutsideVpc;

  IngressReconciler(SharedIndexInformer<V1Ingress> ingresses, SharedIndexInformer<V1Service> services, DirectAccessRules rules,
      IngressLoadBalancers loadBalancers, TkeServiceConfigInformer configs, FrontendSupport support, BooleanSupplier directAccessAvailable,
      BooleanSupplier podIpsOutsideVpc) {
    this.podIpsOutsideVpc = podIpsOutsideVpc;
    this.ingresses = ingresses;
    this.services = services;
    this.rules = rules;
    this.loadBalancers = loadBalancers;
    this.configs = configs;
    this.support = support;
    this.directAccessAvailable = directAccessAvailable;
  }

  /**
   * Pod churn reconciles often; the load balancer, listener and rules are only re-checked when the
   * Ingress's spec (generation), its load-balancer annotation or its TkeServiceConfig change.
   */
  private final Map<String, Checked> checked = new java.util.concurrent.ConcurrentHashMap<>();

  private record Checked(String fingerprint, String loadBalancerId, String vip, String listenerId, Map<RuleKey, String> locationIds) {}

  @Override
  public void reset() {
    checked.clear();
  }

  @Override
  public FrontendState reconcile(FrontendKey key) throws FrontendFailure, ClbOperationException, ApiException {
    V1Ingress ingress = ingresses.getIndexer().getByKey(key.cacheKey());
    if (ingress == null) {
      checked.remove(key.cacheKey());
      return null;
    }
    DirectAccessRequest request = rules.classify(ingress);
    boolean deleting = ingress.getMetadata().getDeletionTimestamp() != null;
    if (!deleting) {
      support.judge(ingress, request); // asked for but not servable: said once, never silently ignored
    }
    boolean wanted = request.directAccess() && !deleting;
    boolean finalized = FrontendWriter.hasFinalizer(ingress, FINALIZER);
    if (!wanted) {
      checked.remove(key.cacheKey());
      if (finalized) {
        release(ingress);
      }
      return null;
    }
    if (!support.admit(ingress, directAccessAvailable.getAsBoolean(), finalized)) {
      return null;
    }
    support.announceUnserved(ingress, FrontendAnnotations.INGRESS);
    if (ingress.getSpec() != null && ingress.getSpec().getTls() != null && !ingress.getSpec().getTls().isEmpty()) {
      support.announceOnce(ingress, "TlsNotSupported", "spec.tls is not supported by clb-direct: certificates are not uploaded "
          + "and no HTTPS listener is created; every rule is served over HTTP on port 80 only");
    }
    String ns = ingress.getMetadata().getNamespace();
    java.util.function.Function<String, V1Service> serviceByName = name -> services.getIndexer().getByKey(ns + "/" + name);
    TkeServiceConfigInformer.Lookup config = configs.forFrontend(ingress);
    boolean outsideVpc = podIpsOutsideVpc.getAsBoolean();
    FrontendAnnotations names = FrontendAnnotations.INGRESS;
    String fingerprint = ingress.getMetadata().getGeneration() + "|" + config.version() + "|"
        + annotation(ingress, names.existingLoadBalancer()) + "|" + annotation(ingress, names.internalSubnet()) + "|"
        + annotation(ingress, names.extensiveParameters()) + "|" + outsideVpc;
    Checked lb = checked.get(key.cacheKey());
    if (lb == null || !lb.fingerprint().equals(fingerprint)) {
      try {
        lb = ensure(ingress, fingerprint, config.settings(), support.plan(ingress, names, outsideVpc), outsideVpc);
      } catch (ClbOperationException e) {
        IngressRoutes routes = IngressRoutes.of(ingress, "");
        DesiredBackends waiting = DesiredBackends.ofIngress(ingress, routes, serviceByName, support::selected, null, null, Map.of());
        throw new FrontendFailure(e, new FrontendState(null, waiting.bindings(), Set.of(), e.code()));
      } catch (LoadBalancerRefused e) {
        IngressRoutes routes = IngressRoutes.of(ingress, "");
        DesiredBackends waiting = DesiredBackends.ofIngress(ingress, routes, serviceByName, support::selected, null, null, Map.of());
        throw new FrontendFailure(e, new FrontendState(null, waiting.bindings(), Set.of(), null, e.refusal()));
      }
      checked.put(key.cacheKey(), lb);
    }
    String lbId = lb.loadBalancerId();
    support.writer().annotate(ingress, Map.of(IngressLoadBalancers.RECORDED_LB_ANNOTATION, lbId));
    support.writer().setVip(ingress, lb.vip());
    IngressRoutes routes = IngressRoutes.of(ingress, lb.vip());
    if (routes.problems().isEmpty()) {
      support.resolved(ingress, "UnsupportedIngressRule");
    } else {
      support.announceOnce(ingress, "UnsupportedIngressRule", String.join("; ", routes.problems()));
    }
    Set<V1Service> backends = new LinkedHashSet<>();
    routes.routes().forEach(r -> {
      V1Service backend = serviceByName.apply(r.serviceName());
      if (backend != null) {
        backends.add(backend);
      }
    });
    List<io.kubernetes.client.openapi.models.V1Pod> selected = new ArrayList<>();
    backends.forEach(s -> selected.addAll(support.selected(s)));
    support.warnUngated(ingress, selected);
    DesiredBackends desired = DesiredBackends.ofIngress(ingress, routes, serviceByName, support::selected, lbId,
        lb.listenerId(), lb.locationIds(), support.termination(ingress, FrontendAnnotations.INGRESS));
    Set<String> quotaFull;
    try {
      quotaFull = support.converge(lbId, List.of(lb.listenerId()), desired);
    } catch (ClbOperationException e) {
      if (e.code().startsWith("InvalidParameter")) {
        checked.remove(key.cacheKey()); // the load balancer, listener or a rule is gone: the retry makes them again
      }
      throw e;
    }
    if (!quotaFull.isEmpty()) {
      support.warn(ingress, "BackendQuotaExceeded", "load balancer " + lbId + " could not take all targets on listener "
          + lb.listenerId() + " (backend quota per rule, 200 by default); the rest stay unbound");
    }
    return new FrontendState(lbId, desired.bindings(), quotaFull, null);
  }

  /** Load balancer, HTTP listener and the Ingress's rules, made to match; their ids for the target calls. */
  private Checked ensure(V1Ingress ingress, String fingerprint, ListenerSettings settings, LoadBalancerSpecs.Decision creation,
      boolean podIpsOutsideVpc) throws ClbOperationException, ApiException, LoadBalancerRefused {
    LoadBalancer lb = loadBalancers.ensureLoadBalancer(ingress, creation, podIpsOutsideVpc);
    support.loadBalancerAccepted(ingress, IngressLoadBalancers.creationNote(lb, creation, ingress));
    Listener listener = loadBalancers.ensureListener(lb.getLoadBalancerId(), ingress);
    String lbId = lb.getLoadBalancerId();
    String vip = lb.getLoadBalancerVips()[0];
    IngressRoutes routes = IngressRoutes.of(ingress, vip);
    Map<RuleKey, RuleOutput> existing = IngressLoadBalancers.rules(listener);
    Set<RuleKey> wantedRules = new LinkedHashSet<>();
    routes.routes().forEach(r -> wantedRules.add(r.rule()));
    RulePlan plan = RulePlan.of(wantedRules, existing.keySet(), managedRules(ingress));
    support.writer().annotate(ingress, Map.of(MANAGED_RULES_ANNOTATION, format(plan.managedDuring())));
    loadBalancers.createRules(lbId, listener, vip, plan.create(), settings);
    List<String> obsolete = new ArrayList<>();
    plan.delete().forEach(rule -> obsolete.add(existing.get(rule).getLocationId()));
    loadBalancers.deleteRules(lbId, listener, obsolete);
    for (RuleKey rule : wantedRules) {
      if (existing.containsKey(rule)) {
        settings.reconcile(lbId, vip, listener, existing.get(rule));
      }
    }
    if (!plan.create().isEmpty() || !plan.delete().isEmpty()) {
      listener = loadBalancers.ensureListener(lbId, ingress);
    }
    support.writer().annotate(ingress, Map.of(MANAGED_RULES_ANNOTATION, format(plan.managedAfter())));
    Map<RuleKey, String> locationIds = new HashMap<>();
    IngressLoadBalancers.rules(listener).forEach((rule, output) -> locationIds.put(rule, output.getLocationId()));
    return new Checked(fingerprint, lbId, vip, listener.getListenerId(), Map.copyOf(locationIds));
  }

  private static String annotation(V1Ingress ingress, String key) {
    return ingress.getMetadata().getAnnotations() == null ? null : ingress.getMetadata().getAnnotations().get(key);
  }

  /**
   * Deletes the load balancer when it was made for this Ingress; otherwise deletes the rules clb-direct
   * created and takes the targets off the rules it used, leaving the load balancer as it was found.
   */
  private void release(V1Ingress ingress) throws ClbOperationException, ApiException {
    LoadBalancer lb = loadBalancers.recorded(ingress);
    if (lb != null && !loadBalancers.deleteIfCreatedFor(lb, ingress)) {
      Listener listener = loadBalancers.listener(lb.getLoadBalancerId());
      if (listener != null) {
        Map<RuleKey, RuleOutput> existing = IngressLoadBalancers.rules(listener);
        Set<RuleKey> managed = managedRules(ingress);
        List<String> obsolete = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        IngressRoutes routes = IngressRoutes.of(ingress, lb.getLoadBalancerVips()[0]);
        existing.forEach((rule, output) -> {
          if (managed.contains(rule)) {
            obsolete.add(output.getLocationId());
          } else if (routes.routes().stream().anyMatch(r -> r.rule().equals(rule))) {
            used.add(output.getLocationId());
          }
        });
        List<TargetChanges> changes = new ArrayList<>();
        support.targets().bound(lb.getLoadBalancerId(), List.of(listener.getListenerId())).forEach((group, bound) -> {
          if (used.contains(group.locationId())) {
            changes.add(TargetChanges.diff(group, Map.of(), bound, t -> true));
          }
        });
        for (var call : io.clbdirect.gate.decide.CallPlan.plan(changes)) {
          support.targets().execute(call);
        }
        loadBalancers.deleteRules(lb.getLoadBalancerId(), listener, obsolete);
      }
    }
    support.writer().setFinalizer(ingress, FINALIZER, false);
    if (ingress.getMetadata().getDeletionTimestamp() == null) {
      Map<String, String> cleared = new HashMap<>();
      cleared.put(IngressLoadBalancers.RECORDED_LB_ANNOTATION, null);
      cleared.put(MANAGED_RULES_ANNOTATION, null);
      support.writer().annotate(ingress, cleared);
      support.writer().setVip(ingress, null);
    }
  }

  static Set<RuleKey> managedRules(V1Ingress ingress) {
    String recorded = ingress.getMetadata().getAnnotations() == null ? null : ingress.getMetadata().getAnnotations().get(MANAGED_RULES_ANNOTATION);
    Set<RuleKey> managed = new TreeSet<>();
    if (recorded == null || recorded.isBlank()) {
      return managed;
    }
    try {
      for (var element : JsonParser.parseString(recorded).getAsJsonArray()) {
        String text = element.getAsString();
        int slash = text.indexOf('/');
        if (slash > 0) {
          managed.add(new RuleKey(text.substring(0, slash), text.substring(slash)));
        }
      }
    } catch (RuntimeException e) {
      // Hand-edited into something unreadable: treat as empty; rules are then kept, never wrongly deleted.
      return Collections.emptySet();
    }
    return managed;
  }

  static String format(Set<RuleKey> rules) {
    JsonArray array = new JsonArray();
    new TreeSet<>(rules).forEach(rule -> array.add(rule.domain() + rule.url()));
    return array.toString();
  }
}
