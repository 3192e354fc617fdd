package io.clbdirect.emulator.api;

import com.google.gson.JsonObject;
import java.util.function.Supplier;

/**
 * A verified call, whatever shape it came in: the action, the version asked for, and the action's
 * own parameters (common parameters removed). The parameters are decoded only when asked for, after
 * the version, action, throttling and fault checks, so every shape fails in the order a JSON POST
 * always has.
 */
record ApiCall(String action, String version, Params.Source source, Supplier<JsonObject> params) {}
