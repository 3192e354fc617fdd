package io.clbdirect.emulator.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which request fields exist and which the emulator implements, checked before any action runs, so
 * that no field is silently ignored: a field the API reference does not document is {@code
 * UnknownParameter}; one it documents but the emulator does not implement is {@code
 * UnsupportedOperation}; both name the field (as a path such as {@code
 * Rules[].HealthCheck.SourceIpType}) and the action. Nested objects and lists of objects are
 * checked field by field. A JSON null counts as absent. The public common parameters (Action,
 * Version, Region, …), which a v1 form request carries among its fields, are not request fields and
 * pass.
 */
final class RequestFields {

  /**
   * The documented request shapes: each type's fields, {@code "Name"} for a value or a list of
   * values, {@code "Name:Type"} for an object, {@code "Name:Type[]"} for a list of objects.
   * Generated once from tencentcloud-cli's {@code tccli/services/clb/v20180317/api.json} at commit
   * 6e53beb (2026-08-21), the current API reference; it holds every {@code @SerializedName} field
   * of the tencentcloud-sdk-java 3.1.1436 request models of these actions, plus the newer
   * CreateLoadBalancer.AvailableZoneAffinityInfo.
   */
  private static final Map<String, Map<String, Field>> SHAPES =
      shapes(
          shape(
              "DescribeLoadBalancersRequest",
              "LoadBalancerIds",
              "LoadBalancerType",
              "Forward",
              "LoadBalancerName",
              "Domain",
              "LoadBalancerVips",
              "BackendPublicIps",
              "BackendPrivateIps",
              "Offset",
              "Limit",
              "OrderBy",
              "OrderType",
              "SearchKey",
              "ProjectId",
              "WithRs",
              "VpcId",
              "SecurityGroup",
              "MasterZone",
              "Filters:Filter[]",
              "AdditionalFields"),
          shape("Filter", "Name", "Values"),
          shape(
              "CreateLoadBalancerRequest",
              "LoadBalancerType",
              "Forward",
              "LoadBalancerName",
              "VpcId",
              "SubnetId",
              "ProjectId",
              "AddressIPVersion",
              "Number",
              "MasterZoneId",
              "ZoneId",
              "InternetAccessible:InternetAccessible",
              "VipIsp",
              "Tags:TagInfo[]",
              "Vip",
              "BandwidthPackageId",
              "ExclusiveCluster:ExclusiveCluster",
              "SlaType",
              "ClusterIds",
              "ClientToken",
              "SnatPro",
              "SnatIps:SnatIp[]",
              "ClusterTag",
              "SlaveZoneId",
              "EipAddressId",
              "LoadBalancerPassToTarget",
              "DynamicVip",
              "Egress",
              "LBChargePrepaid:LBChargePrepaid",
              "LBChargeType",
              "AccessLogTopicId",
              "AdvancedRoute",
              "AvailableZoneAffinityInfo:AvailableZoneAffinityInfo"),
          shape(
              "InternetAccessible",
              "InternetChargeType",
              "InternetMaxBandwidthOut",
              "BandwidthpkgSubType"),
          shape("TagInfo", "TagKey", "TagValue"),
          shape(
              "ExclusiveCluster",
              "L4Clusters:ClusterItem[]",
              "L7Clusters:ClusterItem[]",
              "ClassicalCluster:ClusterItem"),
          shape("ClusterItem", "ClusterId", "ClusterName", "Zone"),
          shape("SnatIp", "SubnetId", "Ip"),
          shape("LBChargePrepaid", "RenewFlag", "Period"),
          shape("AvailableZoneAffinityInfo", "Enable", "ExitRatio", "ReentryRatio"),
          shape("DeleteLoadBalancerRequest", "LoadBalancerIds", "ForceDelete"),
          shape("DescribeListenersRequest", "LoadBalancerId", "ListenerIds", "Protocol", "Port"),
          shape(
              "CreateListenerRequest",
              "LoadBalancerId",
              "Ports",
              "Protocol",
              "ListenerNames",
              "HealthCheck:HealthCheck",
              "Certificate:CertificateInput",
              "SessionExpireTime",
              "Scheduler",
              "SniSwitch",
              "TargetType",
              "SessionType",
              "KeepaliveEnable",
              "EndPort",
              "DeregisterTargetRst",
              "MultiCertInfo:MultiCertInfo",
              "MaxConn",
              "MaxCps",
              "IdleConnectTimeout",
              "ProxyProtocol",
              "SnatEnable",
              "FullEndPorts",
              "H2cSwitch",
              "SslCloseSwitch",
              "DataCompressMode",
              "RescheduleTargetZeroWeight",
              "RescheduleUnhealthy",
              "RescheduleExpandTarget",
              "RescheduleStartTime",
              "RescheduleInterval"),
          shape(
              "HealthCheck",
              "HealthSwitch",
              "TimeOut",
              "IntervalTime",
              "HealthNum",
              "UnHealthNum",
              "HttpCode",
              "HttpCheckPath",
              "HttpCheckDomain",
              "HttpCheckMethod",
              "CheckPort",
              "ContextType",
              "SendContext",
              "RecvContext",
              "CheckType",
              "HttpVersion",
              "SourceIpType",
              "ExtendedCode"),
          shape(
              "CertificateInput",
              "SSLMode",
              "SSLVerifyClient",
              "CertId",
              "CertCaId",
              "CertName",
              "CertKey",
              "CertContent",
              "CertCaName",
              "CertCaContent"),
          shape("MultiCertInfo", "SSLMode", "CertList:CertInfo[]", "SSLVerifyClient"),
          shape("CertInfo", "CertId", "CertName", "CertContent", "CertKey"),
          shape(
              "ModifyListenerRequest",
              "LoadBalancerId",
              "ListenerId",
              "ListenerName",
              "SessionExpireTime",
              "HealthCheck:HealthCheck",
              "Certificate:CertificateInput",
              "Scheduler",
              "SniSwitch",
              "TargetType",
              "KeepaliveEnable",
              "DeregisterTargetRst",
              "SessionType",
              "MultiCertInfo:MultiCertInfo",
              "MaxConn",
              "MaxCps",
              "IdleConnectTimeout",
              "ProxyProtocol",
              "SnatEnable",
              "DataCompressMode",
              "RescheduleTargetZeroWeight",
              "RescheduleUnhealthy",
              "RescheduleExpandTarget",
              "RescheduleStartTime",
              "RescheduleInterval"),
          shape("DeleteListenerRequest", "LoadBalancerId", "ListenerId"),
          shape("CreateRuleRequest", "LoadBalancerId", "ListenerId", "Rules:RuleInput[]"),
          shape(
              "RuleInput",
              "Url",
              "Domain",
              "SessionExpireTime",
              "HealthCheck:HealthCheck",
              "Certificate:CertificateInput",
              "Scheduler",
              "ForwardType",
              "DefaultServer",
              "Http2",
              "TargetType",
              "TrpcCallee",
              "TrpcFunc",
              "Quic",
              "Domains",
              "MultiCertInfo:MultiCertInfo",
              "CookieName"),
          shape(
              "ModifyRuleRequest",
              "LoadBalancerId",
              "ListenerId",
              "LocationId",
              "Url",
              "HealthCheck:HealthCheck",
              "Scheduler",
              "SessionExpireTime",
              "ForwardType",
              "TrpcCallee",
              "TrpcFunc",
              "OAuth:OAuth",
              "CookieName"),
          shape("OAuth", "OAuthEnable", "OAuthFailureStatus"),
          shape(
              "DeleteRuleRequest",
              "LoadBalancerId",
              "ListenerId",
              "LocationIds",
              "Domain",
              "Url",
              "NewDefaultServerDomain"),
          shape(
              "DescribeTargetsRequest",
              "LoadBalancerId",
              "ListenerIds",
              "Protocol",
              "Port",
              "Filters:Filter[]"),
          shape(
              "RegisterTargetsRequest",
              "LoadBalancerId",
              "ListenerId",
              "Targets:Target[]",
              "LocationId",
              "Domain",
              "Url"),
          shape("Target", "Port", "Type", "InstanceId", "Weight", "EniIp", "Tag"),
          shape(
              "DeregisterTargetsRequest",
              "LoadBalancerId",
              "ListenerId",
              "Targets:Target[]",
              "LocationId",
              "Domain",
              "Url"),
          shape("BatchRegisterTargetsRequest", "LoadBalancerId", "Targets:BatchTarget[]"),
          shape(
              "BatchTarget",
              "ListenerId",
              "Port",
              "InstanceId",
              "EniIp",
              "Weight",
              "LocationId",
              "Tag"),
          shape("BatchDeregisterTargetsRequest", "LoadBalancerId", "Targets:BatchTarget[]"),
          shape(
              "ModifyTargetWeightRequest",
              "LoadBalancerId",
              "ListenerId",
              "Targets:Target[]",
              "LocationId",
              "Domain",
              "Url",
              "Weight"),
          shape("BatchModifyTargetWeightRequest", "LoadBalancerId", "ModifyList:RsWeightRule[]"),
          shape(
              "RsWeightRule",
              "ListenerId",
              "Targets:Target[]",
              "LocationId",
              "Domain",
              "Url",
              "Weight"),
          shape("DescribeTargetHealthRequest", "LoadBalancerIds", "ListenerIds", "LocationIds"),
          shape("DescribeTaskStatusRequest", "TaskId", "DealName"),
          shape("DescribeQuotaRequest"),
          shape(
              "ModifyDomainAttributesRequest",
              "LoadBalancerId",
              "ListenerId",
              "Domain",
              "NewDomain",
              "Certificate:CertificateInput",
              "Http2",
              "DefaultServer",
              "Quic",
              "NewDefaultServerDomain",
              "NewDomains",
              "MultiCertInfo:MultiCertInfo"),
          shape(
              "AutoRewriteRequest",
              "LoadBalancerId",
              "ListenerId",
              "Domains",
              "RewriteCodes",
              "TakeUrls"),
          shape(
              "ManualRewriteRequest",
              "LoadBalancerId",
              "SourceListenerId",
              "TargetListenerId",
              "RewriteInfos:RewriteLocationMap[]"),
          shape(
              "RewriteLocationMap",
              "SourceLocationId",
              "TargetLocationId",
              "RewriteCode",
              "TakeUrl",
              "SourceDomain"),
          shape(
              "DeleteRewriteRequest",
              "LoadBalancerId",
              "SourceListenerId",
              "TargetListenerId",
              "RewriteInfos:RewriteLocationMap[]"),
          shape(
              "DescribeRewriteRequest", "LoadBalancerId", "SourceListenerIds", "SourceLocationIds"),
          // The SSL API (2019-12-05), from tccli/services/ssl/v20191205/api.json at 6e53beb.
          shape(
              "UploadCertificateRequest",
              "CertificatePublicKey",
              "CertificatePrivateKey",
              "CertificateType",
              "Alias",
              "ProjectId",
              "CertificateUse",
              "Tags:SslTag[]",
              "Repeatable",
              "KeyPassword"),
          shape("SslTag", "TagKey", "TagValue"),
          shape(
              "DescribeCertificatesRequest",
              "Offset",
              "Limit",
              "SearchKey",
              "CertificateType",
              "ProjectId",
              "ExpirationSort",
              "CertificateStatus",
              "Deployable",
              "Upload",
              "Renew",
              "FilterSource",
              "IsSM",
              "FilterExpiring",
              "Hostable",
              "Tags:SslTag[]",
              "IsPendingIssue",
              "CertIds",
              "ServiceId"),
          shape("DeleteCertificateRequest", "CertificateId", "IsCheckResource"));

