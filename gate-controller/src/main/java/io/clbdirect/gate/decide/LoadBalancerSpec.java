package io.clbdirect.gate.decide;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * How clb-direct creates a frontend's load balancer: in the cluster's VPC always; public ({@code
 * OPEN}) or internal in a subnet; with SNAT Pro when Pod IPs are not VPC addresses; plus the user's
 * CreateLoadBalancer fields. Applied once, at creation: nothing here moves an existing load
 * balancer.
 *
 * @param internalSubnetId the subnet of an internal load balancer, or null for a public one
 * @param snatPro whether the load balancer must bind addresses outside its VPC (GlobalRouter Pod
 *     IPs)
 * @param extensiveParameters the user's extra CreateLoadBalancer fields, already checked
 */
public record LoadBalancerSpec(
    String internalSubnetId, boolean snatPro, JsonObject extensiveParameters) {

  public LoadBalancerSpec {
    Objects.requireNonNull(extensiveParameters, "extensiveParameters");
    extensiveParameters = extensiveParameters.deepCopy();
  }

  public String loadBalancerType() {
    return internalSubnetId == null ? "OPEN" : "INTERNAL";
  }

  @Override
  public JsonObject extensiveParameters() {
    return extensiveParameters.deepCopy();
  }

  /**
   * A short digest of what the annotations ask for, kept as a tag on the load balancer clb-direct
   * creates: a later change of the annotations is then noticed (and reported), not silently
   * ignored.
   */
  public String fingerprint() {
    // SNAT Pro is left out: it follows the cluster's network mode, not the annotations.
    String canonical =
        loadBalancerType()
            + "|"
            + (internalSubnetId == null ? "" : internalSubnetId)
            + "|"
            + CanonicalJson.of(extensiveParameters);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
