package io.clbdirect.core.tkeconfig;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.clbdirect.core.tkeconfig.ClbSettings.ForwardType;
import io.clbdirect.core.tkeconfig.ClbSettings.Scheduler;
import io.clbdirect.core.tkeconfig.HealthCheck.HttpCheckMethod;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a whole TkeServiceConfig resource (apiVersion, kind, metadata, spec: the JSON the API
 * server serves, e.g. {@code DynamicKubernetesObject.getRaw()}) into a {@link
 * TkeServiceConfigSpec}, or into errors that each name the offending field, e.g. {@code
 * spec.loadBalancer.l4Listeners[1].healthCheck.timeout: 70 is out of range 2–60}. Pure, and never
 * throws for bad input.
 *
 * <p>Fields clb-direct does not apply are ignored, so configs written for TKE (with {@code
 * internetMaxBandwidthOut}, {@code keepaliveEnable}, ...) still apply. JSON {@code null} counts as
 * not set, as the API server prunes it. A config is applied whole or not at all: one error and
 * there is no spec, so no listener is changed on the strength of a config the user got wrong.
 *
 * <p>The ranges are TKE's. They are also in the CRD's schema ({@code
 * manifests/crd/tkeserviceconfigs.cloud.tencent.com.yaml}); a test proves both agree. The session
 * time keeps TKE's 30–3600 on L7 rules too, although the CLB would take up to 86400 there: a config
 * valid here then stays valid on TKE, and back.
 */
public final class TkeServiceConfigParser {

  /**
   * A spec, or the reasons there is none.
   *
   * @param spec null exactly when there are errors
   * @param errors {@code path: problem}, in document order
   */
  public record Result(TkeServiceConfigSpec spec, List<String> errors) {

    public Result {
      errors = List.copyOf(errors);
      if ((spec == null) == errors.isEmpty()) {
        throw new IllegalArgumentException("a result has a spec or errors, never both or neither");
      }
    }

    public boolean isValid() {
      return spec != null;
    }
  }

  private static final Range PORT = new Range(1, 65535);
  private static final Range INTERVAL_TIME = new Range(5, 300);
  private static final Range CHECK_COUNT = new Range(2, 10);
  private static final Range TIMEOUT = new Range(2, 60);
  private static final Range HTTP_CODE = new Range(1, 31);
  private static final Range SESSION_EXPIRE_TIME = new Range(30, 3600);

  private static final List<L4Listener.Protocol> L4_PROTOCOLS =
      List.of(L4Listener.Protocol.values());
  private static final List<L7Listener.Protocol> L7_PROTOCOLS =
      List.of(L7Listener.Protocol.values());
  private static final List<Scheduler> L4_SCHEDULERS = List.of(Scheduler.WRR, Scheduler.LEAST_CONN);
  private static final List<Scheduler> L7_SCHEDULERS = List.of(Scheduler.values());
  private static final List<ForwardType> FORWARD_TYPES = List.of(ForwardType.values());
  private static final List<HttpCheckMethod> HTTP_CHECK_METHODS = List.of(HttpCheckMethod.values());

  private TkeServiceConfigParser() {}

  public static Result parse(JsonObject resource) {
    if (resource == null) {
      return new Result(null, List.of("the resource is missing"));
    }
    List<String> errors = new ArrayList<>();
    Node spec = new Node(resource, "", errors).object("spec");
    Node loadBalancer = spec == null ? null : spec.object("loadBalancer");
    List<L4Listener> l4 = new ArrayList<>();
    List<L7Listener> l7 = new ArrayList<>();
    if (loadBalancer != null) {
      Map<String, String> seen = new HashMap<>();
      for (Node node : loadBalancer.objects("l4Listeners")) {
        L4Listener listener = l4Listener(node);
        if (listener != null) {
          String key = listener.protocol() + " " + listener.port();
          if (isNew(seen, key, key, node)) {
            l4.add(listener);
          }
        }
      }
      seen.clear();
      for (Node node : loadBalancer.objects("l7Listeners")) {
        L7Listener listener = l7Listener(node);
        if (listener != null) {
          String key = listener.protocol() + " " + listener.port();
          if (isNew(seen, key, key, node)) {
            l7.add(listener);
          }
        }
      }
    }
    return errors.isEmpty()
        ? new Result(new TkeServiceConfigSpec(l4, l7), List.of())
        : new Result(null, errors);
  }

  private static L4Listener l4Listener(Node node) {
    int before = node.errorCount();
    L4Listener.Protocol protocol = node.oneOf("protocol", L4_PROTOCOLS, Need.REQUIRED);
    Integer port = node.integer("port", PORT, Need.REQUIRED);
    HealthCheck healthCheck = healthCheck(node.object("healthCheck"), false);
    Session session = session(node.object("session"));
    Scheduler scheduler = node.oneOf("scheduler", L4_SCHEDULERS, Need.OPTIONAL);
    if (node.errorCount() != before) {
      return null;
    }
    return new L4Listener(protocol, port, new ClbSettings(healthCheck, session, scheduler, null));
  }

