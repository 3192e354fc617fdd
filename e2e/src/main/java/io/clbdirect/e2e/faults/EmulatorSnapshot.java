package io.clbdirect.e2e.faults;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.emulator.ClbEmulator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The CLB emulator's state at one instant ({@code takenAt}, this JVM's clock): load balancers,
 * their listeners, rules and targets, read from {@link ClbEmulator#stateView()}.
 */
public record EmulatorSnapshot(Instant takenAt, Map<String, LoadBalancer> loadBalancers) {

  /** A target as the emulator keys it: {@code eni:IP:PORT}, with its weight and health. */
  public record Target(String key, long weight, String health) {}

  public record Rule(String locationId, String domain, String url, List<Target> targets) {}

  public record Listener(
      String listenerId, String protocol, int port, List<Target> targets, List<Rule> rules) {}

  public record LoadBalancer(String id, String vip, List<Listener> listeners) {}

  public static EmulatorSnapshot of(ClbEmulator clb) {
    Instant takenAt = Instant.now();
    Map<String, LoadBalancer> lbs = new TreeMap<>();
    for (JsonElement element : clb.stateView().getAsJsonArray("loadBalancers")) {
      JsonObject lb = element.getAsJsonObject();
      List<Listener> listeners = new ArrayList<>();
      for (JsonElement l : lb.getAsJsonArray("listeners")) {
        JsonObject listener = l.getAsJsonObject();
        List<Rule> rules = new ArrayList<>();
        for (JsonElement r : listener.getAsJsonArray("rules")) {
          JsonObject rule = r.getAsJsonObject();
          rules.add(
              new Rule(
                  rule.get("locationId").getAsString(),
                  string(rule, "domain"),
                  string(rule, "url"),
                  targets(rule)));
        }
        listeners.add(
            new Listener(
                listener.get("listenerId").getAsString(),
                listener.get("protocol").getAsString(),
                listener.get("port").getAsInt(),
                targets(listener),
                rules));
      }
      String id = lb.get("loadBalancerId").getAsString();
      lbs.put(id, new LoadBalancer(id, string(lb, "vip"), listeners));
    }
    return new EmulatorSnapshot(takenAt, lbs);
  }

  /** Every {@code eni:IP:PORT} bound anywhere (listeners and rules), whatever its weight. */
  public Set<String> boundTargets() {
    Set<String> all = new HashSet<>();
    for (LoadBalancer lb : loadBalancers.values()) {
      for (Listener listener : lb.listeners()) {
        listener.targets().forEach(t -> all.add(t.key()));
        listener.rules().forEach(r -> r.targets().forEach(t -> all.add(t.key())));
      }
    }
    return all;
  }

  private static List<Target> targets(JsonObject holder) {
    List<Target> targets = new ArrayList<>();
    for (JsonElement t : holder.getAsJsonArray("targets")) {
      JsonObject target = t.getAsJsonObject();
      targets.add(
          new Target(
              target.get("target").getAsString(),
              target.get("weight").getAsLong(),
              target.get("health").getAsString()));
    }
    return targets;
  }

  private static String string(JsonObject object, String field) {
    JsonElement value = object.get(field);
    return value == null || value.isJsonNull() ? null : value.getAsString();
  }
}
