package io.clbdirect.gate.clb;

import com.tencentcloudapi.clb.v20180317.models.Backend;
import com.tencentcloudapi.clb.v20180317.models.BatchDeregisterTargetsRequest;
import com.tencentcloudapi.clb.v20180317.models.BatchModifyTargetWeightRequest;
import com.tencentcloudapi.clb.v20180317.models.BatchRegisterTargetsRequest;
import com.tencentcloudapi.clb.v20180317.models.BatchTarget;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeTargetHealthRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeTargetsRequest;
import com.tencentcloudapi.clb.v20180317.models.ListenerBackend;
import com.tencentcloudapi.clb.v20180317.models.ListenerHealth;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancerHealth;
import com.tencentcloudapi.clb.v20180317.models.RsWeightRule;
import com.tencentcloudapi.clb.v20180317.models.RuleHealth;
import com.tencentcloudapi.clb.v20180317.models.RuleTargets;
import com.tencentcloudapi.clb.v20180317.models.Target;
import com.tencentcloudapi.clb.v20180317.models.TargetHealth;
import io.clbdirect.gate.decide.BackendGroup;
import io.clbdirect.gate.decide.CallPlan;
import io.clbdirect.gate.decide.HealthState;
import io.clbdirect.gate.decide.TargetAddress;
import io.clbdirect.runtime.CrashPoints;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Targets and their health in the decision model's terms, and call plans carried out. The CLB edge.
 */
public final class ClbTargets {

  /** DescribeTargetHealth takes at most 30 load balancers per call. */
  public static final int HEALTH_BATCH = 30;

  private final ClbGateway clb;

  public ClbTargets(ClbGateway clb) {
    this.clb = clb;
  }

  /**
   * Bound ENI targets of the given listeners, with weights: per L4 listener, or per rule of an L7
   * one.
   */
  public Map<BackendGroup, Map<TargetAddress, Integer>> bound(
      String lbId, Collection<String> listenerIds) throws ClbOperationException {
    Map<BackendGroup, Map<TargetAddress, Integer>> bound = new HashMap<>();
    if (listenerIds.isEmpty()) {
      return bound;
    }
    List<String> ids = List.copyOf(listenerIds);
    for (int start = 0; start < ids.size(); start += 20) {
      DescribeTargetsRequest request = new DescribeTargetsRequest();
      request.setLoadBalancerId(lbId);
      request.setListenerIds(
          ids.subList(start, Math.min(ids.size(), start + 20)).toArray(String[]::new));
      ListenerBackend[] listeners =
          clb.call("DescribeTargets", c -> c.DescribeTargets(request)).getListeners();
      for (ListenerBackend listener : listeners == null ? new ListenerBackend[0] : listeners) {
        if (listener.getRules() != null) {
          for (RuleTargets rule : listener.getRules()) {
            putEni(
                bound.computeIfAbsent(
                    new BackendGroup(lbId, listener.getListenerId(), rule.getLocationId()),
                    g -> new HashMap<>()),
                rule.getTargets());
          }
        } else {
          putEni(
              bound.computeIfAbsent(
                  new BackendGroup(lbId, listener.getListenerId(), null), g -> new HashMap<>()),
              listener.getTargets());
        }
      }
    }
    return bound;
  }

  private static void putEni(Map<TargetAddress, Integer> targets, Backend[] backends) {
    for (Backend backend : backends == null ? new Backend[0] : backends) {
      if (backend.getPrivateIpAddresses() != null
          && backend.getPrivateIpAddresses().length > 0
          && "ENI".equalsIgnoreCase(backend.getType())) {
        targets.put(
            new TargetAddress(backend.getPrivateIpAddresses()[0], backend.getPort().intValue()),
            backend.getWeight() == null ? 10 : backend.getWeight().intValue());
      }
    }
  }

  /**
   * What one health read found.
   *
   * @param missing load balancers that no longer exist (deleted out of band): their frontends must
   *     be reconciled
   */
  public record HealthRead(
      Map<BackendGroup, Map<TargetAddress, HealthState>> health, Set<String> missing) {}

