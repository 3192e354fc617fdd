package io.clbdirect.gate.decide;

import java.util.Objects;

/** A direct-access target: the Pod IP (as EniIp) and its resolved target port. */
public record TargetAddress(String ip, int port) implements Comparable<TargetAddress> {

  public TargetAddress {
    Objects.requireNonNull(ip, "ip");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("target port out of range: " + port);
    }
  }

  @Override
  public int compareTo(TargetAddress other) {
    int byIp = ip.compareTo(other.ip);
    return byIp != 0 ? byIp : Integer.compare(port, other.port);
  }

  @Override
  public String toString() {
    return ip + ":" + port;
  }
}
