package io.clbdirect.gate.decide;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The listener protocol of each Service port: the port's own (TCP or UDP), or what TKE's {@code
 * service.cloud.tencent.com/specify-protocol} says, e.g. {@code
 * {"443":{"protocol":["TCP_SSL"],"tls":"cert-secret"}}}. clb-direct serves the subset a
 * direct-access Service can: one protocol per port, {@code TCP}, {@code UDP} or {@code TCP_SSL}
 * (TLS terminated by the CLB with the certificate of the {@code tls} Secret, then TCP to the Pods).
 * HTTP and HTTPS need rules, which are an Ingress's job; those ports, and anything unreadable, keep
 * the port's own protocol and are named in {@link #problems()}. Pure.
 */
public final class ServiceProtocols {

  public static final String ANNOTATION = "service.cloud.tencent.com/specify-protocol";
  public static final String TCP_SSL = "TCP_SSL";

  private static final Set<String> SERVED = Set.of("TCP", "UDP", TCP_SSL);

  private record Choice(String protocol, String tlsSecret) {}

  private final Map<Integer, Choice> byPort;
  private final List<String> problems;

  private ServiceProtocols(Map<Integer, Choice> byPort, List<String> problems) {
    this.byPort = Map.copyOf(byPort);
    this.problems = List.copyOf(problems);
  }

  public static ServiceProtocols of(V1Service service) {
    Map<String, String> annotations =
        service.getMetadata() == null || service.getMetadata().getAnnotations() == null
            ? Map.of()
            : service.getMetadata().getAnnotations();
    String text = annotations.get(ANNOTATION);
    Map<Integer, Choice> byPort = new HashMap<>();
    List<String> problems = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return new ServiceProtocols(byPort, problems);
    }
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(text);
    } catch (RuntimeException e) {
      problems.add(ANNOTATION + " is not JSON; every port keeps its own protocol");
      return new ServiceProtocols(byPort, problems);
    }
    if (!parsed.isJsonObject()) {
      problems.add(
          ANNOTATION
              + " must be an object of port to {protocol: [..], tls: secret}; every port keeps its own protocol");
      return new ServiceProtocols(byPort, problems);
    }
    Set<Integer> ports = new HashSet<>();
    if (service.getSpec() != null && service.getSpec().getPorts() != null) {
      service.getSpec().getPorts().forEach(p -> ports.add(p.getPort()));
    }
    for (Map.Entry<String, JsonElement> entry : parsed.getAsJsonObject().entrySet()) {
      String where = ANNOTATION + " port " + entry.getKey();
      Integer port = entry.getKey().matches("[0-9]{1,5}") ? Integer.valueOf(entry.getKey()) : null;
      if (port == null || !ports.contains(port)) {
        problems.add(where + " is not a port of the Service; it is not read");
        continue;
      }
      Choice choice = choice(entry.getValue(), where, problems);
      if (choice != null) {
        byPort.put(port, choice);
      }
    }
    return new ServiceProtocols(byPort, problems);
  }

  private static Choice choice(JsonElement value, String where, List<String> problems) {
    if (!value.isJsonObject()
        || !value.getAsJsonObject().has("protocol")
        || !value.getAsJsonObject().get("protocol").isJsonArray()) {
      problems.add(where + " needs {\"protocol\": [\"TCP_SSL\"], ...}; the port keeps its own");
      return null;
    }
    JsonObject object = value.getAsJsonObject();
    List<String> protocols = new ArrayList<>();
    object.getAsJsonArray("protocol").forEach(p -> protocols.add(p.getAsString()));
    if (protocols.size() != 1 || !SERVED.contains(protocols.get(0))) {
      problems.add(
          where
              + " asks for "
              + protocols
              + ": clb-direct serves one of TCP, UDP or TCP_SSL per port (HTTP and HTTPS are an "
              + "Ingress's); the port keeps its own protocol");
      return null;
    }
    String protocol = protocols.get(0);
    JsonElement tls = object.get("tls");
    String secret = tls == null || tls.isJsonNull() ? null : tls.getAsString();
    if (protocol.equals(TCP_SSL) && (secret == null || secret.isBlank())) {
      problems.add(where + " is TCP_SSL without \"tls\": the certificate Secret; it is not served");
      return new Choice(TCP_SSL, null);
    }
    return new Choice(protocol, protocol.equals(TCP_SSL) ? secret : null);
  }

  /** The listener protocol for the port. */
  public String protocol(V1ServicePort port) {
    Choice choice = byPort.get(port.getPort());
    if (choice != null) {
      return choice.protocol();
    }
    return port.getProtocol() == null ? "TCP" : port.getProtocol();
  }

  /**
   * @return the Secret with a TCP_SSL port's certificate; null for other ports, or when none is
   *     named (then the port is not served)
   */
  public String tlsSecret(int port) {
    Choice choice = byPort.get(port);
    return choice == null ? null : choice.tlsSecret();
  }

  public List<String> problems() {
    return problems;
  }
}
