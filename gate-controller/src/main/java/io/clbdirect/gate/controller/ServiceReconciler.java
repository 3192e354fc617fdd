package io.clbdirect.gate.controller;

import io.clbdirect.core.DirectAccessRequest;
import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.decide.DesiredBackends;
import io.clbdirect.gate.decide.FrontendAnnotations;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * A direct-access LoadBalancer Service: its load balancer and one listener per port, the id recorded in
 * {@code service.kubernetes.io/loadbalance-id} and the VIP in its status, every selected Pod bound on
 * every listener. Released (targets off, a load balancer made for it deleted) when it is deleted or
 * loses the annotation.
 */
final class ServiceReconciler implements FrontendReconciler {

  private final SharedIndexInformer<V1Service> services;
  private final DirectAccessRules rules;
  private final ServiceLoadBalancers loadBalancers;
  private final TkeServiceConfigInformer configs;
  private final FrontendSupport support;
  private final BooleanSupplier directAccessAvailable;
  private final BooleanSupplier podIpsOutsideVpc;
  /** Pod churn reconciles often; the load balancer and listeners are only re-checked when these change. */
  private final Map<String, Checked> checked = new ConcurrentHashMap<>();

  private record Checked(LoadBalancerRef loadBalancer, Set<Integer> ports, String configVersion, String planInputs) {}

  ServiceReconciler(SharedIndexInformer<V1Service> services, DirectAccessRules rules, ServiceLoadBalancers loadBalancers,
      TkeServiceConfigInformer configs, FrontendSupport support, BooleanSupplier directAccessAvailable, BooleanSupplier podIpsOutsideVpc) {
    this.podIpsOutsideVpc = podIpsOutsideVpc;
    this.services = services;
    this.rules = rules;
    this.loadBalancers = loadBalancers;
    this.configs = configs;
    this.support = support;
    this.directAccessAvailable = directAccessAvailable;
  }

  @Override
  public void reset() {
    checked.clear();
  }

  @Override
  public FrontendState reconcile(FrontendKey key) throws FrontendFailure, ClbOperationException, ApiException {
    V1Service service = services.getIndexer().getByKey(key.cacheKey());
    if (service == null) {
      checked.remove(key.cacheKey());
      return null;
    }
    DirectAccessRequest request = rules.classify(service);
    boolean deleting = service.getMetadata().getDeletionTimestamp() != null;
    if (!deleting) {
      support.judge(service, request); // asked for but not servable: said once, never silently ignored
    }
    boolean wanted = request.directAccess() && !deleting;
    boolean finalized = FrontendWriter.hasFinalizer(service, FINALIZER);
    if (!wanted) {
      checked.remove(key.cacheKey());
      if (finalized) {
        loadBalancers.release(service, support.targets());
        support.writer().setFinalizer(service, FINALIZER, false);
        if (service.getMetadata().getDeletionTimestamp() == null) {
          support.writer().annotate(service, java.util.Collections.singletonMap(ServiceLoadBalancers.RECORDED_LB_ANNOTATION, null));
          support.writer().setVip(service, null);
        }
      }
      return null;
    }
    if (!support.admit(service, directAccessAvailable.getAsBoolean(), finalized)) {
      return null;
    }
    support.announceUnserved(service, FrontendAnnotations.SERVICE);
    List<V1Pod> selected = support.selected(service);
    TkeServiceConfigInformer.Lookup config = configs.forFrontend(service);
    LoadBalancerRef lb;
    Checked previous = checked.get(key.cacheKey());
    Set<Integer> ports = ports(service);
    boolean outsideVpc = podIpsOutsideVpc.getAsBoolean();
    String planInputs = planInputs(service, outsideVpc);
    if (previous != null && previous.ports().equals(ports) && previous.configVersion().equals(config.version())
        && previous.loadBalancer().loadBalancerId().equals(recordedId(service)) && previous.planInputs().equals(planInputs)) {
      lb = previous.loadBalancer();
    } else {
      LoadBalancerSpecs.Decision plan = support.plan(service, FrontendAnnotations.SERVICE, outsideVpc);
      try {
        lb = loadBalancers.ensure(service, config.settings(), plan, outsideVpc);
      } catch (ClbOperationException e) {
        DesiredBackends waiting = DesiredBackends.of(service, selected, null, Map.of());
        throw new FrontendFailure(e, new FrontendState(null, waiting.bindings(), Set.of(), e.code()));
      } catch (LoadBalancerRefused e) {
        DesiredBackends waiting = DesiredBackends.of(service, selected, null, Map.of());
        throw new FrontendFailure(e, new FrontendState(null, waiting.bindings(), Set.of(), null, e.refusal()));
      }
      support.loadBalancerAccepted(service, lb.creationNote());
      checked.put(key.cacheKey(), new Checked(lb, ports, config.version(), planInputs));
    }
    support.writer().annotate(service, Map.of(ServiceLoadBalancers.RECORDED_LB_ANNOTATION, lb.loadBalancerId()));
    support.writer().setVip(service, lb.vip());
    support.warnUngated(service, selected);
    DesiredBackends desired = DesiredBackends.of(service, selected, lb.loadBalancerId(), lb.listenerIds(),
        support.termination(service, FrontendAnnotations.SERVICE));
    Set<String> quotaFull;
    try {
      quotaFull = support.converge(lb.loadBalancerId(), lb.listenerIds().values(), desired);
    } catch (ClbOperationException e) {
      if (e.code().startsWith("InvalidParameter.LBIdNotFound") || e.code().startsWith("InvalidParameter.ListenerIdNotFound")) {
        checked.remove(key.cacheKey()); // someone deleted them: the retry finds or creates them again
      }
      throw e;
    }
    if (!quotaFull.isEmpty()) {
      support.warn(service, "BackendQuotaExceeded", "load balancer " + lb.loadBalancerId() + " could not take all targets on listeners "
          + String.join(", ", quotaFull) + " (backend quota, 200 by default); the rest stay unbound");
    }
    return new FrontendState(lb.loadBalancerId(), desired.bindings(), quotaFull, null);
  }

  /** The annotations a load-balancer plan reads, and the network: when they change, the plan is made again. */
  private static String planInputs(V1Service service, boolean podIpsOutsideVpc) {
    Map<String, String> annotations = service.getMetadata().getAnnotations() == null ? Map.of() : service.getMetadata().getAnnotations();
    FrontendAnnotations names = FrontendAnnotations.SERVICE;
    return annotations.get(names.existingLoadBalancer()) + "|" + annotations.get(names.internalSubnet()) + "|"
        + annotations.get(names.extensiveParameters()) + "|" + podIpsOutsideVpc;
  }

  private static Set<Integer> ports(V1Service service) {
    Set<Integer> ports = new HashSet<>();
    if (service.getSpec().getPorts() != null) {
      service.getSpec().getPorts().forEach(p -> ports.add(p.getPort()));
    }
    return ports;
  }

  private static String recordedId(V1Service service) {
    Map<String, String> annotations = service.getMetadata().getAnnotations() == null ? new HashMap<>() : service.getMetadata().getAnnotations();
    return annotations.get(ServiceLoadBalancers.RECORDED_LB_ANNOTATION);
  }
}
