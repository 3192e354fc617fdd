package io.clbdirect.gate.decide;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What must change in one backend group to reach the desired targets. Pure and deterministic
 * (sorted), so the same state always yields the same calls.
 *
 * @param register targets to add, with their weights
 * @param deregister targets to remove
 * @param reweight bound targets whose weight must change
 */
public record TargetChanges(
    BackendGroup group,
    Map<TargetAddress, Integer> register,
    List<TargetAddress> deregister,
    Map<TargetAddress, Integer> reweight) {

  public TargetChanges {
    register = Map.copyOf(register);
    deregister = List.copyOf(deregister);
    reweight = Map.copyOf(reweight);
  }

  /**
   * @param desired every target the group should hold, with its weight
   * @param actual every target the CLB reports, with its weight
   * @param owned whether clb-direct may remove a target it finds (targets someone else registered
   *     on a shared listener are never touched)
   */
  public static TargetChanges diff(
      BackendGroup group,
      Map<TargetAddress, Integer> desired,
      Map<TargetAddress, Integer> actual,
      java.util.function.Predicate<TargetAddress> owned) {
    Map<TargetAddress, Integer> register = new TreeMap<>();
    Map<TargetAddress, Integer> reweight = new TreeMap<>();
    desired.forEach(
        (target, weight) -> {
          Integer bound = actual.get(target);
          if (bound == null) {
            register.put(target, weight);
          } else if (!bound.equals(weight)) {
            reweight.put(target, weight);
          }
        });
    List<TargetAddress> deregister =
        actual.keySet().stream()
            .filter(target -> !desired.containsKey(target) && owned.test(target))
            .sorted()
            .toList();
    return new TargetChanges(group, register, deregister, reweight);
  }

  public boolean isEmpty() {
    return register.isEmpty() && deregister.isEmpty() && reweight.isEmpty();
  }
}
