package io.clbdirect.emulator.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.emulator.faults.FaultInjector;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The admin fault API's JSON: {@code {"seed":7,"latencyMillis":50,"throttle":true,
 * "actions":{"RegisterTargets":{"rate":0.3,"code":"InternalError"}}, "lock":{"lb-abc":5000}}}
 * (lock: milliseconds from now).
 */
final class FaultRequests {

  private FaultRequests() {}

  static void apply(JsonObject request, FaultInjector faults, Clock clock) {
    if (request.has("seed")) {
      faults.reseed(request.get("seed").getAsLong());
    }
    if (request.has("latencyMillis")) {
      faults.setLatencyMillis(request.get("latencyMillis").getAsLong());
    }
    if (request.has("throttle")) {
      faults.setThrottleAll(request.get("throttle").getAsBoolean());
    }
    if (request.has("actions")) {
      for (Map.Entry<String, JsonElement> action : request.getAsJsonObject("actions").entrySet()) {
        JsonObject fault = action.getValue().getAsJsonObject();
        faults.failAction(
            action.getKey(), fault.get("rate").getAsDouble(), fault.get("code").getAsString());
      }
    }
    if (request.has("lock")) {
      for (Map.Entry<String, JsonElement> lock : request.getAsJsonObject("lock").entrySet()) {
        faults.lockLoadBalancer(
            lock.getKey(), clock.instant().plus(Duration.ofMillis(lock.getValue().getAsLong())));
      }
    }
  }

  static JsonObject view(FaultInjector faults) {
    JsonObject view = new JsonObject();
    view.addProperty("seed", faults.seed());
    view.addProperty("latencyMillis", faults.latencyMillis());
    view.addProperty("throttle", faults.throttleAll());
    JsonObject actions = new JsonObject();
    faults
        .actionFaults()
        .forEach(
            (action, fault) -> {
              JsonObject f = new JsonObject();
              f.addProperty("rate", fault.rate());
              f.addProperty("code", fault.code());
              actions.add(action, f);
            });
    view.add("actions", actions);
    JsonObject locks = new JsonObject();
    faults.lockedLoadBalancers().forEach((lb, until) -> locks.addProperty(lb, until.toString()));
    view.add("lockedUntil", locks);
    return view;
  }
}