  /**
   * Health of every target of the given load balancers, 30 per call. A load balancer deleted out of
   * band fails the whole call ({@code InvalidParameter.LBIdNotFound}); the batch is then read again
   * without it, so one deleted load balancer never blinds the health of all the others.
   */
  public HealthRead health(Collection<String> lbIds) throws ClbOperationException {
    Map<BackendGroup, Map<TargetAddress, HealthState>> health = new HashMap<>();
    Set<String> missing = new TreeSet<>();
    List<String> ids = List.copyOf(lbIds);
    for (int start = 0; start < ids.size(); start += HEALTH_BATCH) {
      List<String> batch =
          new ArrayList<>(ids.subList(start, Math.min(ids.size(), start + HEALTH_BATCH)));
      LoadBalancerHealth[] lbs;
      try {
        lbs = readHealth(batch);
      } catch (ClbOperationException e) {
        if (!e.code().startsWith("InvalidParameter.LBIdNotFound")) {
          throw e;
        }
        Set<String> existing = existing(batch);
        batch.stream().filter(id -> !existing.contains(id)).forEach(missing::add);
        batch.retainAll(existing);
        lbs = batch.isEmpty() ? new LoadBalancerHealth[0] : readHealth(batch);
      }
      for (LoadBalancerHealth lb : lbs == null ? new LoadBalancerHealth[0] : lbs) {
        for (ListenerHealth listener :
            lb.getListeners() == null ? new ListenerHealth[0] : lb.getListeners()) {
          // L4 listeners report their targets through one rule too, with no URL: the group is the
          // listener.
          boolean layer7 =
              "HTTP".equals(listener.getProtocol()) || "HTTPS".equals(listener.getProtocol());
          for (RuleHealth rule :
              listener.getRules() == null ? new RuleHealth[0] : listener.getRules()) {
            Map<TargetAddress, HealthState> targets =
                health.computeIfAbsent(
                    new BackendGroup(
                        lb.getLoadBalancerId(),
                        listener.getListenerId(),
                        layer7 ? rule.getLocationId() : null),
                    g -> new HashMap<>());
            for (TargetHealth target :
                rule.getTargets() == null ? new TargetHealth[0] : rule.getTargets()) {
              if (target.getIP() != null && target.getPort() != null) {
                targets.put(
                    new TargetAddress(target.getIP(), target.getPort().intValue()),
                    HealthState.of(target.getHealthStatusDetail(), target.getHealthStatus()));
              }
            }
          }
        }
      }
    }
    return new HealthRead(health, missing);
  }

  private LoadBalancerHealth[] readHealth(List<String> lbIds) throws ClbOperationException {
    DescribeTargetHealthRequest request = new DescribeTargetHealthRequest();
    request.setLoadBalancerIds(lbIds.toArray(String[]::new));
    return clb.call("DescribeTargetHealth", c -> c.DescribeTargetHealth(request))
        .getLoadBalancers();
  }

  /** Which of these load balancers exist, 20 per DescribeLoadBalancers. */
  private Set<String> existing(List<String> lbIds) throws ClbOperationException {
    Set<String> existing = new HashSet<>();
    for (int start = 0; start < lbIds.size(); start += 20) {
      DescribeLoadBalancersRequest request = new DescribeLoadBalancersRequest();
      request.setLoadBalancerIds(
          lbIds.subList(start, Math.min(lbIds.size(), start + 20)).toArray(String[]::new));
      request.setLimit(20L);
      LoadBalancer[] found =
          clb.call("DescribeLoadBalancers", c -> c.DescribeLoadBalancers(request))
              .getLoadBalancerSet();
      for (LoadBalancer lb : found == null ? new LoadBalancer[0] : found) {
        existing.add(lb.getLoadBalancerId());
      }
    }
    return existing;
  }

