package io.clbdirect.gate.controller;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import io.clbdirect.core.DirectAccessRequest;
import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.clb.IngressLoadBalancers;
import io.clbdirect.gate.clb.LoadBalancerRefused;
import io.clbdirect.gate.decide.DesiredBackends;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.IngressRoutes;
import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.kubernetes.client.informer.cache.Indexer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A direct-access Ingress up to its load balancer: found or made (id in {@code
 * kubernetes.io/ingress.qcloud-loadbalance-id}, VIP in its status) and the Ingress placed on it.
 * Its HTTP:80 and HTTPS:443 listeners and one rule per host + path are made by {@link
 * LoadBalancerReconciler}; rules clb-direct created are listed in {@link #MANAGED_RULES_ANNOTATION}
 * and removed when the Ingress no longer has them; rules it found are used and left in place.
 */
final class IngressReconciler implements FrontendReconciler {

  /**
   * JSON array of the rules clb-direct created on the Ingress's listeners: {@code domain/url} on
   * HTTP:80, {@code https://domain/url} on HTTPS:443.
   */
  static final String MANAGED_RULES_ANNOTATION = "clb-direct.io/managed-rules";

  /** The Warning Event naming HTTPS hosts served without a certificate: not served at all. */
  static final String CERTIFICATE_MISSING = "CertificateMissing";

  private final Indexer<V1Ingress> ingresses;
  private final Indexer<V1Service> services;
  private final DirectAccessRules rules;
  private final IngressLoadBalancers loadBalancers;
  private final Placements placements;
  private final Consumer<String> loadBalancerChanged;
  private final FrontendSupport support;
  private final BooleanSupplier directAccessAvailable;
  private final BooleanSupplier podIpsOutsideVpc;

  /** The load balancer is looked up again only when what the lookup reads changes. */
  private final Map<String, Found> found = new ConcurrentHashMap<>();

  private record Found(String inputs, String loadBalancerId, String vip) {}

  IngressReconciler(
      Indexer<V1Ingress> ingresses,
      Indexer<V1Service> services,
      DirectAccessRules rules,
      IngressLoadBalancers loadBalancers,
      Placements placements,
      Consumer<String> loadBalancerChanged,
      FrontendSupport support,
      BooleanSupplier directAccessAvailable,
      BooleanSupplier podIpsOutsideVpc) {
    this.ingresses = ingresses;
    this.services = services;
    this.rules = rules;
    this.loadBalancers = loadBalancers;
    this.placements = placements;
    this.loadBalancerChanged = loadBalancerChanged;
    this.support = support;
    this.directAccessAvailable = directAccessAvailable;
    this.podIpsOutsideVpc = podIpsOutsideVpc;
  }

  @Override
  public void reset() {
    found.clear();
  }

  @Override
  public void forgetLookup(FrontendKey key) {
    found.remove(key.cacheKey());
  }

  @Override
  public Outcome reconcile(FrontendKey key)
      throws FrontendFailure, ClbOperationException, ApiException {
    V1Ingress ingress = ingresses.getByKey(key.cacheKey());
    if (ingress == null) {
      found.remove(key.cacheKey());
      return unplace(key);
    }
    DirectAccessRequest request = rules.classify(ingress);
    boolean deleting = ingress.getMetadata().getDeletionTimestamp() != null;
    if (!deleting) {
      support.judge(
          ingress, request); // asked for but not servable: said once, never silently ignored
    }
    boolean finalized = FrontendWriter.hasFinalizer(ingress, FINALIZER);
    if (!request.directAccess() || deleting) {
      found.remove(key.cacheKey());
      return finalized ? release(key, ingress) : unplace(key);
    }
    if (!support.admit(ingress, directAccessAvailable.getAsBoolean(), finalized)) {
      return unplace(key);
    }
    support.announceUnserved(ingress, FrontendAnnotations.INGRESS);
    String ns = ingress.getMetadata().getNamespace();
    Function<String, V1Service> serviceByName = name -> services.getByKey(ns + "/" + name);
    boolean outsideVpc = podIpsOutsideVpc.getAsBoolean();
    FrontendAnnotations names = FrontendAnnotations.INGRESS;
    String inputs =
        annotation(ingress, names.existingLoadBalancer())
            + "|"
            + annotation(ingress, names.internalSubnet())
            + "|"
            + annotation(ingress, names.extensiveParameters())
            + "|"
            + outsideVpc;
    String recorded = annotation(ingress, IngressLoadBalancers.RECORDED_LB_ANNOTATION);
    Found lb = found.get(key.cacheKey());
    if (lb == null
        || !lb.inputs().equals(inputs)
        || recorded != null && !recorded.equals(lb.loadBalancerId())) {
      LoadBalancerSpecs.Decision creation = support.plan(ingress, names, outsideVpc);
      LoadBalancer resolved;
      try {
        resolved = loadBalancers.ensureLoadBalancer(ingress, creation, outsideVpc);
      } catch (ClbOperationException e) {
        unplace(key);
        throw new FrontendFailure(
            e, new FrontendState(null, waiting(ingress, serviceByName), Set.of(), e.code()));
      } catch (LoadBalancerRefused e) {
        unplace(key);
        throw new FrontendFailure(
            e,
            new FrontendState(
                null,
                waiting(ingress, serviceByName),
                Set.of(),
                null,
                new FrontendState.Refusal(e.gateState(), e.getMessage())));
      }
      support.loadBalancerAccepted(
          ingress, IngressLoadBalancers.creationNote(resolved, creation, ingress));
      lb = new Found(inputs, resolved.getLoadBalancerId(), resolved.getLoadBalancerVips()[0]);
      found.put(key.cacheKey(), lb);
    }
    support
        .writer()
        .annotate(
            ingress, Map.of(IngressLoadBalancers.RECORDED_LB_ANNOTATION, lb.loadBalancerId()));
    support.writer().setVip(ingress, lb.vip());
    IngressRoutes routes = support.routes(ingress, lb.vip());
    if (routes.problems().isEmpty()) {
      support.resolved(ingress, "UnsupportedIngressRule");
    } else {
      support.announceOnce(ingress, "UnsupportedIngressRule", String.join("; ", routes.problems()));
    }
    if (routes.certificateProblems().isEmpty()) {
      support.resolved(ingress, CERTIFICATE_MISSING);
    } else {
      support.announceOnce(
          ingress, CERTIFICATE_MISSING, String.join("; ", routes.certificateProblems()));
    }
    Set<V1Service> backends = new LinkedHashSet<>();
    routes
        .routes()
        .forEach(
            r -> {
              V1Service backend = serviceByName.apply(r.serviceName());
              if (backend != null) {
                backends.add(backend);
              }
            });
    List<V1Pod> selected = new ArrayList<>();
    backends.forEach(s -> selected.addAll(support.selected(s)));
    support.warnUngated(ingress, selected);
    String before = placements.place(key, lb.loadBalancerId(), lb.vip());
    if (before != null) {
      loadBalancerChanged.accept(before);
    }
    loadBalancerChanged.accept(lb.loadBalancerId());
    return Outcome.PLACED;
  }

  private java.util.Map<String, List<io.clbdirect.gate.decide.Binding>> waiting(
      V1Ingress ingress, Function<String, V1Service> serviceByName) {
    return DesiredBackends.ofIngress(
            ingress,
            IngressRoutes.of(ingress, ""),
            serviceByName,
            support::selected,
            null,
            Map.of(),
            Map.of())
        .bindings();
  }

  private static String annotation(V1Ingress ingress, String key) {
    return ingress.getMetadata().getAnnotations() == null
        ? null
        : ingress.getMetadata().getAnnotations().get(key);
  }

  /**
   * Deletes the load balancer when it was made for this Ingress; otherwise its load balancer's
   * reconcile deletes the rules clb-direct created and takes the targets off the rules it used,
   * leaving the load balancer as it was found. The finalizer goes once that is done.
   */
  private Outcome release(FrontendKey key, V1Ingress ingress)
      throws ClbOperationException, ApiException {
    if (!placements.released(key)) {
      LoadBalancer lb = loadBalancers.recorded(ingress);
      if (lb != null && !loadBalancers.deleteIfCreatedFor(lb, ingress)) {
        placements.release(
            key,
            lb.getLoadBalancerId(),
            lb.getLoadBalancerVips() == null ? null : lb.getLoadBalancerVips()[0]);
        loadBalancerChanged.accept(lb.getLoadBalancerId());
        return Outcome.RELEASING;
      }
    }
    unplace(key);
    if (ingress.getMetadata().getDeletionTimestamp() == null) {
      Map<String, String> cleared = new HashMap<>();
      cleared.put(IngressLoadBalancers.RECORDED_LB_ANNOTATION, null);
      cleared.put(MANAGED_RULES_ANNOTATION, null);
      support.writer().annotate(ingress, cleared);
      support.writer().setVip(ingress, null);
    }
    support
        .writer()
        .setFinalizer(ingress, FINALIZER, false); // last: its removal says the release is complete
    return Outcome.GONE;
  }

  private Outcome unplace(FrontendKey key) {
    Placements.Placement gone = placements.remove(key);
    if (gone != null) {
      loadBalancerChanged.accept(gone.loadBalancerId());
    }
    return Outcome.GONE;
  }

  static Set<RuleKey> managedRules(V1Ingress ingress) {
    String recorded =
        ingress.getMetadata().getAnnotations() == null
            ? null
            : ingress.getMetadata().getAnnotations().get(MANAGED_RULES_ANNOTATION);
    Set<RuleKey> managed = new TreeSet<>();
    if (recorded == null || recorded.isBlank()) {
      return managed;
    }
    try {
      for (var element : JsonParser.parseString(recorded).getAsJsonArray()) {
        RuleKey rule = RuleKey.parse(element.getAsString());
        if (rule != null) {
          managed.add(rule);
        }
      }
    } catch (RuntimeException e) {
      // Hand-edited into something unreadable: treat as empty; rules are then kept, never wrongly
      // deleted.
      return Collections.emptySet();
    }
    return managed;
  }

  static String format(Set<RuleKey> rules) {
    JsonArray array = new JsonArray();
    new TreeSet<>(rules).forEach(rule -> array.add(rule.toString()));
    return array.toString();
  }
}
