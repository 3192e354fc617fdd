package io.clbdirect.certs;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Questions asked of certificates before trusting or serving them. Pure. */
public final class CertificateChecks {

  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;

  private CertificateChecks() {}

  public static boolean validAt(X509Certificate certificate, Instant when) {
    return !when.isBefore(certificate.getNotBefore().toInstant())
        && !when.isAfter(certificate.getNotAfter().toInstant());
  }

  public static boolean isCa(X509Certificate certificate) {
    return certificate.getBasicConstraints() >= 0;
  }

  /**
   * The CA among {@code trusted} that signed {@code leaf}, if any (one level, as the API server
   * checks).
   */
  public static X509Certificate issuerIn(
      X509Certificate leaf, Collection<X509Certificate> trusted) {
    for (X509Certificate ca : trusted) {
      if (!isCa(ca) || !ca.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
        continue;
      }
      try {
        leaf.verify(ca.getPublicKey());
        return ca;
      } catch (GeneralSecurityException e) {
        // same subject, other key: keep looking (two generations of our CA share a subject)
      }
    }
    return null;
  }

  /** Would a client trusting only {@code bundle} accept {@code leaf} at {@code when}? */
  public static boolean trustedBy(
      X509Certificate leaf, Collection<X509Certificate> bundle, Instant when) {
    X509Certificate issuer = issuerIn(leaf, bundle);
    return issuer != null && validAt(leaf, when) && validAt(issuer, when);
  }

  /** True when the leaf names every wanted DNS name and IP address. */
  public static boolean covers(
      X509Certificate leaf, List<String> dnsNames, List<InetAddress> ipAddresses) {
    Set<String> dns = new HashSet<>();
    Set<String> ips = new HashSet<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == SAN_DNS) {
            dns.add(((String) san.get(1)).toLowerCase(java.util.Locale.ROOT));
          } else if (type == SAN_IP) {
            ips.add(canonicalIp((String) san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    return dnsNames.stream().allMatch(name -> dns.contains(name.toLowerCase(java.util.Locale.ROOT)))
        && ipAddresses.stream().allMatch(ip -> ips.contains(ip.getHostAddress()));
  }

  private static String canonicalIp(String literal) {
    try {
      return InetAddress.getByName(literal).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return literal;
    }
  }
}
