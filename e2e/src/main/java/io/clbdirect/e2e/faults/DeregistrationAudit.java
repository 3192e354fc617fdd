package io.clbdirect.e2e.faults;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.emulator.audit.WriteLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the emulator's write log against the {@link ClusterHistory}: a call that took a target out
 * of service (deregistered it, or set its weight to 0) while its Pod was wanted both in the sample
 * before the call and in the one after, or that deleted a load balancer a live direct-access
 * Service recorded both times, came from a cache that did not (yet) know the cluster: the invariant
 * "no deregistration from a cache that has not synced since reconnecting".
 */
final class DeregistrationAudit {

  private DeregistrationAudit() {}

  static List<Violation> check(
      List<WriteLog.WriteCall> calls, ClusterHistory history, Instant since) {
    List<Violation> violations = new ArrayList<>();
    for (WriteLog.WriteCall call : calls) {
      if (!call.succeeded() || call.at().isBefore(since)) {
        continue;
      }
      JsonObject p = call.params();
      switch (call.action()) {
        case "DeregisterTargets", "BatchDeregisterTargets" ->
            eniIps(p, "Targets").forEach(ip -> wanted(call, ip, history, violations));
        case "ModifyTargetWeight" -> {
          if (weight(p) == 0) {
            eniIps(p, "Targets").forEach(ip -> wanted(call, ip, history, violations));
          }
        }
        case "BatchModifyTargetWeight" -> {
          for (JsonElement rule : array(p, "ModifyList")) {
            JsonObject r = rule.getAsJsonObject();
            for (JsonElement t : array(r, "Targets")) {
              JsonObject target = t.getAsJsonObject();
              long weight = target.has("Weight") ? target.get("Weight").getAsLong() : weight(r);
              if (weight == 0 && target.has("EniIp")) {
                wanted(call, target.get("EniIp").getAsString(), history, violations);
              }
            }
          }
        }
        case "DeleteLoadBalancer" -> {
          for (JsonElement id : array(p, "LoadBalancerIds")) {
            if (history.recordedAround(id.getAsString(), call.at())) {
              violations.add(
                  new Violation(
                      call.at(),
                      ContinuousInvariants.STALE_DEREGISTRATION,
                      "DeleteLoadBalancer "
                          + id.getAsString()
                          + " still recorded by a live Service"));
            }
          }
        }
        default -> {}
      }
    }
    return violations;
  }

  private static void wanted(
      WriteLog.WriteCall call, String ip, ClusterHistory history, List<Violation> violations) {
    String pod = history.wantedAround(ip, call.at());
    if (pod != null) {
      violations.add(
          new Violation(
              call.at(),
              ContinuousInvariants.STALE_DEREGISTRATION,
              call.action() + " took " + ip + " out of service, Pod " + pod));
    }
  }

  private static long weight(JsonObject object) {
    return object.has("Weight") && !object.get("Weight").isJsonNull()
        ? object.get("Weight").getAsLong()
        : -1;
  }

  private static List<String> eniIps(JsonObject object, String field) {
    List<String> ips = new ArrayList<>();
    for (JsonElement t : array(object, field)) {
      JsonObject target = t.getAsJsonObject();
      if (target.has("EniIp")) {
        ips.add(target.get("EniIp").getAsString());
      }
    }
    return ips;
  }

  private static Iterable<JsonElement> array(JsonObject object, String field) {
    return object.has(field) && object.get(field).isJsonArray()
        ? object.getAsJsonArray(field)
        : List.of();
  }
}
