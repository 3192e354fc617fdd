package io.clbdirect.gate.decide;

import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which L7 rules to create and delete on an Ingress's listener, and which ones clb-direct manages.
 * Only rules clb-direct created are ever deleted: a rule someone else made that matches an Ingress
 * path is used, not taken over. The managed set is recorded on the Ingress before a create (so a
 * crash between the create and the record cannot orphan a rule) and trimmed after the deletes.
 * Pure.
 *
 * @param create wanted, missing on the listener
 * @param delete created by clb-direct, present, no longer wanted
 * @param managedDuring what to record before the calls: the previous record plus what is about to
 *     be created
 * @param managedAfter what to record after the calls: the wanted rules clb-direct created
 */
public record RulePlan(
    Set<RuleKey> create,
    Set<RuleKey> delete,
    Set<RuleKey> managedDuring,
    Set<RuleKey> managedAfter) {

  public RulePlan {
    create = Set.copyOf(create);
    delete = Set.copyOf(delete);
    managedDuring = Set.copyOf(managedDuring);
    managedAfter = Set.copyOf(managedAfter);
  }

  /**
   * @param wanted the Ingress's rules now
   * @param existing the rules the listener has
   * @param managed the rules clb-direct recorded as its own
   */
  public static RulePlan of(Set<RuleKey> wanted, Set<RuleKey> existing, Set<RuleKey> managed) {
    Set<RuleKey> create = new TreeSet<>(wanted);
    create.removeAll(existing);
    Set<RuleKey> delete = new TreeSet<>(managed);
    delete.removeAll(wanted);
    delete.retainAll(existing);
    Set<RuleKey> during = new TreeSet<>(managed);
    during.addAll(create);
    Set<RuleKey> after = new TreeSet<>(during);
    after.retainAll(wanted);
    return new RulePlan(create, delete, during, after);
  }
}