  private static final Set<String> COMMON_PARAMETERS =
      Set.of(
          "Action",
          "Version",
          "Region",
          "Timestamp",
          "Nonce",
          "SecretId",
          "Signature",
          "SignatureMethod",
          "Token",
          "Language",
          "RequestClient");

  private static final String[] HEALTH_CHECK = {
    "HealthSwitch",
    "TimeOut",
    "IntervalTime",
    "HealthNum",
    "UnHealthNum",
    "HttpCode",
    "HttpCheckPath",
    "HttpCheckDomain",
    "HttpCheckMethod",
    "CheckPort",
    "CheckType"
  };
  private static final String[] CERTIFICATE = {
    "SSLMode",
    "SSLVerifyClient",
    "CertId",
    "CertCaId",
    "CertName",
    "CertKey",
    "CertContent",
    "CertCaName",
    "CertCaContent"
  };
  private static final String[] TARGET = {"Port", "Type", "InstanceId", "Weight", "EniIp"};
  private static final String[] BATCH_TARGET = {
    "ListenerId", "Port", "InstanceId", "EniIp", "Weight", "LocationId", "Tag"
  };

  /**
   * What each served action implements, as paths; everything else documented is refused by name.
   */
  private static final Map<String, Set<String>> IMPLEMENTED =
      Map.ofEntries(
          Map.entry(
              "DescribeLoadBalancers",
              paths(
                  List.of(
                      "LoadBalancerIds",
                      "LoadBalancerType",
                      "Forward",
                      "LoadBalancerName",
                      "Domain",
                      "LoadBalancerVips",
                      "BackendPrivateIps",
                      "Offset",
                      "Limit",
                      "OrderBy",
                      "OrderType",
                      "SearchKey",
                      "ProjectId",
                      "WithRs",
                      "VpcId",
                      "MasterZone",
                      "Filters",
                      "AdditionalFields"),
                  under("Filters[].", "Name", "Values"))),
          Map.entry(
              "CreateLoadBalancer",
              paths(
                  List.of(
                      "LoadBalancerType",
                      "Forward",
                      "LoadBalancerName",
                      "VpcId",
                      "SubnetId",
                      "ProjectId",
                      "AddressIPVersion",
                      "Number",
                      "MasterZoneId",
                      "ZoneId",
                      "InternetAccessible",
                      "VipIsp",
                      "Tags",
                      "Vip",
                      "SlaType",
                      "ClientToken",
                      "SnatPro",
                      "SlaveZoneId",
                      "LoadBalancerPassToTarget",
                      "LBChargeType"),
                  under(
                      "InternetAccessible.",
                      "InternetChargeType",
                      "InternetMaxBandwidthOut",
                      "BandwidthpkgSubType"),
                  under("Tags[].", "TagKey", "TagValue"))),
          Map.entry("DeleteLoadBalancer", paths(List.of("LoadBalancerIds"))),
          Map.entry(
              "DescribeListeners",
              paths(List.of("LoadBalancerId", "ListenerIds", "Protocol", "Port"))),
          Map.entry(
              "CreateListener",
              paths(
                  List.of(
                      "LoadBalancerId",
                      "Ports",
                      "Protocol",
                      "ListenerNames",
                      "HealthCheck",
                      "SessionExpireTime",
                      "Scheduler",
                      "Certificate",
                      "SniSwitch"),
                  under("HealthCheck.", HEALTH_CHECK),
                  under("Certificate.", CERTIFICATE))),
          Map.entry(
              "ModifyListener",
              paths(
                  List.of(
                      "LoadBalancerId",
                      "ListenerId",
                      "ListenerName",
                      "SessionExpireTime",
                      "HealthCheck",
                      "Scheduler",
                      "Certificate"),
                  under("HealthCheck.", HEALTH_CHECK),
                  under("Certificate.", CERTIFICATE))),
          Map.entry("DeleteListener", paths(List.of("LoadBalancerId", "ListenerId"))),
          Map.entry(
              "CreateRule",
              paths(
                  List.of("LoadBalancerId", "ListenerId", "Rules"),
                  under(
                      "Rules[].",
                      "Url",
                      "Domain",
                      "Domains",
                      "SessionExpireTime",
                      "HealthCheck",
                      "Scheduler",
                      "ForwardType",
                      "DefaultServer",
                      "Certificate"),
                  under("Rules[].HealthCheck.", HEALTH_CHECK),
                  under("Rules[].Certificate.", CERTIFICATE))),
          Map.entry(
              "ModifyRule",
              paths(
                  List.of(
                      "LoadBalancerId",
                      "ListenerId",
                      "LocationId",
                      "Url",
                      "HealthCheck",
                      "Scheduler",
                      "SessionExpireTime",
                      "ForwardType"),
                  under("HealthCheck.", HEALTH_CHECK))),
          Map.entry(
              "DeleteRule",
              paths(List.of("LoadBalancerId", "ListenerId", "LocationIds", "Domain", "Url"))),
          Map.entry(
              "DescribeTargets",
              paths(
                  List.of("LoadBalancerId", "ListenerIds", "Protocol", "Port", "Filters"),
                  under("Filters[].", "Name", "Values"))),
          Map.entry(
              "RegisterTargets",
              paths(
                  List.of("LoadBalancerId", "ListenerId", "Targets", "LocationId", "Domain", "Url"),
                  under("Targets[].", TARGET),
                  List.of("Targets[].Tag"))),
          Map.entry(
              "DeregisterTargets",
              paths(
                  List.of("LoadBalancerId", "ListenerId", "Targets", "LocationId", "Domain", "Url"),
                  under("Targets[].", TARGET),
                  List.of("Targets[].Tag"))),
          Map.entry(
              "BatchRegisterTargets",
              paths(List.of("LoadBalancerId", "Targets"), under("Targets[].", BATCH_TARGET))),
          Map.entry(
              "BatchDeregisterTargets",
              paths(List.of("LoadBalancerId", "Targets"), under("Targets[].", BATCH_TARGET))),
          Map.entry(
              "ModifyTargetWeight",
              paths(
                  List.of(
                      "LoadBalancerId",
                      "ListenerId",
                      "Targets",
                      "LocationId",
                      "Domain",
                      "Url",
                      "Weight"),
                  under("Targets[].", TARGET))),
          Map.entry(
              "BatchModifyTargetWeight",
              paths(
                  List.of("LoadBalancerId", "ModifyList"),
                  under(
                      "ModifyList[].",
                      "ListenerId",
                      "Targets",
                      "LocationId",
                      "Domain",
                      "Url",
                      "Weight"),
                  under("ModifyList[].Targets[].", TARGET))),
          Map.entry(
              "DescribeTargetHealth",
              paths(List.of("LoadBalancerIds", "ListenerIds", "LocationIds"))),
          Map.entry("DescribeTaskStatus", paths(List.of("TaskId", "DealName"))),
          Map.entry("DescribeQuota", paths()),
          Map.entry(
              "ModifyDomainAttributes",
              paths(
                  List.of(
                      "LoadBalancerId",
                      "ListenerId",
                      "Domain",
                      "NewDomain",
                      "Certificate",
                      "DefaultServer",
                      "NewDefaultServerDomain"),
                  under("Certificate.", CERTIFICATE))),
          Map.entry(
              "AutoRewrite",
              paths(
                  List.of("LoadBalancerId", "ListenerId", "Domains", "RewriteCodes", "TakeUrls"))),
          Map.entry(
              "ManualRewrite",
              paths(
                  List.of("LoadBalancerId", "SourceListenerId", "TargetListenerId", "RewriteInfos"),
                  under(
                      "RewriteInfos[].",
                      "SourceLocationId",
                      "TargetLocationId",
                      "RewriteCode",
                      "TakeUrl",
                      "SourceDomain"))),
          Map.entry(
              "DeleteRewrite",
              paths(
                  List.of("LoadBalancerId", "SourceListenerId", "TargetListenerId", "RewriteInfos"),
                  under("RewriteInfos[].", "SourceLocationId", "TargetLocationId"))),
          Map.entry(
              "DescribeRewrite",
              paths(List.of("LoadBalancerId", "SourceListenerIds", "SourceLocationIds"))),
          Map.entry(
              "UploadCertificate",
              paths(
                  List.of(
                      "CertificatePublicKey",
                      "CertificatePrivateKey",
                      "CertificateType",
                      "Alias",
                      "ProjectId",
                      "CertificateUse",
                      "Tags",
                      "Repeatable"),
                  under("Tags[].", "TagKey", "TagValue"))),
          Map.entry(
              "DescribeCertificates",
              paths(
                  List.of(
                      "Offset",
                      "Limit",
                      "SearchKey",
                      "CertificateType",
                      "ProjectId",
                      "ExpirationSort",
                      "CertificateStatus",
                      "FilterSource",
                      "Tags",
                      "CertIds"),
                  under("Tags[].", "TagKey", "TagValue"))),
          Map.entry("DeleteCertificate", paths(List.of("CertificateId", "IsCheckResource"))));

