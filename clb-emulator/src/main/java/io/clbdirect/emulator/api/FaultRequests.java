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
 * (lock: milliseconds from now), and {@code "hangMillis":5000} (calls held unanswered). {@code
 * "refuseConnectionsMillis"} is read by {@link #refusal} and applied once the answer is sent, since
 * closing the port closes the admin connection too.
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
    if (request.has("hangMillis")) {
      faults.hang(Duration.ofMillis(request.get("hangMillis").getAsLong()));
    }
    if (request.has("lock")) {
      for (Map.Entry<String, JsonElement> lock : request.getAsJsonObject("lock").entrySet()) {
        faults.lockLoadBalancer(
            lock.getKey(), clock.instant().plus(Duration.ofMillis(lock.getValue().getAsLong())));
      }
    }
  }

  /** How long the request asks the port to refuse connections, or null. */
  static Duration refusal(JsonObject request) {
    if (!request.has("refuseConnectionsMillis")) {
      return null;
    }
    long millis = request.get("refuseConnectionsMillis").getAsLong();
    if (millis < 0) {
      throw new IllegalArgumentException("refuseConnectionsMillis must not be negative");
    }
    return Duration.ofMillis(millis);
  }

  static JsonObject view(FaultInjector faults) {
    JsonObject view = new JsonObject();
    view.addProperty("seed", faults.seed());
    view.addProperty("latencyMillis", faults.latencyMillis());
    view.addProperty("throttle", faults.throttleAll());
    view.addProperty("hangRemainingMillis", faults.hangRemainingNanos() / 1_000_000);
    view.addProperty("refuseRemainingMillis", faults.refuseRemainingNanos() / 1_000_000);
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
