package io.clbdirect.certs;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** The set of CA certificates published as {@code caBundle}. Pure and immutable. */
public record CaBundle(List<X509Certificate> certificates) {

  public CaBundle {
    certificates = List.copyOf(certificates);
  }

  public static CaBundle of(X509Certificate... certificates) {
    return new CaBundle(List.of(certificates));
  }

  public static CaBundle parse(String pem) {
    return new CaBundle(Pem.decodeCertificates(pem));
  }

  public String pem() {
    return Pem.encodeCertificates(certificates);
  }

  /** This bundle plus {@code ca}, without duplicates. */
  public CaBundle with(X509Certificate ca) {
    if (contains(ca)) {
      return this;
    }
    List<X509Certificate> all = new ArrayList<>(certificates);
    all.add(ca);
    return new CaBundle(all);
  }

  /** Only the certificates in {@code keep}. */
  public CaBundle retainOnly(Collection<X509Certificate> keep) {
    return new CaBundle(
        certificates.stream().filter(c -> keep.stream().anyMatch(k -> same(c, k))).toList());
  }

  /** Without certificates that have expired by {@code now}. */
  public CaBundle withoutExpired(Instant now) {
    return new CaBundle(
        certificates.stream().filter(c -> !now.isAfter(c.getNotAfter().toInstant())).toList());
  }

  public boolean contains(X509Certificate certificate) {
    return certificates.stream().anyMatch(c -> same(c, certificate));
  }

  public boolean sameAs(CaBundle other) {
    return certificates.size() == other.certificates.size()
        && certificates.stream().allMatch(other::contains);
  }

  private static boolean same(X509Certificate a, X509Certificate b) {
    try {
      return Arrays.equals(a.getEncoded(), b.getEncoded());
    } catch (CertificateEncodingException e) {
      return false;
    }
  }
}