  /** Why some documented fields are refused, where it is more than "not implemented". */
  private static final Map<String, String> REASONS =
      Map.of(
          "DescribeLoadBalancers BackendPublicIps", "the emulator's targets have no public IPs",
          "DescribeLoadBalancers SecurityGroup", "the emulator models no security groups",
          "DeleteLoadBalancer ForceDelete",
              "the emulator models none of the checks that ForceDelete overrides",
          "ModifyTargetWeight Targets[].Tag", "a target's Tag is set when it is registered",
          "BatchModifyTargetWeight ModifyList[].Targets[].Tag",
              "a target's Tag is set when it is registered",
          "UploadCertificate KeyPassword", "upload the private key unencrypted",
          "DeleteRewrite RewriteInfos[].RewriteCode",
              "a rewrite is deleted by its source and target rules",
          "DeleteRewrite RewriteInfos[].TakeUrl",
              "a rewrite is deleted by its source and target rules",
          "DeleteRewrite RewriteInfos[].SourceDomain",
              "a rewrite is deleted by its source and target rules");

  private RequestFields() {}

  /**
   * Refuses {@code body} if it holds an undocumented or unimplemented field; the first one found is
   * named.
   */
  static void check(String action, JsonObject body) {
    Set<String> implemented = IMPLEMENTED.get(action);
    if (implemented == null) {
      throw new IllegalStateException("no request fields recorded for " + action);
    }
    check(action, action + "Request", "", body, implemented);
  }

