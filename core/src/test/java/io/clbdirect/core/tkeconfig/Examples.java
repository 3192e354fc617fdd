package io.clbdirect.core.tkeconfig;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** TkeServiceConfig resources shared by the tests. */
final class Examples {

  /** {@code key} or {@code key[index]}, one per dot-separated part of a path. */
  private static final Pattern SEGMENT = Pattern.compile("([^.\\[]+)(?:\\[(\\d+)])?");

  /**
   * Sets every field the CRD schema knows (the CRD test relies on that), each at least once at
   * index 0, and nothing else. Values sit at or near the edges of their ranges.
   */
  static final String FULL =
      """
      {"apiVersion": "cloud.tencent.com/v1alpha1", "kind": "TkeServiceConfig",
       "metadata": {"name": "web", "namespace": "shop"},
       "spec": {"loadBalancer": {
         "l4Listeners": [
           {"protocol": "TCP", "port": 80,
            "healthCheck": {"enable": true, "intervalTime": 10, "healthNum": 2, "unHealthNum": 3, "timeout": 5},
            "session": {"enable": true, "sessionExpireTime": 3600},
            "scheduler": "LEAST_CONN"},
           {"protocol": "UDP", "port": 53, "healthCheck": {"enable": false}, "session": {"enable": false}}],
         "l7Listeners": [
           {"protocol": "HTTP", "port": 80,
            "domains": [
              {"domain": "shop.example.com",
               "rules": [
                 {"url": "/api", "forwardType": "HTTPS",
                  "healthCheck": {"enable": true, "intervalTime": 300, "healthNum": 10, "unHealthNum": 10,
                                  "timeout": 60, "httpCode": 31, "httpCheckPath": "/healthz",
                                  "httpCheckDomain": "health.example.com", "httpCheckMethod": "GET"},
                  "session": {"enable": true, "sessionExpireTime": 30},
                  "scheduler": "IP_HASH"}]},
              {"domain": "", "rules": [{"url": "/", "session": {"enable": true}}]}]},
           {"protocol": "HTTPS", "port": 443, "domains": [{"rules": [{"url": "/"}]}]}]}}}
      """;

  private Examples() {}

  /** A fresh copy of {@link #FULL}, free to change. */
  static JsonObject full() {
    return json(FULL);
  }

  static JsonObject json(String text) {
    return JsonParser.parseString(text).getAsJsonObject();
  }

  /** A resource whose {@code spec.loadBalancer} is {@code loadBalancer}. */
  static JsonObject withLoadBalancer(String loadBalancer) {
    return json("{\"spec\": {\"loadBalancer\": " + loadBalancer + "}}");
  }

  /**
   * The object a dotted path with indexes ({@code spec.loadBalancer.l4Listeners[0].healthCheck})
   * names.
   */
  static JsonObject at(JsonObject root, String path) {
    JsonElement current = root;
    Matcher segment = SEGMENT.matcher(path);
    while (segment.find()) {
      current = current.getAsJsonObject().get(segment.group(1));
      if (current != null && segment.group(2) != null) {
        int index = Integer.parseInt(segment.group(2));
        current =
            index < current.getAsJsonArray().size() ? current.getAsJsonArray().get(index) : null;
      }
      if (current == null) {
        throw new AssertionError("the example has nothing at " + path);
      }
    }
    return current.getAsJsonObject();
  }
}
