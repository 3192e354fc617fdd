package io.clbdirect.gate.controller;

import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import io.clbdirect.core.DirectAccessRequest;
import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.clb.LoadBalancerRefused;
import io.clbdirect.gate.clb.ServiceLoadBalancers;
import io.clbdirect.gate.decide.DesiredBackends;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.clbdirect.gate.decide.ServiceProtocols;
import io.kubernetes.client.informer.cache.Indexer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A direct-access LoadBalancer Service up to its load balancer: found or made, its id recorded in
 * {@code service.kubernetes.io/loadbalance-id} and the VIP in its status, and the Service placed on
 * it. Released when it is deleted or loses the annotation: a load balancer made for it is deleted,
 * otherwise its targets come off first (by the load balancer's reconcile).
 */
final class ServiceReconciler implements FrontendReconciler {

  private final Indexer<V1Service> services;
  private final DirectAccessRules rules;
  private final ServiceLoadBalancers loadBalancers;
  private final Placements placements;
  private final Consumer<String> loadBalancerChanged;
  private final FrontendSupport support;
  private final BooleanSupplier directAccessAvailable;
  private final BooleanSupplier podIpsOutsideVpc;

  /** The load balancer is looked up again only when what the lookup reads changes. */
  private final Map<String, Found> found = new ConcurrentHashMap<>();

  private record Found(String inputs, String loadBalancerId, String vip) {}

  /**
   * @param loadBalancerChanged asks for the reconcile of a load balancer (by id)
   */
  ServiceReconciler(
      Indexer<V1Service> services,
      DirectAccessRules rules,
      ServiceLoadBalancers loadBalancers,
      Placements placements,
      Consumer<String> loadBalancerChanged,
      FrontendSupport support,
      BooleanSupplier directAccessAvailable,
      BooleanSupplier podIpsOutsideVpc) {
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
    V1Service service = services.getByKey(key.cacheKey());
    if (service == null) {
      found.remove(key.cacheKey());
      unplace(key);
      return Outcome.GONE;
    }
    DirectAccessRequest request = rules.classify(service);
    boolean deleting = service.getMetadata().getDeletionTimestamp() != null;
    if (!deleting) {
      support.judge(
          service, request); // asked for but not servable: said once, never silently ignored
    }
    boolean finalized = FrontendWriter.hasFinalizer(service, FINALIZER);
    if (!request.directAccess() || deleting) {
      found.remove(key.cacheKey());
      return finalized ? release(key, service) : unplace(key);
    }
    if (!support.admit(service, directAccessAvailable.getAsBoolean(), finalized)) {
      unplace(key);
      return Outcome.GONE;
    }
    support.announceUnserved(service, FrontendAnnotations.SERVICE);
    announceProtocols(service);
    List<V1Pod> selected = support.selected(service);
    boolean outsideVpc = podIpsOutsideVpc.getAsBoolean();
    String inputs = lookupInputs(service, outsideVpc);
    Found lb = found.get(key.cacheKey());
    String recorded =
        service.getMetadata().getAnnotations() == null
            ? null
            : service
                .getMetadata()
                .getAnnotations()
                .get(ServiceLoadBalancers.RECORDED_LB_ANNOTATION);
    if (lb == null
        || !lb.inputs().equals(inputs)
        || recorded != null && !recorded.equals(lb.loadBalancerId())) {
      LoadBalancerSpecs.Decision plan =
          support.plan(service, FrontendAnnotations.SERVICE, outsideVpc);
      LoadBalancer resolved;
      try {
        resolved = loadBalancers.resolve(service, plan, outsideVpc);
      } catch (ClbOperationException e) {
        unplace(key);
        DesiredBackends waiting = DesiredBackends.of(service, selected, null, Map.of());
        throw new FrontendFailure(
            e, new FrontendState(null, waiting.bindings(), Set.of(), e.code()));
      } catch (LoadBalancerRefused e) {
        unplace(key);
        DesiredBackends waiting = DesiredBackends.of(service, selected, null, Map.of());
        throw new FrontendFailure(
            e,
            new FrontendState(
                null,
                waiting.bindings(),
                Set.of(),
                null,
                new FrontendState.Refusal(e.gateState(), e.getMessage())));
      }
      support.loadBalancerAccepted(
          service, ServiceLoadBalancers.creationNote(resolved, plan, service));
      lb = new Found(inputs, resolved.getLoadBalancerId(), resolved.getLoadBalancerVips()[0]);
      found.put(key.cacheKey(), lb);
    }
    support
        .writer()
        .annotate(
            service, Map.of(ServiceLoadBalancers.RECORDED_LB_ANNOTATION, lb.loadBalancerId()));
    support.writer().setVip(service, lb.vip());
    support.warnUngated(service, selected);
    String before = placements.place(key, lb.loadBalancerId(), lb.vip());
    if (before != null) {
      loadBalancerChanged.accept(before);
    }
    loadBalancerChanged.accept(lb.loadBalancerId());
    return Outcome.PLACED;
  }

  /**
   * Takes the Service's Pods off its load balancer: deletes the load balancer when clb-direct
   * created it for this Service (tags say so); otherwise its load balancer's reconcile deregisters
   * the targets on the Service's listeners, leaving the load balancer and its listeners as they
   * were found. The finalizer goes once that is done.
   */
  private Outcome release(FrontendKey key, V1Service service)
      throws ClbOperationException, ApiException {
    Map<String, String> annotations =
        service.getMetadata().getAnnotations() == null
            ? Map.of()
            : service.getMetadata().getAnnotations();
    String lbId =
        annotations.getOrDefault(
            ServiceLoadBalancers.RECORDED_LB_ANNOTATION,
            annotations.get(ServiceLoadBalancers.EXISTING_LB_ANNOTATION));
    if (lbId != null && !placements.released(key)) {
      LoadBalancer lb = loadBalancers.describe(lbId);
      if (lb != null && !loadBalancers.deleteIfCreatedFor(lb, service)) {
        placements.release(
            key, lbId, lb.getLoadBalancerVips() == null ? null : lb.getLoadBalancerVips()[0]);
        loadBalancerChanged.accept(lbId);
        return Outcome.RELEASING;
      }
    }
    Placements.Placement gone = placements.remove(key);
    if (gone != null) {
      loadBalancerChanged.accept(gone.loadBalancerId());
    }
    if (service.getMetadata().getDeletionTimestamp() == null) {
      support
          .writer()
          .annotate(
              service, Collections.singletonMap(ServiceLoadBalancers.RECORDED_LB_ANNOTATION, null));
      support.writer().setVip(service, null);
    }
    support
        .writer()
        .setFinalizer(service, FINALIZER, false); // last: its removal says the release is complete
    return Outcome.GONE;
  }

  private Outcome unplace(FrontendKey key) {
    Placements.Placement gone = placements.remove(key);
    if (gone != null) {
      loadBalancerChanged.accept(gone.loadBalancerId());
    }
    return Outcome.GONE;
  }

  /**
   * What the lookup reads besides the recorded id: the annotations naming or shaping the load
   * balancer, and the network.
   */
  private static String lookupInputs(V1Service service, boolean podIpsOutsideVpc) {
    Map<String, String> annotations =
        service.getMetadata().getAnnotations() == null
            ? new HashMap<>()
            : service.getMetadata().getAnnotations();
    FrontendAnnotations names = FrontendAnnotations.SERVICE;
    return annotations.get(names.existingLoadBalancer())
        + "|"
        + annotations.get(names.internalSubnet())
        + "|"
        + annotations.get(names.extensiveParameters())
        + "|"
        + podIpsOutsideVpc;
  }

  /** What specify-protocol asks that is not served, and TCP_SSL ports without a certificate. */
  private void announceProtocols(V1Service service) {
    ServiceProtocols protocols = ServiceProtocols.of(service);
    if (protocols.problems().isEmpty()) {
      support.resolved(service, PROTOCOL_NOT_SERVED);
    } else {
      support.announceOnce(service, PROTOCOL_NOT_SERVED, String.join("; ", protocols.problems()));
    }
    List<String> missing = new ArrayList<>();
    for (V1ServicePort port : LoadBalancerReconciler.ports(service)) {
      String secret = protocols.tlsSecret(port.getPort());
      String problem =
          secret == null
              ? null
              : support.certificates().problem(service.getMetadata().getNamespace(), secret);
      if (problem != null) {
        missing.add(
            "TCP_SSL port " + port.getPort() + " has no certificate: " + problem + "; not served");
      }
    }
    if (missing.isEmpty()) {
      support.resolved(service, IngressReconciler.CERTIFICATE_MISSING);
    } else {
      support.announceOnce(
          service, IngressReconciler.CERTIFICATE_MISSING, String.join("; ", missing));
    }
  }

  /** The Warning Event for a specify-protocol the Service's listeners do not follow. */
  static final String PROTOCOL_NOT_SERVED = "ProtocolNotServed";
}
