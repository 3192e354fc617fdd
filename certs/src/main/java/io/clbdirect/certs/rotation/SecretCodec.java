package io.clbdirect.certs.rotation;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.CertificateChecks;
import io.clbdirect.certs.Pem;
import io.clbdirect.certs.ServingCertificate;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ServingMaterial} to and from a {@code kubernetes.io/tls} Secret's data and annotations.
 * The standard keys ({@code tls.crt}, {@code tls.key}, {@code ca.crt}) are what every TLS consumer
 * and cert-manager use; the CA keys clb-direct needs to issue again live beside them.
 */
public final class SecretCodec {

  public static final String TLS_CRT = "tls.crt";
  public static final String TLS_KEY = "tls.key";
  public static final String CA_CRT = "ca.crt";
  public static final String SIGNING_CA_CRT = "signing-ca.crt";
  public static final String SIGNING_CA_KEY = "signing-ca.key";
  public static final String NEXT_CA_CRT = "next-ca.crt";
  public static final String NEXT_CA_KEY = "next-ca.key";

  public static final String CA_PUBLISHED_AT = "clb-direct.io/ca-published-at";
  public static final String LEAF_SWITCHED_AT = "clb-direct.io/leaf-switched-at";

  private SecretCodec() {}

  /** Secret contents: data (bytes) and the annotations clb-direct owns. */
  public record SecretContent(Map<String, byte[]> data, Map<String, String> annotations) {}

  public static SecretContent encode(ServingMaterial material) {
    Map<String, byte[]> data = new HashMap<>();
    data.put(TLS_CRT, bytes(material.leaf().certificatePem()));
    data.put(TLS_KEY, bytes(material.leaf().privateKeyPem()));
    data.put(CA_CRT, bytes(material.bundle().pem()));
    data.put(
        SIGNING_CA_CRT, bytes(Pem.encodeCertificates(List.of(material.signingCa().certificate()))));
    data.put(SIGNING_CA_KEY, bytes(Pem.encodePrivateKey(material.signingCa().privateKey())));
    Map<String, String> annotations = new HashMap<>();
    if (material.nextCa() != null) {
      data.put(
          NEXT_CA_CRT, bytes(Pem.encodeCertificates(List.of(material.nextCa().certificate()))));
      data.put(NEXT_CA_KEY, bytes(Pem.encodePrivateKey(material.nextCa().privateKey())));
      annotations.put(CA_PUBLISHED_AT, material.caPublishedAt().toString());
    }
    if (material.leafSwitchedAt() != null) {
      annotations.put(LEAF_SWITCHED_AT, material.leafSwitchedAt().toString());
    }
    return new SecretContent(data, annotations);
  }

  /**
   * Reads a Secret clb-direct manages.
   *
   * @throws MalformedSecretException naming what is missing or broken; the caller reissues
   */
  public static ServingMaterial decode(Map<String, byte[]> data, Map<String, String> annotations)
      throws MalformedSecretException {
    if (data == null) {
      throw new MalformedSecretException("Secret has no data");
    }
    try {
      X509Certificate leafCert = Pem.decodeCertificates(text(data, TLS_CRT)).get(0);
      PrivateKey leafKey = Pem.decodePrivateKey(text(data, TLS_KEY));
      CaBundle bundle = CaBundle.parse(text(data, CA_CRT));
      CertificateAuthority signing =
          new CertificateAuthority(
              Pem.decodeCertificates(text(data, SIGNING_CA_CRT)).get(0),
              Pem.decodePrivateKey(text(data, SIGNING_CA_KEY)));
      CertificateAuthority next = null;
      Instant publishedAt = null;
      if (data.containsKey(NEXT_CA_CRT)) {
        next =
            new CertificateAuthority(
                Pem.decodeCertificates(text(data, NEXT_CA_CRT)).get(0),
                Pem.decodePrivateKey(text(data, NEXT_CA_KEY)));
        publishedAt = instant(annotations, CA_PUBLISHED_AT);
        if (publishedAt == null) {
          throw new MalformedSecretException("next CA present without " + CA_PUBLISHED_AT);
        }
      }
      X509Certificate issuer = CertificateChecks.issuerIn(leafCert, List.of(signing.certificate()));
      if (issuer == null) {
        throw new MalformedSecretException("tls.crt is not signed by the signing CA");
      }
      return new ServingMaterial(
          bundle,
          signing,
          new ServingCertificate(leafCert, leafKey, signing.certificate()),
          next,
          publishedAt,
          instant(annotations, LEAF_SWITCHED_AT));
    } catch (IllegalArgumentException e) {
      throw new MalformedSecretException(e.getMessage());
    }
  }

  /**
   * The leaf and bundle of any TLS Secret (also one clb-direct does not manage, e.g.
   * cert-manager's).
   */
  public static ServingCertificate readLeaf(Map<String, byte[]> data)
      throws MalformedSecretException {
    if (data == null) {
      throw new MalformedSecretException("Secret has no data");
    }
    try {
      List<X509Certificate> chain = Pem.decodeCertificates(text(data, TLS_CRT));
      X509Certificate issuer = chain.size() > 1 ? chain.get(1) : null;
      return new ServingCertificate(
          chain.get(0), Pem.decodePrivateKey(text(data, TLS_KEY)), issuer);
    } catch (IllegalArgumentException e) {
      throw new MalformedSecretException(e.getMessage());
    }
  }

  public static CaBundle readBundle(Map<String, byte[]> data) throws MalformedSecretException {
    try {
      return CaBundle.parse(text(data, CA_CRT));
    } catch (IllegalArgumentException e) {
      throw new MalformedSecretException(e.getMessage());
    }
  }

  private static String text(Map<String, byte[]> data, String key) throws MalformedSecretException {
    byte[] value = data.get(key);
    if (value == null || value.length == 0) {
      throw new MalformedSecretException("missing " + key);
    }
    return new String(value, StandardCharsets.UTF_8);
  }

  private static Instant instant(Map<String, String> annotations, String key)
      throws MalformedSecretException {
    String value = annotations == null ? null : annotations.get(key);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new MalformedSecretException(key + " is not a timestamp: " + value);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The Secret cannot be read as clb-direct's serving material; the message says why (never key
   * bytes).
   */
  public static final class MalformedSecretException extends Exception {
    public MalformedSecretException(String message) {
      super(message);
    }
  }
}
