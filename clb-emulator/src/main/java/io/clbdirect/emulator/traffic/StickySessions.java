package io.clbdirect.emulator.traffic;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Session persistence (SessionExpireTime) of one L4 listener or L7 rule: a client IP keeps the
 * target it was last given while that target stays eligible and its connections come less than the
 * expiry apart. Every connection, kept or newly placed, restarts the client's expiry. With
 * persistence off every connection is placed afresh and nothing is remembered.
 *
 * @param <K> target identity (equals/hashCode)
 */
final class StickySessions<K> {

  private final Map<InetAddress, Session<K>> byClient = new HashMap<>();

  /**
   * The target for a new connection from {@code client}: its session's target if the session is
   * alive and the target is in {@code eligible}, else {@code place.get()} (null when nothing is
   * eligible).
   *
   * @param expireSeconds SessionExpireTime; 0 turns persistence off
   */
  synchronized K choose(
      InetAddress client, Instant now, int expireSeconds, Set<K> eligible, Supplier<K> place) {
    if (expireSeconds <= 0) {
      byClient.clear();
      return place.get();
    }
    Duration expiry = Duration.ofSeconds(expireSeconds);
    // Expired sessions go here, so the table holds only clients seen within the last expiry.
    byClient.values().removeIf(session -> !now.isBefore(session.lastSeen().plus(expiry)));
    Session<K> session = byClient.get(client);
    K target =
        session != null && eligible.contains(session.target()) ? session.target() : place.get();
    if (target == null) {
      byClient.remove(client);
    } else {
      byClient.put(client, new Session<>(target, now));
    }
    return target;
  }

  private record Session<K>(K target, Instant lastSeen) {}
}
