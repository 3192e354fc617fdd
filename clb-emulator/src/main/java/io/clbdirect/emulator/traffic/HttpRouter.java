package io.clbdirect.emulator.traffic;

import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.RewriteTarget;
import io.clbdirect.emulator.model.Rule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The L7 data path of an HTTP listener: reads the request head, picks the rule by Host (exact, or a
 * {@code *.} wildcard; a Host no rule domain matches goes to the default domain's rules,
 * DefaultServer) and the longest URL prefix, then a healthy weight>0 target of that rule (see
 * {@link BackendChooser}), and hands the connection over with the head replayed. No rule matches:
 * 404; no eligible target: 503 — both answered by the emulator, as the CLB would. A kept-alive
 * connection stays with the target its first request chose.
 */
final class HttpRouter implements Route {

  static final int MAX_HEAD = 64 * 1024;
  static final int HEAD_TIMEOUT_MILLIS = 5_000;

  private final ClbState state;
  private final LoadBalancer loadBalancer;
  private final Listener listener;
  private final Map<String, BackendChooser> choosers = new ConcurrentHashMap<>();

  HttpRouter(ClbState state, LoadBalancer loadBalancer, Listener listener) {
    this.state = state;
    this.loadBalancer = loadBalancer;
    this.listener = listener;
  }

  @Override
  public Decision route(Socket client) throws IOException {
    client.setSoTimeout(HEAD_TIMEOUT_MILLIS);
    byte[] head = readHead(client.getInputStream());
    client.setSoTimeout(0);
    if (head == null) {
      return Decision.REFUSE;
    }
    String text = new String(head, StandardCharsets.ISO_8859_1);
    String[] requestLine = text.substring(0, Math.max(0, text.indexOf("\r\n"))).split(" ");
    String path = requestLine.length >= 2 ? requestLine[1] : "/";
    String host = header(text, "host");
    Rule rule = state.locked(() -> match(List.copyOf(listener.rules().values()), host, path));
    if (rule == null) {
      answer(
          client,
          "404 Not Found",
          "no rule of listener " + listener.listenerId() + " matches " + host + path);
      return Decision.REFUSE;
    }
    RewriteTarget rewrite = rule.rewrite();
    String location = rewrite == null ? null : state.locked(() -> location(rewrite, host, path));
    if (location != null) {
      redirect(client, rewrite.rewriteCode(), location);
      return Decision.REFUSE;
    }
    BackendChooser chooser =
        choosers.computeIfAbsent(
            rule.locationId(), id -> new BackendChooser(state, loadBalancer, listener, rule));
    var backend = chooser.next(client.getInetAddress());
    if (backend == null) {
      answer(client, "503 Service Unavailable", "no healthy target for rule " + rule.locationId());
      return Decision.REFUSE;
    }
    return new Decision(backend, head, "HTTPS".equals(rule.forwardType()));
  }

  /**
   * Longest URL prefix among the rules whose domain matches the host; when no rule's domain matches
   * it, among the rules of the default domain (DefaultServer), as nginx's default server takes
   * requests for unknown hosts. A host that matches a domain but none of its URLs gets no rule
   * (404). Callers hold the state lock.
   */
  static Rule match(List<Rule> rules, String host, String path) {
    String bareHost = host == null ? "" : host.toLowerCase(Locale.ROOT).replaceFirst(":\\d+$", "");
    List<Rule> forHost =
        rules.stream().filter(rule -> domainMatches(rule.domain(), bareHost)).toList();
    List<Rule> candidates =
        forHost.isEmpty() ? rules.stream().filter(Rule::defaultServer).toList() : forHost;
    Rule best = null;
    for (Rule rule : candidates) {
      if (path.startsWith(rule.url())
          && (best == null || rule.url().length() > best.url().length())) {
        best = rule;
      }
    }
    return best;
  }

  private static boolean domainMatches(String ruleDomain, String bareHost) {
    String domain = ruleDomain.toLowerCase(Locale.ROOT);
    return domain.equals(bareHost)
        || (domain.startsWith("*.") && bareHost.endsWith(domain.substring(1)));
  }

  /**
   * Where a redirecting rule sends the client: the target listener's scheme (https for HTTPS) and
   * port (left out when it is the scheme's default), the target rule's domain (the request's host
   * when that domain is a wildcard), and the request's path and query when TakeUrl, else the target
   * rule's Url. Null when the target is gone. Callers hold the state lock.
   */
  private String location(RewriteTarget rewrite, String host, String path) {
    Listener target = loadBalancer.listeners().get(rewrite.targetListenerId());
    Rule targetRule = target == null ? null : target.rules().get(rewrite.targetLocationId());
    if (targetRule == null) {
      return null;
    }
    boolean https = target.tls();
    String requestHost = host == null ? loadBalancer.vip() : host.replaceFirst(":\\d+$", "");
    String targetDomain = targetRule.domain();
    // The target rule's domain, unless it stands for many hosts (a wildcard): then the request's.
    String bareHost = targetDomain.contains("*") ? requestHost : targetDomain;
    boolean defaultPort = target.port() == (https ? 443 : 80);
    return (https ? "https://" : "http://")
        + bareHost
        + (defaultPort ? "" : ":" + target.port())
        + (rewrite.takeUrl() ? path : targetRule.url());
  }

  private static void redirect(Socket client, int code, String location) {
    String reason =
        switch (code) {
          case 301 -> "Moved Permanently";
          case 302 -> "Found";
          default -> "Temporary Redirect";
        };
    String response =
        "HTTP/1.1 "
            + code
            + " "
            + reason
            + "\r\nLocation: "
            + location
            + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    try {
      client.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
      client.getOutputStream().flush();
    } catch (IOException ignored) {
      // The client went away; nothing to tell it.
    }
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toByteArray();
      }
      if (head.size() > MAX_HEAD) {
        return null;
      }
    }
    return null;
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private static void answer(Socket client, String status, String message) {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    String response =
        "HTTP/1.1 "
            + status
            + "\r\nContent-Type: text/plain\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    try {
      client.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
      client.getOutputStream().write(body);
      client.getOutputStream().flush();
    } catch (IOException ignored) {
      // The client went away; nothing to tell it.
    }
  }
}
