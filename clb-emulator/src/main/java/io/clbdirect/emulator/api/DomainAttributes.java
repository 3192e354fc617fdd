package io.clbdirect.emulator.api;

import com.google.gson.JsonObject;
import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.ListenerCertificate;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.Rule;
import java.util.List;

/**
 * ModifyDomainAttributes: what belongs to a domain of an L7 listener rather than to one rule — its
 * name (NewDomain), its certificate on an SNI listener (Certificate), and whether it is the default
 * domain (DefaultServer, NewDefaultServerDomain). Asynchronous like every CLB write. Http2, Quic,
 * NewDomains and MultiCertInfo are refused by {@link RequestFields}.
 */
final class DomainAttributes {

  private final ClbApi api;
  private final ClbState state;
  private final Tasks tasks;

  DomainAttributes(ClbApi api, ClbState state, Tasks tasks) {
    this.api = api;
    this.state = state;
    this.tasks = tasks;
  }

  JsonObject modify(Params p, String requestId) {
    LoadBalancer lb = api.writable(p.string("LoadBalancerId"));
    Listener listener = ClbApi.listener(lb, p.string("ListenerId"));
    if (!listener.layer7()) {
      throw new ApiError(
          "InvalidParameter.ProtocolCheckFailed", "Domains belong to HTTP and HTTPS listeners.");
    }
    String domain = p.string("Domain");
    List<Rule> rules =
        listener.rules().values().stream().filter(r -> r.domain().equals(domain)).toList();
    if (rules.isEmpty()) {
      // The reference: the domain "必须是已经创建的转发规则下的域名" (must be a domain of a rule).
      throw new ApiError(
          "InvalidParameter",
          "Listener " + listener.listenerId() + " has no rule for domain " + domain + ".");
    }
    String newDomain =
        p.has("NewDomain") ? Attributes.text("NewDomain", p.optString("NewDomain"), 80) : domain;
    if (!newDomain.equals(domain)
        && listener.rules().values().stream().anyMatch(r -> r.domain().equals(newDomain))) {
      // choice: renaming onto another existing domain (merging two) is refused.
      throw new ApiError(
          "InvalidParameterValue.Duplicate",
          "Listener " + listener.listenerId() + " already has domain " + newDomain + ".");
    }
    ListenerCertificate certificate = listener.domainCertificates().get(domain);
    if (p.has("Certificate")) {
      if (!(listener.tls() && listener.sniSwitch())) {
        // The reference: "仅对启用SNI的监听器适用" (SNI listeners only).
        throw new ApiError(
            "InvalidParameter",
            "`Certificate` of ModifyDomainAttributes is for HTTPS listeners with SNI; use"
                + " ModifyListener for listener "
                + listener.listenerId()
                + ".");
      }
      certificate =
          CertificateInputs.resolve(
              p.object("Certificate"), "Certificate", state.certificates(), api.now());
    }
    String defaultDomain = defaultDomain(p, listener, domain, newDomain);
    ListenerCertificate newCertificate = certificate;
    tasks.start(
        requestId,
        List.of(lb),
        () -> {
          rules.forEach(r -> r.setDomain(newDomain));
          listener.domainCertificates().remove(domain);
          if (newCertificate != null) {
            listener.domainCertificates().put(newDomain, newCertificate);
          }
          if (defaultDomain != null) {
            listener.setDefaultDomain(defaultDomain);
          }
        });
    return new JsonObject();
  }

  /**
   * The listener's default domain afterwards, or null when it stays as it is. The reference: to
   * stop being the default, a domain must name the new one (NewDefaultServerDomain).
   */
  private static String defaultDomain(
      Params p, Listener listener, String domain, String newDomain) {
    Boolean defaultServer = p.optBoolean("DefaultServer");
    String next = p.optString("NewDefaultServerDomain");
    String current = listener.defaultDomain();
    if (next != null) {
      if (!Boolean.FALSE.equals(defaultServer) || !domain.equals(current)) {
        // choice: NewDefaultServerDomain only hands the default over from this domain.
        throw new ApiError(
            "InvalidParameter",
            "`NewDefaultServerDomain` goes with `DefaultServer` false on the default domain ("
                + current
                + ").");
      }
      if (next.equals(domain)
          || listener.rules().values().stream().noneMatch(r -> r.domain().equals(next))) {
        throw new ApiError(
            "InvalidParameter",
            "`NewDefaultServerDomain` " + next + " is not another domain of the listener.");
      }
      return next;
    }
    if (Boolean.TRUE.equals(defaultServer)) {
      return newDomain;
    }
    if (Boolean.FALSE.equals(defaultServer) && domain.equals(current)) {
      throw new ApiError(
          "InvalidParameter",
          "Domain "
              + domain
              + " is the default: name the new default in `NewDefaultServerDomain`.");
    }
    return domain.equals(current) ? newDomain : null;
  }
}
