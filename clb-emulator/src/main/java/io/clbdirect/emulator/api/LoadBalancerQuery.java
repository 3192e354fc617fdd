package io.clbdirect.emulator.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.LoadBalancer;
import io.clbdirect.emulator.model.Rule;
import io.clbdirect.emulator.model.Target;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * DescribeLoadBalancers: every documented request filter, combined with AND, then
 * OrderBy/OrderType, Offset and Limit. Matching, where the reference says "fuzzy", is a
 * case-sensitive substring match (so {@code LoadBalancerName: "web"} also returns {@code web-2}: a
 * caller looking up its own instance must compare the name exactly); everything else is exact. A
 * filter that matches nothing returns nothing. The filter {@code function-name} names things the
 * emulator does not model and is refused with {@code UnsupportedOperation}, as {@link
 * RequestFields} refuses {@code BackendPublicIps} and {@code SecurityGroup}.
 */
final class LoadBalancerQuery {

  static final Set<String> ORDER_BY =
      Set.of("LoadBalancerName", "CreateTime", "Domain", "LoadBalancerType");
  private static final Set<String> FILTERS =
      Set.of(
          "charge-type",
          "internet-charge-type",
          "master-zone-id",
          "tag-key",
          "vip-isp",
          "sla-type",
          "exclusive");
  private static final Map<String, String> FILTERS_NOT_MODELLED =
      Map.of("function-name", "the emulator binds no SCF functions");
  private static final Map<String, Set<String>> FILTER_CHOICES =
      Map.of(
          "charge-type", Set.of("PREPAID", "POSTPAID_BY_HOUR"),
          "internet-charge-type", LoadBalancerCreation.INTERNET_CHARGE_TYPES,
          "vip-isp", Set.of("BGP", "CMCC", "CTCC", "CUCC", "INTERNAL"),
          "sla-type", LoadBalancerCreation.SLA_TYPES,
          "exclusive", Set.of("0", "1"));

  private LoadBalancerQuery() {}

  /**
   * @param all every load balancer, in creation order
   * @param instanceAddress the address registered for an InstanceId (null when none)
   */
  static JsonObject describe(
      Params p, Collection<LoadBalancer> all, Function<String, String> instanceAddress) {
    List<Predicate<LoadBalancer>> tests = new ArrayList<>();
    List<String> ids = p.strings("LoadBalancerIds");
    if (ids.size() > 20) {
      throw ApiError.tooMany("LoadBalancerIds", 20);
    }
    if (!ids.isEmpty()) {
      tests.add(lb -> ids.contains(lb.loadBalancerId()));
    }
    if (p.has("LoadBalancerType")) {
      String type =
          oneOf(p.optString("LoadBalancerType"), "LoadBalancerType", Set.of("OPEN", "INTERNAL"));
      tests.add(lb -> lb.type().equals(type));
    }
    if (p.has("Forward")) {
      int forward = p.optInt("Forward");
      if (forward != 0 && forward != 1) {
        throw new ApiError(
            "InvalidParameterValue.Range",
            "`Forward` must be 0 (classic) or 1, got " + forward + ".");
      }
      // Every emulated instance is a CLB (1); there are no classic ones.
      tests.add(lb -> forward == 1);
    }
    if (p.has("LoadBalancerName")) {
      String name = p.optString("LoadBalancerName");
      tests.add(lb -> lb.name().contains(name));
    }
    if (p.has("Domain")) {
      String domain = p.optString("Domain");
      tests.add(lb -> !Views.domain(lb).isEmpty() && Views.domain(lb).contains(domain));
    }
    List<String> vips = p.strings("LoadBalancerVips");
    if (!vips.isEmpty()) {
      tests.add(lb -> vips.contains(lb.vip()));
    }
    List<String> backends = p.strings("BackendPrivateIps");
    if (!backends.isEmpty()) {
      tests.add(
          lb -> targets(lb).stream().anyMatch(t -> backends.contains(address(t, instanceAddress))));
    }
    if (p.has("SearchKey")) {
      String key = p.optString("SearchKey");
      tests.add(
          lb ->
              lb.name().contains(key)
                  || lb.loadBalancerId().contains(key)
                  || lb.vip().contains(key)
                  || (!Views.domain(lb).isEmpty() && Views.domain(lb).contains(key)));
    }
    if (p.has("ProjectId")) {
      long project = p.optInt("ProjectId");
      tests.add(lb -> lb.attributes().projectId() == project);
    }
    if (p.has("WithRs")) {
      int withRs = p.optInt("WithRs");
      if (withRs < -1 || withRs > 1) {
        throw new ApiError(
            "InvalidParameterValue.Range", "`WithRs` must be -1, 0 or 1, got " + withRs + ".");
      }
      if (withRs != -1) {
        tests.add(lb -> (lb.targetCount() > 0) == (withRs == 1));
      }
    }
    if (p.has("VpcId")) {
      String vpcId = p.optString("VpcId");
      tests.add(lb -> lb.vpcId().equals(vpcId));
    }
    if (p.has("MasterZone")) {
      String zone = p.optString("MasterZone");
      tests.add(lb -> zone.equals(lb.attributes().masterZone()));
    }
    for (Filters.Filter filter :
        Filters.read(
            p,
            "DescribeLoadBalancers",
            name -> FILTERS.contains(name) || isTagFilter(name),
            FILTERS_NOT_MODELLED,
            FILTER_CHOICES)) {
      tests.add(filterTest(filter));
    }
    boolean targetCount = false;
    for (String field : p.strings("AdditionalFields")) {
      if (!field.equals("TargetCount")) {
        throw new ApiError(
            "InvalidParameterValue.Range",
            "`AdditionalFields` takes TargetCount, got " + field + ".");
      }
      targetCount = true;
    }
    int offset = p.optInt("Offset") == null ? 0 : p.optInt("Offset");
    int limit = p.optInt("Limit") == null ? 20 : p.optInt("Limit");
    if (limit < 1 || limit > 100 || offset < 0) {
      throw new ApiError("InvalidParameterValue.Range", "Limit must be 1..100 and Offset >= 0.");
    }
    String orderBy =
        p.has("OrderBy") ? oneOf(p.optString("OrderBy"), "OrderBy", ORDER_BY) : "CreateTime";
    int orderType = p.optInt("OrderType") == null ? 1 : p.optInt("OrderType");
    if (orderType != 0 && orderType != 1) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`OrderType` must be 0 (ascending) or 1 (descending), got " + orderType + ".");
    }

