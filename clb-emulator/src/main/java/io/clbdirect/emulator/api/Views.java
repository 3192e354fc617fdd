package io.clbdirect.emulator.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.clbdirect.emulator.model.HealthCheckConfig;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.ListenerCertificate;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.LoadBalancerAttributes;
import io.clbdirect.emulator.model.RewriteTarget;
import io.clbdirect.emulator.model.Rule;
import io.clbdirect.emulator.model.Target;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** The API's JSON shapes for the model (PascalCase, as the SDK's @SerializedName expects). */
final class Views {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private Views() {}

  static String time(Instant instant) {
    return TIME.format(instant);
  }

  /**
   * A LoadBalancer as the SDK model names its fields. choice: AddressIPVersion is reported as the
   * output model documents it (ipv4 | ipv6, with IPv6Mode IPv6Nat64 | IPv6FullChain), though the
   * VIP itself is always an IPv4 loopback address; a zone given as a number fills
   * MasterZone.ZoneId, a zone name fills MasterZone.Zone (the emulator has no zone catalogue to
   * fill the other). TargetCount only when {@code withTargetCount} (AdditionalFields TargetCount).
   */
  static JsonObject loadBalancer(LoadBalancer lb, boolean withTargetCount) {
    LoadBalancerAttributes a = lb.attributes();
    JsonObject json = new JsonObject();
    json.addProperty("LoadBalancerId", lb.loadBalancerId());
    json.addProperty("LoadBalancerName", lb.name());
    json.addProperty("LoadBalancerType", lb.type());
    json.addProperty("Forward", 1);
    json.addProperty("Domain", domain(lb));
    json.addProperty("LoadBalancerDomain", domain(lb));
    json.add("LoadBalancerVips", strings(lb.vip()));
    json.addProperty("Status", lb.status());
    json.addProperty("CreateTime", time(lb.createTime()));
    json.addProperty("ProjectId", a.projectId());
    json.addProperty("VpcId", a.vpcId());
    json.addProperty("SubnetId", a.subnetId() == null ? "" : a.subnetId());
    JsonArray tags = new JsonArray();
    for (Map.Entry<String, String> tag : lb.tags().entrySet()) {
      JsonObject entry = new JsonObject();
      entry.addProperty("TagKey", tag.getKey());
      entry.addProperty("TagValue", tag.getValue());
      tags.add(entry);
    }
    json.add("Tags", tags);
    json.add("SecureGroups", new JsonArray());
    json.addProperty("AddressIPVersion", a.addressIPVersion().equals("IPV4") ? "ipv4" : "ipv6");
    if (!a.addressIPVersion().equals("IPV4")) {
      json.addProperty(
          "IPv6Mode", a.addressIPVersion().equals("IPV6") ? "IPv6Nat64" : "IPv6FullChain");
    }
    json.addProperty("VipIsp", a.vipIsp());
    if (a.masterZone() != null) {
      json.add("MasterZone", zone(a.masterZone()));
    }
    if (a.backupZone() != null) {
      JsonArray backups = new JsonArray();
      backups.add(zone(a.backupZone()));
      json.add("BackupZoneSet", backups);
    }
    json.addProperty("ChargeType", a.chargeType());
    if (a.internetChargeType() != null || a.internetMaxBandwidthOut() != null) {
      JsonObject network = new JsonObject();
      network.addProperty("InternetChargeType", a.internetChargeType());
      network.addProperty("InternetMaxBandwidthOut", a.internetMaxBandwidthOut());
      if (a.bandwidthpkgSubType() != null) {
        network.addProperty("BandwidthpkgSubType", a.bandwidthpkgSubType());
      }
      json.add("NetworkAttributes", network);
    }
    json.addProperty("LoadBalancerPassToTarget", a.passToTarget());
    json.addProperty("SnatPro", a.snatPro());
    json.add("SnatIps", new JsonArray());
    json.addProperty("SlaType", a.slaType());
    json.addProperty("Isolation", 0);
    json.addProperty("Exclusive", 0);
    if (withTargetCount) {
      json.addProperty("TargetCount", lb.targetCount());
    }
    return json;
  }

  /**
   * choice: an OPEN load balancer's domain is {@code <id>.clb.emulator.invalid} (the reserved
   * .invalid TLD never resolves); an INTERNAL one has none ("").
   */
  static String domain(LoadBalancer lb) {
    return lb.type().equals("OPEN") ? lb.loadBalancerId() + ".clb.emulator.invalid" : "";
  }

  private static JsonObject zone(String zone) {
    JsonObject json = new JsonObject();
    if (zone.chars().allMatch(Character::isDigit)) {
      json.addProperty("ZoneId", Long.parseLong(zone));
    } else {
      json.addProperty("Zone", zone);
      json.addProperty("ZoneRegion", zone.substring(0, zone.lastIndexOf('-')));
    }
    return json;
  }

  static JsonObject healthCheck(HealthCheckConfig check) {
    JsonObject json = new JsonObject();
    if (check == null) {
      json.addProperty("HealthSwitch", 0);
      return json;
    }
    json.addProperty("HealthSwitch", check.enabled() ? 1 : 0);
    json.addProperty("TimeOut", check.timeoutSeconds());
    json.addProperty("IntervalTime", check.intervalSeconds());
    json.addProperty("HealthNum", check.healthNum());
    json.addProperty("UnHealthNum", check.unhealthNum());
    json.addProperty("CheckType", check.checkType());
    json.addProperty("HttpCode", check.httpCode());
    json.addProperty("HttpCheckPath", check.httpCheckPath());
    if (check.httpCheckDomain() != null) {
      json.addProperty("HttpCheckDomain", check.httpCheckDomain());
    }
    json.addProperty("HttpCheckMethod", check.httpCheckMethod());
    if (check.checkPort() != null) {
      json.addProperty("CheckPort", check.checkPort());
    }
    return json;
  }