  private static void check(
      String action, String type, String prefix, JsonObject body, Set<String> implemented) {
    Map<String, Field> fields = SHAPES.get(type);
    for (Map.Entry<String, JsonElement> entry : body.entrySet()) {
      String name = entry.getKey();
      JsonElement value = entry.getValue();
      if (value.isJsonNull() || (prefix.isEmpty() && COMMON_PARAMETERS.contains(name))) {
        continue;
      }
      String path = prefix + name;
      Field field = fields.get(name);
      if (field == null) {
        throw new ApiError(
            "UnknownParameter",
            "The parameter `" + path + "` is not a parameter of " + action + ".");
      }
      if (!implemented.contains(path)) {
        String reason = REASONS.get(action + " " + path);
        throw new ApiError(
            "UnsupportedOperation",
            "`"
                + path
                + "` of "
                + action
                + " is not implemented by the emulator"
                + (reason == null ? "" : ": " + reason)
                + ".");
      }
      if (field.type() == null) {
        continue;
      }
      if (field.list() && value.isJsonArray()) {
        for (JsonElement element : value.getAsJsonArray()) {
          if (element.isJsonObject()) {
            check(action, field.type(), path + "[].", element.getAsJsonObject(), implemented);
          }
        }
      } else if (!field.list() && value.isJsonObject()) {
        check(action, field.type(), path + ".", value.getAsJsonObject(), implemented);
      }
    }
  }