    List<LoadBalancer> matching = new ArrayList<>();
    for (LoadBalancer lb : all) {
      if (tests.stream().allMatch(t -> t.test(lb))) {
        matching.add(lb);
      }
    }
    // A stable sort over creation order; descending reverses it all, so ties come newest first.
    Comparator<LoadBalancer> order =
        switch (orderBy) {
          case "LoadBalancerName" -> Comparator.comparing(LoadBalancer::name);
          case "Domain" -> Comparator.comparing(Views::domain);
          case "LoadBalancerType" -> Comparator.comparing(LoadBalancer::type);
          default -> Comparator.comparing(LoadBalancer::createTime);
        };
    matching.sort(order);
    if (orderType == 1) {
      Collections.reverse(matching);
    }
    JsonArray set = new JsonArray();
    boolean withTargetCount = targetCount;
    matching.stream()
        .skip(offset)
        .limit(limit)
        .forEach(lb -> set.add(Views.loadBalancer(lb, withTargetCount)));
    JsonObject response = new JsonObject();
    response.addProperty("TotalCount", matching.size());
    response.add("LoadBalancerSet", set);
    return response;
  }

  private static boolean isTagFilter(String name) {
    return name.startsWith("tag:") && name.length() > 4;
  }

  private static Predicate<LoadBalancer> filterTest(Filters.Filter f) {
    if (isTagFilter(f.name())) {
      String key = f.name().substring(4);
      return lb -> f.matches(lb.tags().get(key));
    }
    return switch (f.name()) {
      case "tag-key" -> lb -> lb.tags().keySet().stream().anyMatch(f.values()::contains);
      case "charge-type" -> lb -> f.matches(lb.attributes().chargeType());
      case "internet-charge-type" -> lb -> f.matches(lb.attributes().internetChargeType());
      case "master-zone-id" -> lb -> f.matches(lb.attributes().masterZone());
      case "vip-isp" -> lb -> f.matches(lb.attributes().vipIsp());
      case "sla-type" -> lb -> f.matches(lb.attributes().slaType());
      // No emulated instance is exclusive.
      case "exclusive" -> lb -> f.matches("0");
      default -> throw new IllegalStateException("filter " + f.name() + " read but not matched");
    };
  }

  private static List<Target> targets(LoadBalancer lb) {
    List<Target> targets = new ArrayList<>();
    for (Listener listener : lb.listeners().values()) {
      targets.addAll(listener.targets().values());
      for (Rule rule : listener.rules().values()) {
        targets.addAll(rule.targets().values());
      }
    }
    return targets;
  }

  /** A target's private address: its EniIp, or the address registered for its InstanceId. */
  static String address(Target target, Function<String, String> instanceAddress) {
    return target.eniIp() != null ? target.eniIp() : instanceAddress.apply(target.instanceId());
  }

  private static String oneOf(String value, String field, Set<String> allowed) {
    if (!allowed.contains(value)) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`"
              + field
              + "` must be one of "
              + String.join(", ", allowed.stream().sorted().toList())
              + ", got "
              + value
              + ".");
    }
    return value;
  }
}
