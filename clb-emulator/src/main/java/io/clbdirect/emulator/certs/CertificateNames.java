package io.clbdirect.emulator.certs;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** The names a certificate is for: its subject CN and DNS subject alternative names. */
public final class CertificateNames {

  private static final int DNS_NAME = 2;

  private CertificateNames() {}

  static String commonName(X509Certificate certificate) {
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }

  static List<String> dnsNames(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(DNS_NAME).equals(san.get(0))) {
            names.add(san.get(1).toString());
          }
        }
      }
    } catch (CertificateParsingException e) {
      return names;
    }
    return names;
  }

  /** The CN first (when there is one), then the DNS names not already listed. */
  static List<String> allNames(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    String cn = commonName(certificate);
    if (cn != null) {
      names.add(cn);
    }
    for (String dns : dnsNames(certificate)) {
      if (!names.contains(dns)) {
        names.add(dns);
      }
    }
    return names;
  }

  /**
   * Does a certificate or rule domain cover {@code host}? Exactly (case-insensitive), or a {@code
   * *.} wildcard standing for exactly one label, as TLS name matching (RFC 6125) has it.
   */
  public static boolean covers(String pattern, String host) {
    String p = pattern.toLowerCase(Locale.ROOT);
    String h = host.toLowerCase(Locale.ROOT);
    if (p.equals(h)) {
      return true;
    }
    if (!p.startsWith("*.")) {
      return false;
    }
    int dot = h.indexOf('.');
    return dot > 0 && h.substring(dot).equals(p.substring(1));
  }
}
