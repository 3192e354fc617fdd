package io.clbdirect.emulator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 block such as {@code 127.0.0.0/10}: {@code network} is its first address (as an unsigned
 * int in a Java int), {@code prefix} its length. Only literals are parsed; no lookup goes to DNS.
 */
public record Cidr(int network, int prefix) {

  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  public Cidr {
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("prefix length must be 0..32, got " + prefix);
    }
    if ((network & mask(prefix)) != network) {
      throw new IllegalArgumentException(
          format(network) + "/" + prefix + " is not a network address (host bits set)");
    }
  }

  /** {@code a.b.c.d/n}; IllegalArgumentException naming the text when it is not one. */
  public static Cidr parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    Integer address = slash < 0 ? null : ipv4(text.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR such as 127.0.0.0/10");
    }
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has no prefix length after '/'");
    }
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("'" + text + "': prefix length must be 0..32");
    }
    if ((address & mask(prefix)) != address) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a network address (did you mean "
              + format(address & mask(prefix))
              + "/"
              + prefix
              + "?)");
    }
    return new Cidr(address, prefix);
  }

  /** The address of an IPv4 literal, or null when {@code text} is not one. */
  public static Integer ipv4(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = IPV4.matcher(text);
    if (!m.matches()) {
      return null;
    }
    int address = 0;
    for (int i = 1; i <= 4; i++) {
      int octet = Integer.parseInt(m.group(i));
      if (octet > 255) {
        return null;
      }
      address = (address << 8) | octet;
    }
    return address;
  }

  public static String format(int address) {
    return (address >>> 24)
        + "."
        + ((address >>> 16) & 255)
        + "."
        + ((address >>> 8) & 255)
        + "."
        + (address & 255);
  }

  private static int mask(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  /** The last address of the block. */
  public int last() {
    return network | ~mask(prefix);
  }

  /** How many addresses the block holds. */
  public long size() {
    return 1L << (32 - prefix);
  }

  public boolean contains(int address) {
    return (address & mask(prefix)) == network;
  }

  /** Whether {@code ip} is an IPv4 literal inside this block. */
  public boolean contains(String ip) {
    Integer address = ipv4(ip);
    return address != null && contains(address);
  }

  public boolean contains(Cidr other) {
    return other.prefix >= prefix && contains(other.network);
  }

  public boolean overlaps(Cidr other) {
    return contains(other) || other.contains(this);
  }

  @Override
  public String toString() {
    return format(network) + "/" + prefix;
  }
}
