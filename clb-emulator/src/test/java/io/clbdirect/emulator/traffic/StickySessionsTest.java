package io.clbdirect.emulator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Session persistence by client IP: kept while eligible and within the expiry, which each
 * connection restarts.
 */
class StickySessionsTest {

  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  final StickySessions<String> sessions = new StickySessions<>();

  /** What the placement (round robin in the data path) hands out next. */
  final Deque<String> placements = new ArrayDeque<>();

  String choose(String client, long secondsAfterT0, int expire, Set<String> eligible)
      throws Exception {
    return sessions.choose(
        InetAddress.getByName(client),
        T0.plusSeconds(secondsAfterT0),
        expire,
        eligible,
        placements::poll);
  }

  @Test
  void aClientKeepsItsTargetUntilTheExpiryPassesWithoutAConnection() throws Exception {
    placements.addAll(List.of("a", "b", "c"));
    Set<String> all = Set.of("a", "b", "c");

    assertThat(choose("127.0.0.2", 0, 30, all)).isEqualTo("a");
    assertThat(choose("127.0.0.2", 20, 30, all)).isEqualTo("a");
    // 49 s is 29 s after the last connection: still within the 30 s expiry.
    assertThat(choose("127.0.0.2", 49, 30, all)).isEqualTo("a");
    // 79 s is exactly 30 s after the last one: expired, placed afresh.
    assertThat(choose("127.0.0.2", 79, 30, all)).isEqualTo("b");
  }

  @Test
  void clientsAreIndependentAndATargetNoLongerEligibleLosesItsSessions() throws Exception {
    placements.addAll(List.of("a", "b", "c"));

    assertThat(choose("127.0.0.2", 0, 30, Set.of("a", "b"))).isEqualTo("a");
    assertThat(choose("127.0.0.3", 1, 30, Set.of("a", "b"))).isEqualTo("b");
    assertThat(choose("127.0.0.2", 2, 30, Set.of("b", "c"))).isEqualTo("c");
    assertThat(choose("127.0.0.3", 3, 30, Set.of("b", "c"))).isEqualTo("b");
  }

  @Test
  void persistenceOffPlacesEveryConnectionAndForgetsTheSessions() throws Exception {
    placements.addAll(List.of("a", "b", "c", "d"));
    Set<String> all = Set.of("a", "b", "c", "d");

    assertThat(choose("127.0.0.2", 0, 30, all)).isEqualTo("a");
    assertThat(choose("127.0.0.2", 1, 0, all)).isEqualTo("b");
    assertThat(choose("127.0.0.2", 2, 0, all)).isEqualTo("c");
    assertThat(choose("127.0.0.2", 3, 30, all))
        .as("the old session was dropped when persistence went off")
        .isEqualTo("d");
  }

  @Test
  void nothingEligibleGivesNullAndNoSession() throws Exception {
    assertThat(choose("127.0.0.2", 0, 30, Set.of())).isNull();
    placements.add("a");
    assertThat(choose("127.0.0.2", 1, 30, Set.of("a"))).isEqualTo("a");
  }
}
