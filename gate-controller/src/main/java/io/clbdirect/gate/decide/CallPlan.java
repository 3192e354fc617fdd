package io.clbdirect.gate.decide;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the changes of many backend groups into as few CLB calls as the per-call limits allow, per
 * load balancer: BatchRegisterTargets / BatchDeregisterTargets take up to 500 targets across
 * listeners of one load balancer; BatchModifyTargetWeight takes up to 500 (50 per group entry).
 * Pure.
 */
public final class CallPlan {

  public static final int BATCH_TARGETS = 500;
  public static final int WEIGHT_TARGETS_PER_RULE = 50;

  /** One target of a batch call, in a group. */
  public record Item(BackendGroup group, TargetAddress target, int weight) {}

  /** The batch actions a plan uses, named as the API names them. */
  public enum Action {
    BatchRegisterTargets,
    BatchModifyTargetWeight,
    BatchDeregisterTargets
  }

  /** One call to one load balancer. */
  public record Call(Action action, String loadBalancerId, List<Item> items) {}

  private CallPlan() {}

  /**
   * Calls in a safe order per load balancer: register first (new Pods receive traffic before old
   * ones leave), then weight changes, then deregistration.
   */
  public static List<Call> plan(Collection<TargetChanges> changes) {
    Map<String, List<TargetChanges>> byLoadBalancer = new LinkedHashMap<>();
    changes.stream()
        .filter(c -> !c.isEmpty())
        .sorted(
            java.util.Comparator.comparing((TargetChanges c) -> c.group().loadBalancerId())
                .thenComparing(c -> c.group().listenerId())
                .thenComparing(c -> String.valueOf(c.group().locationId())))
        .forEach(
            c ->
                byLoadBalancer
                    .computeIfAbsent(c.group().loadBalancerId(), k -> new ArrayList<>())
                    .add(c));
    List<Call> calls = new ArrayList<>();
    byLoadBalancer.forEach(
        (lb, groups) -> {
          List<Item> register = new ArrayList<>();
          List<Item> reweight = new ArrayList<>();
          List<Item> deregister = new ArrayList<>();
          for (TargetChanges change : groups) {
            change.register().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> register.add(new Item(change.group(), e.getKey(), e.getValue())));
            change.reweight().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> reweight.add(new Item(change.group(), e.getKey(), e.getValue())));
            change.deregister().forEach(t -> deregister.add(new Item(change.group(), t, 0)));
          }
          chunk(Action.BatchRegisterTargets, lb, register, calls);
          chunkWeights(lb, reweight, calls);
          chunk(Action.BatchDeregisterTargets, lb, deregister, calls);
        });
    return calls;
  }

  private static void chunk(Action action, String lb, List<Item> items, List<Call> calls) {
    for (int start = 0; start < items.size(); start += BATCH_TARGETS) {
      calls.add(
          new Call(
              action,
              lb,
              List.copyOf(items.subList(start, Math.min(items.size(), start + BATCH_TARGETS)))));
    }
  }

  /** BatchModifyTargetWeight: at most 500 targets per call and 50 per (group, weight) entry. */
  private static void chunkWeights(String lb, List<Item> items, List<Call> calls) {
    List<Item> current = new ArrayList<>();
    for (Item item : items) {
      if (current.size() == BATCH_TARGETS) {
        calls.add(new Call(Action.BatchModifyTargetWeight, lb, List.copyOf(current)));
        current.clear();
      }
      current.add(item);
    }
    if (!current.isEmpty()) {
      calls.add(new Call(Action.BatchModifyTargetWeight, lb, List.copyOf(current)));
    }
  }

  /** The lower bound a planner can reach: ceil(targets / 500) per action and load balancer. */
  public static int minimumCalls(int targets) {
    return (targets + BATCH_TARGETS - 1) / BATCH_TARGETS;
  }
}
