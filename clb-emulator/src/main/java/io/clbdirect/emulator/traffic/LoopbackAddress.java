package io.clbdirect.emulator.traffic;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for where the emulator may bind or connect: an IPv4 literal in 127.0.0.0/8 and a
 * port in 1–65535. Target addresses and VIPs arrive through the API, so anything else (a real ENI
 * IP such as 10.0.0.7, a host name, IPv6) is refused here rather than letting a test reach off the
 * machine. Only literals are parsed, so no lookup ever goes to DNS.
 */
public final class LoopbackAddress {

  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  private LoopbackAddress() {}

  /**
   * The socket address for {@code ip:port}, or null when {@code ip} is not a 127/8 literal or the
   * port is out of range.
   */
  public static InetSocketAddress of(String ip, int port) {
    if (ip == null || port < 1 || port > 65535) {
      return null;
    }
    Matcher m = IPV4.matcher(ip.trim());
    if (!m.matches()) {
      return null;
    }
    byte[] octets = new byte[4];
    for (int i = 0; i < 4; i++) {
      int octet = Integer.parseInt(m.group(i + 1));
      if (octet > 255) {
        return null;
      }
      octets[i] = (byte) octet;
    }
    if (octets[0] != 127) {
      return null;
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(octets), port);
    } catch (UnknownHostException impossible) {
      throw new AssertionError("four octets are always a valid address", impossible);
    }
  }
}