  /** Carries out one planned call; the batch actions answer synchronously. */
  public List<String> execute(CallPlan.Call call) throws ClbOperationException {
    // A switch expression: the compiler checks that every planned action is carried out.
    return switch (call.action()) {
      case BatchRegisterTargets -> {
        BatchRegisterTargetsRequest request = new BatchRegisterTargetsRequest();
        request.setLoadBalancerId(call.loadBalancerId());
        request.setTargets(
            call.items().stream().map(ClbTargets::batchTarget).toArray(BatchTarget[]::new));
        String[] failedListeners =
            clb.writeNow(
                    call.action().name(),
                    call.loadBalancerId(),
                    c -> c.BatchRegisterTargets(request))
                .getFailListenerIdSet();
        // The fault tests crash here: bound on the CLB, not yet recorded as applied.
        CrashPoints.reached(CrashPoints.AFTER_BATCH_REGISTER_TARGETS);
        yield failed(failedListeners);
      }
      case BatchDeregisterTargets -> {
        BatchDeregisterTargetsRequest request = new BatchDeregisterTargetsRequest();
        request.setLoadBalancerId(call.loadBalancerId());
        request.setTargets(
            call.items().stream().map(ClbTargets::batchTarget).toArray(BatchTarget[]::new));
        yield failed(
            clb.writeNow(
                    call.action().name(),
                    call.loadBalancerId(),
                    c -> c.BatchDeregisterTargets(request))
                .getFailListenerIdSet());
      }
      case BatchModifyTargetWeight -> {
        BatchModifyTargetWeightRequest request = new BatchModifyTargetWeightRequest();
        request.setLoadBalancerId(call.loadBalancerId());
        request.setModifyList(weightRules(call.items()));
        clb.write(
            call.action().name(),
            call.loadBalancerId(),
            c -> c.BatchModifyTargetWeight(request).getRequestId());
        yield List.of();
      }
    };
  }

  private static List<String> failed(String[] listenerIds) {
    return listenerIds == null ? List.of() : List.of(listenerIds);
  }

  private static BatchTarget batchTarget(CallPlan.Item item) {
    BatchTarget target = new BatchTarget();
    target.setListenerId(item.group().listenerId());
    target.setLocationId(item.group().locationId());
    target.setEniIp(item.target().ip());
    target.setPort((long) item.target().port());
    target.setWeight((long) item.weight());
    return target;
  }

  /** Groups by (listener, weight), at most 50 targets per rule entry. */
  private static RsWeightRule[] weightRules(List<CallPlan.Item> items) {
    Map<String, List<CallPlan.Item>> byGroupAndWeight = new LinkedHashMap<>();
    for (CallPlan.Item item : items) {
      byGroupAndWeight
          .computeIfAbsent(
              item.group().listenerId() + "|" + item.group().locationId() + "|" + item.weight(),
              k -> new ArrayList<>())
          .add(item);
    }
    List<RsWeightRule> rules = new ArrayList<>();
    for (List<CallPlan.Item> group : byGroupAndWeight.values()) {
      for (int start = 0; start < group.size(); start += CallPlan.WEIGHT_TARGETS_PER_RULE) {
        List<CallPlan.Item> chunk =
            group.subList(start, Math.min(group.size(), start + CallPlan.WEIGHT_TARGETS_PER_RULE));
        RsWeightRule rule = new RsWeightRule();
        rule.setListenerId(chunk.get(0).group().listenerId());
        rule.setLocationId(chunk.get(0).group().locationId());
        rule.setWeight((long) chunk.get(0).weight());
        rule.setTargets(
            chunk.stream()
                .map(
                    i -> {
                      Target target = new Target();
                      target.setEniIp(i.target().ip());
                      target.setPort((long) i.target().port());
                      target.setWeight((long) i.weight());
                      return target;
                    })
                .toArray(Target[]::new));
        rules.add(rule);
      }
    }
    return rules.toArray(RsWeightRule[]::new);
  }
}
