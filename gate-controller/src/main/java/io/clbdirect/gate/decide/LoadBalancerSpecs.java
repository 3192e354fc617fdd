package io.clbdirect.gate.decide;

import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** From a frontend's annotations to the load balancer clb-direct would create for it. Pure. */
public final class LoadBalancerSpecs {

  private LoadBalancerSpecs() {}

  /**
   * @param spec what to create; null when {@code problems} is not empty
   * @param problems why nothing may be created (bad JSON, a refused field, an empty subnet id)
   * @param ignored annotations that have no effect here, each with why (a reused load balancer is
   *     never re-created, so creation parameters do not apply to it)
   */
  public record Decision(LoadBalancerSpec spec, List<String> problems, List<String> ignored) {
    public Decision {
      problems = List.copyOf(problems);
      ignored = List.copyOf(ignored);
    }
  }

  /**
   * @param podIpsOutsideVpc the cluster's Pod IPs come from a GlobalRouter CIDR, not from VPC
   *     subnets, so only a load balancer with SNAT Pro can bind them
   */
  public static Decision decide(
      FrontendAnnotations names, Map<String, String> annotations, boolean podIpsOutsideVpc) {
    Map<String, String> given = annotations == null ? Map.of() : annotations;
    List<String> problems = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    String subnet = given.get(names.internalSubnet());
    if (subnet != null && subnet.isBlank()) {
      problems.add(
          names.internalSubnet()
              + " is empty: give the id of a subnet of the cluster's VPC (subnet-...), or remove it for a "
              + "public load balancer");
    }
    ExtensiveParameters.Parsed extensive =
        ExtensiveParameters.parse(
            names.extensiveParameters(), given.get(names.extensiveParameters()));
    problems.addAll(extensive.problems());
    JsonElement snat = extensive.fields().get("SnatPro");
    boolean userSnatPro = snat != null && snat.isJsonPrimitive() && snat.getAsBoolean();
    if (podIpsOutsideVpc && snat != null && !userSnatPro) {
      problems.add(
          names.extensiveParameters()
              + ": SnatPro false cannot work here: Pod IPs come from the GlobalRouter cluster CIDR, "
              + "not from VPC subnets, and only a load balancer with SNAT Pro can bind them");
    }
    String existing = given.get(names.existingLoadBalancer());
    if (existing != null && !existing.isBlank()) {
      for (String creationOnly : List.of(names.internalSubnet(), names.extensiveParameters())) {
        if (given.containsKey(creationOnly)) {
          ignored.add(
              creationOnly
                  + " is ignored: this "
                  + names.kind()
                  + " reuses load balancer "
                  + existing.trim()
                  + " ("
                  + names.existingLoadBalancer()
                  + "), and creation parameters apply only to a load balancer clb-direct creates");
        }
      }
      // A reused load balancer is never created, so nothing in the creation parameters can stop it.
      problems.clear();
    }
    if (!problems.isEmpty()) {
      return new Decision(null, problems, ignored);
    }
    LoadBalancerSpec spec =
        new LoadBalancerSpec(
            subnet == null ? null : subnet.trim(),
            podIpsOutsideVpc || userSnatPro,
            extensive.fields());
    return new Decision(spec, List.of(), ignored);
  }
}
