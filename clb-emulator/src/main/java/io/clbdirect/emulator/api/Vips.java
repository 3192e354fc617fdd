package io.clbdirect.emulator.api;

import io.clbdirect.emulator.Cidr;
import io.clbdirect.emulator.Networks;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Hands out VIPs: public ones as 127.&lt;vipOctet&gt;.x.y (x 0–255, y 1–254, in order), internal
 * ones from the load balancer's subnet. choice: in a subnet the first two addresses (network,
 * gateway) and the last (broadcast) are never handed out, as in a Tencent VPC subnet; addresses are
 * taken in order after the last one handed out (wrapping around), so a deleted load balancer's VIP
 * is not reused at once. Callers hold the state lock and pass the VIPs in use.
 */
final class Vips {

  private static final int PUBLIC_VIPS = 256 * 254;

  private final int vipOctet;
  private int nextPublic;
  private final Map<String, Integer> subnetCursors = new HashMap<>();

  Vips(int vipOctet) {
    this.vipOctet = vipOctet;
  }

  String nextPublic(Set<String> used) {
    for (int tried = 0; tried < PUBLIC_VIPS; tried++) {
      int n = nextPublic;
      nextPublic = (nextPublic + 1) % PUBLIC_VIPS;
      String vip = "127." + vipOctet + "." + (n / 254) + "." + (n % 254 + 1);
      if (!used.contains(vip)) {
        return vip;
      }
    }
    throw new ApiError(
        "ResourceInsufficient", "No public VIP is free in 127." + vipOctet + ".0.0/16.");
  }

  String nextInSubnet(Networks.Subnet subnet, Set<String> used) {
    Cidr block = Cidr.parse(subnet.cidr());
    int first = block.network() + 2;
    int count = (int) (block.size() - 3);
    int offset = subnetCursors.getOrDefault(subnet.subnetId(), 0);
    for (int tried = 0; tried < count; tried++) {
      int index = (offset + tried) % count;
      String vip = Cidr.format(first + index);
      if (!used.contains(vip)) {
        subnetCursors.put(subnet.subnetId(), (index + 1) % count);
        return vip;
      }
    }
    throw new ApiError(
        "ResourceInsufficient",
        "Subnet " + subnet.subnetId() + " (" + subnet.cidr() + ") has no free address for a VIP.");
  }

  /**
   * A requested public VIP: inside 127.&lt;vipOctet&gt;.0.0/16 with a last octet 1–254, and free.
   */
  void checkPublic(String vip, Set<String> used) {
    Integer address = Cidr.ipv4(vip);
    Cidr range = Cidr.parse("127." + vipOctet + ".0.0/16");
    if (address == null
        || !range.contains(address)
        || (address & 255) == 0
        || (address & 255) == 255) {
      throw new ApiError(
          "InvalidParameterValue",
          "`Vip` "
              + vip
              + " is not a public VIP of the emulator ("
              + range
              + ", last octet 1-254).");
    }
    free(vip, used);
  }

  /** A requested internal VIP: inside the subnet, not one of its reserved addresses, and free. */
  void checkInSubnet(String vip, Networks.Subnet subnet, Set<String> used) {
    Integer address = Cidr.ipv4(vip);
    Cidr block = Cidr.parse(subnet.cidr());
    if (address == null || !block.contains(address)) {
      throw new ApiError(
          "InvalidParameterValue",
          "`Vip` " + vip + " is not inside subnet " + subnet.subnetId() + " (" + block + ").");
    }
    if (address == block.network() || address == block.network() + 1 || address == block.last()) {
      throw new ApiError(
          "InvalidParameterValue",
          "`Vip` "
              + vip
              + " is reserved in subnet "
              + subnet.subnetId()
              + " ("
              + block
              + "): its network, gateway and broadcast addresses are not handed out.");
    }
    free(vip, used);
  }

  private static void free(String vip, Set<String> used) {
    if (used.contains(vip)) {
      // choice: an occupied VIP is ResourceInUse (the reference only says creation fails).
      throw new ApiError(
          "ResourceInUse", "`Vip` " + vip + " is already used by another load balancer.");
    }
  }
}