  /** Every documented field path of the action's request (for tests). */
  static Set<String> documented(String action) {
    Set<String> paths = new LinkedHashSet<>();
    collect(action + "Request", "", paths);
    return paths;
  }

  /** The implemented field paths of the action (for tests and docs). */
  static Set<String> implemented(String action) {
    return IMPLEMENTED.getOrDefault(action, Set.of());
  }

  /** The actions whose fields are recorded here. */
  static Set<String> actions() {
    return IMPLEMENTED.keySet();
  }

  private static void collect(String type, String prefix, Set<String> paths) {
    for (Map.Entry<String, Field> entry : SHAPES.get(type).entrySet()) {
      String path = prefix + entry.getKey();
      paths.add(path);
      Field field = entry.getValue();
      if (field.type() != null) {
        collect(field.type(), path + (field.list() ? "[]." : "."), paths);
      }
    }
  }

  /**
   * A documented field: {@code type} is its object type (null for a value), {@code list} whether it
   * is a list of them.
   */
  private record Field(String type, boolean list) {}

  private static Map.Entry<String, Map<String, Field>> shape(String type, String... fields) {
    Map<String, Field> shape = new LinkedHashMap<>();
    for (String field : fields) {
      int colon = field.indexOf(':');
      if (colon < 0) {
        shape.put(field, new Field(null, false));
      } else {
        String nested = field.substring(colon + 1);
        boolean list = nested.endsWith("[]");
        shape.put(
            field.substring(0, colon),
            new Field(list ? nested.substring(0, nested.length() - 2) : nested, list));
      }
    }
    return Map.entry(type, Collections.unmodifiableMap(shape));
  }

  @SafeVarargs
  private static Map<String, Map<String, Field>> shapes(
      Map.Entry<String, Map<String, Field>>... shapes) {
    Map<String, Map<String, Field>> all = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Field>> shape : shapes) {
      all.put(shape.getKey(), shape.getValue());
    }
    return Collections.unmodifiableMap(all);
  }

  private static List<String> under(String prefix, String... names) {
    List<String> paths = new ArrayList<>();
    for (String name : names) {
      paths.add(prefix + name);
    }
    return paths;
  }

  @SafeVarargs
  private static Set<String> paths(List<String>... groups) {
    Set<String> all = new LinkedHashSet<>();
    for (List<String> group : groups) {
      all.addAll(group);
    }
    return Collections.unmodifiableSet(all);
  }
}