  /**
   * An L4 listener carries its HealthCheck, Scheduler and SessionExpireTime; an L7 listener carries
   * them per rule (RuleOutput), so the listener itself reports none of them.
   */
  static JsonObject listener(Listener listener) {
    JsonObject json = new JsonObject();
    json.addProperty("ListenerId", listener.listenerId());
    json.addProperty("ListenerName", listener.name());
    json.addProperty("Protocol", listener.protocol());
    json.addProperty("Port", listener.port());
    json.addProperty("CreateTime", time(listener.createTime()));
    json.addProperty("TargetType", "NODE");
    if ("HTTPS".equals(listener.protocol())) {
      json.addProperty("SniSwitch", listener.sniSwitch() ? 1 : 0);
    }
    if (listener.certificate() != null) {
      json.add("Certificate", certificate(listener.certificate()));
    }
    if (!listener.layer7()) {
      json.add("HealthCheck", healthCheck(listener.healthCheck()));
      json.addProperty("Scheduler", listener.scheduler());
      json.addProperty("SessionExpireTime", listener.sessionExpireTime());
    } else {
      JsonArray rules = new JsonArray();
      for (Rule rule : listener.rules().values()) {
        rules.add(rule(listener, rule));
      }
      json.add("Rules", rules);
    }
    return json;
  }

  /** A CertificateOutput; ExtCertIds stays empty (MultiCertInfo is not implemented). */
  static JsonObject certificate(ListenerCertificate certificate) {
    JsonObject json = new JsonObject();
    json.addProperty("SSLMode", certificate.sslMode());
    if (certificate.mutual()) {
      json.addProperty("SSLVerifyClient", certificate.verifyClient());
    }
    json.addProperty("CertId", certificate.server().certificateId());
    if (certificate.ca() != null) {
      json.addProperty("CertCaId", certificate.ca().certificateId());
    }
    json.add("ExtCertIds", new JsonArray());
    return json;
  }

  /** A RuleOutput; Certificate is the domain's on an SNI listener. */
  static JsonObject rule(Listener listener, Rule rule) {
    JsonObject json = new JsonObject();
    json.addProperty("LocationId", rule.locationId());
    json.addProperty("Domain", rule.domain());
    json.add("Domains", strings(rule.domain()));
    json.addProperty("Url", rule.url());
    json.addProperty("ListenerId", listener.listenerId());
    json.add("HealthCheck", healthCheck(rule.healthCheck()));
    json.addProperty("Scheduler", rule.scheduler());
    json.addProperty("SessionExpireTime", rule.sessionExpireTime());
    json.addProperty("DefaultServer", rule.defaultServer());
    json.addProperty("ForwardType", rule.forwardType());
    json.addProperty("TargetType", "NODE");
    json.addProperty("CreateTime", time(rule.createTime()));
    json.addProperty("BeAutoCreated", rule.autoCreated());
    ListenerCertificate certificate = listener.domainCertificates().get(rule.domain());
    if (certificate != null) {
      json.add("Certificate", certificate(certificate));
    }
    RewriteTarget rewrite = rule.rewrite();
    if (rewrite != null) {
      JsonObject target = new JsonObject();
      target.addProperty("TargetListenerId", rewrite.targetListenerId());
      target.addProperty("TargetLocationId", rewrite.targetLocationId());
      target.addProperty("RewriteCode", rewrite.rewriteCode());
      target.addProperty("TakeUrl", rewrite.takeUrl());
      target.addProperty("RewriteType", rewrite.rewriteType());
      json.add("RewriteTarget", target);
    }
    return json;
  }

  static JsonObject backend(Target target) {
    JsonObject json = new JsonObject();
    json.addProperty("Type", target.eniIp() != null ? "ENI" : "CVM");
    json.addProperty("InstanceId", target.instanceId() != null ? target.instanceId() : "");
    json.addProperty("Port", target.port());
    json.addProperty("Weight", target.weight());
    json.add(
        "PrivateIpAddresses", target.eniIp() != null ? strings(target.eniIp()) : new JsonArray());
    json.addProperty("RegisteredTime", time(target.registeredTime()));
    if (target.tag() != null) {
      json.addProperty("Tag", target.tag());
    }
    return json;
  }

  static JsonObject targetHealth(Target target, String ip) {
    JsonObject json = new JsonObject();
    json.addProperty("IP", ip);
    json.addProperty("Port", target.port());
    json.addProperty("HealthStatus", target.health().healthy());
    json.addProperty("TargetId", target.key());
    json.addProperty("HealthStatusDetail", target.health().name());
    // SDK 3.1.667 reads only this misspelled twin; newer SDKs ignore it.
    json.addProperty("HealthStatusDetial", target.health().name());
    json.addProperty("Weight", target.weight());
    return json;
  }

  static JsonArray strings(String... values) {
    JsonArray array = new JsonArray();
    for (String value : values) {
      array.add(value);
    }
    return array;
  }
}