  private static L7Listener l7Listener(Node node) {
    int before = node.errorCount();
    L7Listener.Protocol protocol = node.oneOf("protocol", L7_PROTOCOLS, Need.REQUIRED);
    Integer port = node.integer("port", PORT, Need.REQUIRED);
    List<L7Listener.Domain> domains = new ArrayList<>();
    // The CLB knows a rule by domain + URL, whichever domains[] entry it is written under.
    Map<String, String> seenRules = new HashMap<>();
    for (Node domainNode : node.objects("domains")) {
      int beforeDomain = domainNode.errorCount();
      String read = domainNode.string("domain", Need.OPTIONAL);
      String domain = read == null ? "" : read;
      boolean domainValid = domainNode.errorCount() == beforeDomain;
      List<L7Listener.Rule> rules = new ArrayList<>();
      for (Node ruleNode : domainNode.objects("rules")) {
        L7Listener.Rule rule = rule(ruleNode);
        if (rule == null || !domainValid) {
          continue;
        }
        // Domains are host names, so letter case does not tell them apart; URLs it does.
        String key = domain.toLowerCase(Locale.ROOT) + " " + rule.url();
        String label = "domain " + quote(domain) + ", url " + quote(rule.url());
        if (isNew(seenRules, key, label, ruleNode)) {
          rules.add(rule);
        }
      }
      domains.add(new L7Listener.Domain(domain, rules));
    }
    if (node.errorCount() != before) {
      return null;
    }
    return new L7Listener(protocol, port, domains);
  }

  private static L7Listener.Rule rule(Node node) {
    int before = node.errorCount();
    String url = node.string("url", Need.REQUIRED);
    if (url != null && url.isEmpty()) {
      node.error("url", "must not be empty");
    }
    ForwardType forwardType = node.oneOf("forwardType", FORWARD_TYPES, Need.OPTIONAL);
    HealthCheck healthCheck = healthCheck(node.object("healthCheck"), true);
    Session session = session(node.object("session"));
    Scheduler scheduler = node.oneOf("scheduler", L7_SCHEDULERS, Need.OPTIONAL);
    if (node.errorCount() != before) {
      return null;
    }
    return new L7Listener.Rule(url, new ClbSettings(healthCheck, session, scheduler, forwardType));
  }

  /**
   * @param http whether to read the HTTP fields; on L4 listeners they are ignored like any unknown
   *     field, since TKE's L4 checks are TCP checks
   */
  private static HealthCheck healthCheck(Node node, boolean http) {
    if (node == null) {
      return null;
    }
    Boolean enable = node.bool("enable", Need.REQUIRED);
    Integer intervalTime = node.integer("intervalTime", INTERVAL_TIME, Need.OPTIONAL);
    Integer healthNum = node.integer("healthNum", CHECK_COUNT, Need.OPTIONAL);
    Integer unHealthNum = node.integer("unHealthNum", CHECK_COUNT, Need.OPTIONAL);
    Integer timeout = node.integer("timeout", TIMEOUT, Need.OPTIONAL);
    if (timeout != null && intervalTime != null && timeout >= intervalTime) {
      // The CLB refuses a check that times out no sooner than the next one starts; say so here,
      // once,
      // rather than as a CloudApiError on every retry.
      node.error("timeout", timeout + " must be less than intervalTime " + intervalTime);
    }
    if (!http) {
      return enable == null
          ? null
          : new HealthCheck(
              enable, intervalTime, healthNum, unHealthNum, timeout, null, null, null, null);
    }
    Integer httpCode = node.integer("httpCode", HTTP_CODE, Need.OPTIONAL);
    String httpCheckPath = node.string("httpCheckPath", Need.OPTIONAL);
    if (httpCheckPath != null && !httpCheckPath.startsWith("/")) {
      node.error("httpCheckPath", quote(httpCheckPath) + " must start with \"/\"");
    }
    String httpCheckDomain = node.string("httpCheckDomain", Need.OPTIONAL);
    HttpCheckMethod httpCheckMethod =
        node.oneOf("httpCheckMethod", HTTP_CHECK_METHODS, Need.OPTIONAL);
    return enable == null
        ? null
        : new HealthCheck(
            enable,
            intervalTime,
            healthNum,
            unHealthNum,
            timeout,
            httpCode,
            httpCheckPath,
            httpCheckDomain,
            httpCheckMethod);
  }

  private static Session session(Node node) {
    if (node == null) {
      return null;
    }
    Boolean enable = node.bool("enable", Need.REQUIRED);
    Integer sessionExpireTime =
        node.integer("sessionExpireTime", SESSION_EXPIRE_TIME, Need.OPTIONAL);
    return enable == null ? null : new Session(enable, sessionExpireTime);
  }

