package io.clbdirect.emulator.audit;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Every write call the API executed, in order: what a fault test needs to ask "who deregistered
 * this Pod, and when?" after the fact. Reads (Describe*) are left out: they change nothing. A call
 * refused before it reached its handler (bad signature, injected fault, throttling, an outage) is
 * not here either: it wrote nothing. A call whose handler refused it (an {@code ApiError}) is here
 * with its error code, because it reached the state lock.
 *
 * <p>Bounded (the oldest entries go first) so a long soak cannot exhaust the heap; {@link
 * #dropped()} says how many went.
 */
public final class WriteLog {

  /** One executed write call. {@code at} is the system clock, not the emulator's shifted one. */
  public record WriteCall(Instant at, String action, JsonObject params, String errorCode) {
    public boolean succeeded() {
      return errorCode == null;
    }
  }

  static final int CAPACITY = 100_000;

  private final ArrayDeque<WriteCall> calls = new ArrayDeque<>();
  private long dropped;

  public synchronized void record(String action, JsonObject params, String errorCode) {
    if (calls.size() == CAPACITY) {
      calls.removeFirst();
      dropped++;
    }
    calls.add(new WriteCall(Instant.now(), action, params.deepCopy(), errorCode));
  }

  /** A copy of the calls so far, oldest first. */
  public synchronized List<WriteCall> calls() {
    return List.copyOf(calls);
  }

  public synchronized long dropped() {
    return dropped;
  }

  /** The calls as {@code GET /admin/writes} shows them. */
  public synchronized JsonObject view() {
    JsonArray array = new JsonArray();
    for (WriteCall call : calls) {
      JsonObject c = new JsonObject();
      c.addProperty("at", call.at().toString());
      c.addProperty("action", call.action());
      c.add("params", call.params().deepCopy());
      c.addProperty("error", call.errorCode());
      array.add(c);
    }
    JsonObject view = new JsonObject();
    view.add("writes", array);
    view.addProperty("dropped", dropped);
    return view;
  }
}
