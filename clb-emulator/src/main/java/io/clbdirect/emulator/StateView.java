package io.clbdirect.emulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.ListenerCertificate;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.Rule;
import io.clbdirect.emulator.model.Target;
import java.util.Map;

/**
 * The admin view of everything: load balancers, listeners, rules, targets with weight and health.
 */
final class StateView {

  private StateView() {}

  static JsonObject of(ClbState state) {
    return state.locked(
        () -> {
          JsonArray lbs = new JsonArray();
          for (LoadBalancer lb : state.loadBalancers().values()) {
            JsonObject l = new JsonObject();
            l.addProperty("loadBalancerId", lb.loadBalancerId());
            l.addProperty("name", lb.name());
            l.addProperty("type", lb.type());
            l.addProperty("vip", lb.vip());
            l.addProperty("vpcId", lb.vpcId());
            l.addProperty("subnetId", lb.attributes().subnetId());
            l.addProperty("snatPro", lb.snatPro());
            l.addProperty("status", lb.status() == 1 ? "running" : "creating");
            l.addProperty("lockingTask", lb.lockingTaskId());
            JsonObject tags = new JsonObject();
            lb.tags().forEach(tags::addProperty);
            l.add("tags", tags);
            JsonArray listeners = new JsonArray();
            for (Listener listener : lb.listeners().values()) {
              JsonObject li = new JsonObject();
              li.addProperty("listenerId", listener.listenerId());
              li.addProperty("name", listener.name());
              li.addProperty("protocol", listener.protocol());
              li.addProperty("port", listener.port());
              li.addProperty(
                  "healthCheck",
                  listener.healthCheck() == null ? null : listener.healthCheck().toString());
              if (!listener.layer7()) {
                li.addProperty("scheduler", listener.scheduler());
                li.addProperty("sessionExpireTime", listener.sessionExpireTime());
              }
              if (listener.tls()) {
                // Certificate ids only: private keys never leave the store.
                li.addProperty("sniSwitch", listener.sniSwitch());
                li.addProperty("certificate", certificateIds(listener.certificate()));
                JsonObject domains = new JsonObject();
                listener
                    .domainCertificates()
                    .forEach((domain, c) -> domains.addProperty(domain, certificateIds(c)));
                li.add("domainCertificates", domains);
              }
              li.add("targets", targets(listener.targets()));
              JsonArray rules = new JsonArray();
              for (Rule rule : listener.rules().values()) {
                JsonObject r = new JsonObject();
                r.addProperty("locationId", rule.locationId());
                r.addProperty("domain", rule.domain());
                r.addProperty("url", rule.url());
                r.addProperty(
                    "healthCheck",
                    rule.healthCheck() == null ? null : rule.healthCheck().toString());
                r.addProperty("scheduler", rule.scheduler());
                r.addProperty("sessionExpireTime", rule.sessionExpireTime());
                r.addProperty("defaultServer", rule.defaultServer());
                r.addProperty("forwardType", rule.forwardType());
                if (rule.rewrite() != null) {
                  r.addProperty(
                      "rewrite",
                      rule.rewrite().rewriteCode()
                          + " -> "
                          + rule.rewrite().targetListenerId()
                          + "/"
                          + rule.rewrite().targetLocationId()
                          + (rule.rewrite().takeUrl() ? " (TakeUrl)" : ""));
                }
                r.add("targets", targets(rule.targets()));
                rules.add(r);
              }
              li.add("rules", rules);
              listeners.add(li);
            }
            l.add("listeners", listeners);
            lbs.add(l);
          }
          JsonObject view = new JsonObject();
          view.add("loadBalancers", lbs);
          view.addProperty(
              "tasksRunning", state.tasks().values().stream().filter(t -> t.status() == 2).count());
          return view;
        });
  }

  /** {@code SSLMode CertId[ CA CertCaId]}, or null. */
  private static String certificateIds(ListenerCertificate certificate) {
    if (certificate == null) {
      return null;
    }
    return certificate.sslMode()
        + " "
        + certificate.server().certificateId()
        + (certificate.ca() == null ? "" : " CA " + certificate.ca().certificateId());
  }

  private static JsonArray targets(Map<String, Target> targets) {
    JsonArray array = new JsonArray();
    for (Target target : targets.values()) {
      JsonObject t = new JsonObject();
      t.addProperty("target", target.key());
      t.addProperty("weight", target.weight());
      t.addProperty("health", target.health().name());
      array.add(t);
    }
    return array;
  }
}
