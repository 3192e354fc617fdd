package io.clbdirect.gate.decide;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.clbdirect.core.DirectAccessRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TKE's mixed HTTP and HTTPS rules: with {@code kubernetes.io/ingress.rule-mix: "true"}, the
 * annotations {@code kubernetes.io/ingress.http-rules} and {@code
 * kubernetes.io/ingress.https-rules} hold JSON arrays of {@code {host, path, backend: {serviceName,
 * servicePort}}}, and they — not {@code spec.rules} — say which rules each listener serves. A
 * missing host is the load balancer's VIP and a missing path {@code /}, as in TKE. Pure.
 *
 * @param entries every readable entry, HTTP ones first
 * @param problems one sentence per entry or annotation that could not be read
 */
public record RuleMixAnnotations(List<Entry> entries, List<String> problems) {

  public static final String RULE_MIX = DirectAccessRules.RULE_MIX;
  public static final String HTTP_RULES = DirectAccessRules.HTTP_RULES;
  public static final String HTTPS_RULES = DirectAccessRules.HTTPS_RULES;

  /**
   * One rule; exactly one of port number and name is set.
   *
   * @param host null when absent (the VIP)
   */
  public record Entry(
      IngressRoutes.Scheme scheme,
      String host,
      String path,
      String serviceName,
      Integer portNumber,
      String portName) {}

  public RuleMixAnnotations {
    entries = List.copyOf(entries);
    problems = List.copyOf(problems);
  }

  public static boolean enabled(Map<String, String> annotations) {
    return annotations != null && "true".equalsIgnoreCase(annotations.get(RULE_MIX));
  }

  public static RuleMixAnnotations of(Map<String, String> annotations) {
    List<Entry> entries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    read(annotations.get(HTTP_RULES), HTTP_RULES, IngressRoutes.Scheme.HTTP, entries, problems);
    read(annotations.get(HTTPS_RULES), HTTPS_RULES, IngressRoutes.Scheme.HTTPS, entries, problems);
    return new RuleMixAnnotations(entries, problems);
  }

  private static void read(
      String text,
      String annotation,
      IngressRoutes.Scheme scheme,
      List<Entry> entries,
      List<String> problems) {
    if (text == null || text.isBlank()) {
      return;
    }
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(text);
    } catch (RuntimeException e) {
      problems.add(annotation + " is not JSON (" + e.getMessage() + "); none of it is served");
      return;
    }
    if (!parsed.isJsonArray()) {
      problems.add(
          annotation
              + " must be a JSON array of {host, path, backend: {serviceName, servicePort}}; "
              + "none of it is served");
      return;
    }
    int index = 0;
    for (JsonElement element : parsed.getAsJsonArray()) {
      String where = annotation + "[" + index++ + "]";
      Entry entry = entry(element, scheme, where, problems);
      if (entry != null) {
        entries.add(entry);
      }
    }
  }

  private static Entry entry(
      JsonElement element, IngressRoutes.Scheme scheme, String where, List<String> problems) {
    if (!element.isJsonObject()) {
      problems.add(where + " is not an object; it is not served");
      return null;
    }
    JsonObject object = element.getAsJsonObject();
    JsonElement backend = object.get("backend");
    if (backend == null || !backend.isJsonObject()) {
      problems.add(where + " has no backend {serviceName, servicePort}; it is not served");
      return null;
    }
    String service = string(backend.getAsJsonObject().get("serviceName"));
    String port = string(backend.getAsJsonObject().get("servicePort"));
    if (service == null || port == null) {
      problems.add(where + " needs backend.serviceName and backend.servicePort; it is not served");
      return null;
    }
    String host = string(object.get("host"));
    String path = string(object.get("path"));
    boolean numeric = port.matches("[0-9]{1,5}");
    return new Entry(
        scheme,
        host,
        path == null ? "/" : path,
        service,
        numeric ? Integer.valueOf(port) : null,
        numeric ? null : port);
  }

  private static String string(JsonElement element) {
    if (element == null || element.isJsonNull() || !element.isJsonPrimitive()) {
      return null;
    }
    String value = element.getAsString();
    return value.isBlank() ? null : value.trim();
  }
}