  /**
   * Records {@code key} as seen at {@code node}, or reports {@code node} as a duplicate.
   *
   * @param label the key as the user wrote it, for the message
   */
  private static boolean isNew(Map<String, String> seen, String key, String label, Node node) {
    String first = seen.putIfAbsent(key, node.path);
    if (first == null) {
      return true;
    }
    node.error("duplicates " + first + " (" + label + ")");
    return false;
  }

  private static String quote(String value) {
    return new JsonPrimitive(value).toString();
  }

  private enum Need {
    REQUIRED,
    OPTIONAL
  }

  /** An inclusive range, printed as TKE's documents print it. */
  private record Range(int min, int max) {

    boolean contains(BigDecimal value) {
      return value.compareTo(BigDecimal.valueOf(min)) >= 0
          && value.compareTo(BigDecimal.valueOf(max)) <= 0;
    }

    @Override
    public String toString() {
      return min + "–" + max;
    }
  }

  /** A JSON object at a path; reads typed fields and reports what is wrong with them. */
  private static final class Node {

    private final JsonObject json;
    private final String path;
    private final List<String> errors;

    Node(JsonObject json, String path, List<String> errors) {
      this.json = json;
      this.path = path;
      this.errors = errors;
    }

    int errorCount() {
      return errors.size();
    }

    /** A problem with this object as a whole. */
    void error(String problem) {
      errors.add(path + ": " + problem);
    }

    /** A problem with one of its fields. */
    void error(String key, String problem) {
      errors.add(pathOf(key) + ": " + problem);
    }

    Node object(String key) {
      JsonElement value = get(key, Need.OPTIONAL);
      if (value == null) {
        return null;
      }
      if (!value.isJsonObject()) {
        error(key, "must be an object, got " + describe(value));
        return null;
      }
      return new Node(value.getAsJsonObject(), pathOf(key), errors);
    }

    /** The objects of an optional list; items that are not objects are reported and left out. */
    List<Node> objects(String key) {
      JsonElement value = get(key, Need.OPTIONAL);
      if (value == null) {
        return List.of();
      }
      if (!value.isJsonArray()) {
        error(key, "must be a list, got " + describe(value));
        return List.of();
      }
      JsonArray array = value.getAsJsonArray();
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        String itemPath = pathOf(key) + "[" + i + "]";
        JsonElement item = array.get(i);
        if (item.isJsonObject()) {
          nodes.add(new Node(item.getAsJsonObject(), itemPath, errors));
        } else {
          errors.add(itemPath + ": must be an object, got " + describe(item));
        }
      }
      return nodes;
    }

    Boolean bool(String key, Need need) {
      JsonElement value = get(key, need);
      if (value == null) {
        return null;
      }
      if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
        error(key, "must be true or false, got " + describe(value));
        return null;
      }
      return value.getAsBoolean();
    }

    String string(String key, Need need) {
      JsonElement value = get(key, need);
      if (value == null) {
        return null;
      }
      if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
        error(key, "must be a string, got " + describe(value));
        return null;
      }
      return value.getAsString();
    }

    Integer integer(String key, Range range, Need need) {
      JsonElement value = get(key, need);
      if (value == null) {
        return null;
      }
      BigDecimal number = integral(value);
      if (number == null) {
        error(key, "must be an integer, got " + describe(value));
        return null;
      }
      if (!range.contains(number)) {
        // The number as the user wrote it (1e400, not 400 digits).
        error(key, value.getAsString() + " is out of range " + range);
        return null;
      }
      return number.intValueExact();
    }

    /** An enum constant from its exact name, limited to {@code allowed}. */
    <E extends Enum<E>> E oneOf(String key, List<E> allowed, Need need) {
      String name = string(key, need);
      if (name == null) {
        return null;
      }
      for (E candidate : allowed) {
        if (candidate.name().equals(name)) {
          return candidate;
        }
      }
      String names = allowed.stream().map(Enum::name).collect(Collectors.joining(", "));
      error(key, quote(name) + " is not one of " + names);
      return null;
    }

    private JsonElement get(String key, Need need) {
      JsonElement value = json.get(key);
      if (value == null || value.isJsonNull()) {
        if (need == Need.REQUIRED) {
          error(key, "is required");
        }
        return null;
      }
      return value;
    }

    private String pathOf(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    /** The value as a whole number (80.0 counts), or null when it is not one. */
    private static BigDecimal integral(JsonElement value) {
      if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
        return null;
      }
      try {
        BigDecimal number = value.getAsBigDecimal();
        return number.stripTrailingZeros().scale() <= 0 ? number : null;
      } catch (NumberFormatException e) {
        // NaN, Infinity (Gson's lenient reader lets them through) or an exponent beyond Gson's
        // limit.
        return null;
      }
    }

    private static String describe(JsonElement value) {
      if (value.isJsonObject()) {
        return "an object";
      }
      if (value.isJsonArray()) {
        return "a list";
      }
      return value.toString();
    }
  }
}
