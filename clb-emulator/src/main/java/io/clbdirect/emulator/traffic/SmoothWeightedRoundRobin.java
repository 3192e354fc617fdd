package io.clbdirect.emulator.traffic;

import java.util.HashMap;
import java.util.Map;

/**
 * nginx's smooth weighted round robin: each pick adds every candidate's weight to its running
 * score, takes the highest score (the earliest candidate on a tie) and subtracts the total weight
 * from the winner. Over any window of {@code sum(weights)} picks each candidate is chosen exactly
 * {@code weight} times, and heavy candidates are spread out rather than bunched: weights 5,1,1 for
 * a,b,c give a a b a c a a.
 *
 * <p>Candidates are passed on every pick because the eligible set changes with health and weight
 * edits. A candidate that drops out loses its running score; one that comes back starts from zero.
 *
 * @param <K> candidate identity (equals/hashCode)
 */
public final class SmoothWeightedRoundRobin<K> {

  private final Map<K, Long> scores = new HashMap<>();

  /**
   * Picks one candidate.
   *
   * @param weights candidates with their weights, in the order that breaks ties (pass a
   *     LinkedHashMap for determinism); weights of zero or less are never chosen
   * @return the chosen candidate, or null when none has a positive weight
   */
  public synchronized K next(Map<K, Integer> weights) {
    scores.keySet().retainAll(weights.keySet());
    K best = null;
    long bestScore = Long.MIN_VALUE;
    long total = 0;
    for (Map.Entry<K, Integer> candidate : weights.entrySet()) {
      int weight = candidate.getValue();
      if (weight <= 0) {
        scores.remove(candidate.getKey());
        continue;
      }
      long score = scores.getOrDefault(candidate.getKey(), 0L) + weight;
      scores.put(candidate.getKey(), score);
      total += weight;
      if (score > bestScore) {
        best = candidate.getKey();
        bestScore = score;
      }
    }
    if (best != null) {
      scores.put(best, bestScore - total);
    }
    return best;
  }
}
