package io.clbdirect.gate.decide;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which L4 listeners the frontends on one load balancer need that it does not have, grouped so that
 * one CreateListener call makes several: the API takes a list of ports (one listener each) per
 * call, all with the same protocol and attributes. Pure; the beside {@link RulePlan} for L7 rules.
 *
 * @param existing wanted listeners the load balancer already has, to their listener ids
 * @param creations the CreateListener calls to make
 */
public record ListenerPlan(Map<Key, String> existing, List<Creation> creations) {

  /** At most this many ports per CreateListener: the API sets no limit, so a call stays modest. */
  public static final int PORTS_PER_CALL = 20;

  /** A listener: protocol and port. */
  public record Key(String protocol, int port) implements Comparable<Key> {
    public Key {
      Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    public int compareTo(Key other) {
      int byPort = Integer.compare(port, other.port);
      return byPort != 0 ? byPort : protocol.compareTo(other.protocol);
    }
  }

  /**
   * A listener a frontend needs.
   *
   * @param name its name, should it be created
   * @param attributes the creation attributes other than port and name (e.g. the request as JSON):
   *     only listeners with equal attributes share a call
   */
  public record Wanted(Key key, String name, String attributes) {}

  /** One CreateListener call: the same protocol and attributes, one listener per port. */
  public record Creation(String protocol, String attributes, List<Key> keys, List<String> names) {
    public Creation {
      keys = List.copyOf(keys);
      names = List.copyOf(names);
    }
  }

  public ListenerPlan {
    existing = Map.copyOf(existing);
    creations = List.copyOf(creations);
  }

  /**
   * @param wanted what the frontends need; two frontends wanting the same protocol and port share
   *     it (the first one, in order, names it)
   * @param present the load balancer's listeners, protocol and port to id
   */
  public static ListenerPlan of(Collection<Wanted> wanted, Map<Key, String> present) {
    Map<Key, String> existing = new TreeMap<>();
    Map<Key, Wanted> missing = new TreeMap<>();
    for (Wanted want : wanted) {
      String id = present.get(want.key());
      if (id != null) {
        existing.put(want.key(), id);
      } else {
        missing.putIfAbsent(want.key(), want);
      }
    }
    Map<String, List<Wanted>> byAttributes = new LinkedHashMap<>();
    missing
        .values()
        .forEach(
            want ->
                byAttributes
                    .computeIfAbsent(
                        want.key().protocol() + "\n" + want.attributes(), k -> new ArrayList<>())
                    .add(want));
    List<Creation> creations = new ArrayList<>();
    byAttributes
        .values()
        .forEach(
            group -> {
              for (int start = 0; start < group.size(); start += PORTS_PER_CALL) {
                List<Wanted> chunk =
                    group.subList(start, Math.min(group.size(), start + PORTS_PER_CALL));
                creations.add(
                    new Creation(
                        chunk.get(0).key().protocol(),
                        chunk.get(0).attributes(),
                        chunk.stream().map(Wanted::key).toList(),
                        chunk.stream().map(Wanted::name).toList()));
              }
            });
    return new ListenerPlan(existing, creations);
  }
}
