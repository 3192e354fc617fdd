package io.clbdirect.gate.decide;

import io.clbdirect.gate.decide.CertificateSource.CertIds;
import io.clbdirect.gate.decide.CertificateSource.Material;
import io.clbdirect.gate.decide.CertificateSource.Problem;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Reads a frontend's TLS Secret into a {@link CertificateSource}. Pure.
 *
 * <ul>
 *   <li>TKE's convention: key {@code qcloud_cert_id} holds the id of a certificate already in SSL
 *       Certificates; {@code qcloud_ca_cert_id}, when present, is the client CA that turns on
 *       mutual TLS.
 *   <li>A {@code kubernetes.io/tls} Secret (what cert-manager writes): {@code tls.crt} and {@code
 *       tls.key}, uploaded by clb-direct.
 * </ul>
 *
 * A Secret with both is read the TKE way, {@code qcloud_cert_id} wins: that is what TKE's own
 * controller reads from the same Secret, so a frontend moved between the two controllers keeps
 * serving the same certificate, and an explicit id is the more deliberate choice.
 *
 * <p>Only {@code data} is read: {@code stringData} is write-only, merged into {@code data} by the
 * API server and never returned by it.
 */
public final class SecretCertificates {

  public static final String CERT_ID_KEY = "qcloud_cert_id";
  public static final String CA_CERT_ID_KEY = "qcloud_ca_cert_id";
  public static final String TLS_TYPE = "kubernetes.io/tls";
  public static final String TLS_CERT_KEY = "tls.crt";
  public static final String TLS_KEY_KEY = "tls.key";

  private static final String EXPECTED =
      CERT_ID_KEY
          + " (the id of a certificate in SSL Certificates), or be of type "
          + TLS_TYPE
          + " with "
          + TLS_CERT_KEY
          + " and "
          + TLS_KEY_KEY;

  private SecretCertificates() {}

  /**
   * @param ref the Secret the frontend names
   * @param secret that Secret from the cache, null when it does not exist
   */
  public static CertificateSource decide(SecretRef ref, V1Secret secret) {
    if (secret == null) {
      return new Problem("Secret " + ref + " does not exist; it should hold " + EXPECTED);
    }
    Map<String, byte[]> data = secret.getData() == null ? Map.of() : secret.getData();
    String certId = text(data.get(CERT_ID_KEY));
    if (certId != null) {
      return new CertIds(certId, text(data.get(CA_CERT_ID_KEY)));
    }
    if (!TLS_TYPE.equals(secret.getType())) {
      String type = secret.getType() == null ? "Opaque" : secret.getType();
      return new Problem(
          "Secret "
              + ref
              + " (type "
              + type
              + ") has no "
              + CERT_ID_KEY
              + "; it should hold "
              + EXPECTED);
    }
    return material(ref, data);
  }

  private static CertificateSource material(SecretRef ref, Map<String, byte[]> data) {
    String certPem = text(data.get(TLS_CERT_KEY));
    byte[] leaf = certPem == null ? null : Pem.firstCertificate(certPem);
    if (leaf == null) {
      return new Problem(
          "Secret "
              + ref
              + " has no PEM certificate (-----BEGIN CERTIFICATE-----) in "
              + TLS_CERT_KEY);
    }
    String keyPem = text(data.get(TLS_KEY_KEY));
    if (keyPem == null) {
      return new Problem("Secret " + ref + " has an empty " + TLS_KEY_KEY);
    }
    if (!Pem.hasPrivateKey(keyPem)) {
      // Never quotes the value: it may be a real key in a format not expected here.
      return new Problem(
          "Secret "
              + ref
              + " has no PEM private key (-----BEGIN ... PRIVATE KEY-----) in "
              + TLS_KEY_KEY);
    }
    if (keyPem.contains("ENCRYPTED")) {
      // UploadCertificate would need the passphrase, which no kubernetes.io/tls Secret carries.
      return new Problem(
          "Secret " + ref + " has an encrypted " + TLS_KEY_KEY + "; it must be unencrypted");
    }
    return new Material(certPem, keyPem, sha256Hex(leaf));
  }

  /** A value as trimmed UTF-8, null when absent or blank. */
  private static String text(byte[] value) {
    if (value == null) {
      return null;
    }
    String text = new String(value, StandardCharsets.UTF_8).trim();
    return text.isEmpty() ? null : text;
  }

  private static String sha256Hex(byte[] der) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
