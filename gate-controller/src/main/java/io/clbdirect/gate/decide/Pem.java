package io.clbdirect.gate.decide;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM, just enough to find and check a chain's leaf certificate and to see a private key. */
final class Pem {

  private static final Pattern CERTIFICATE =
      Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");
  private static final Pattern PRIVATE_KEY =
      Pattern.compile(
          "-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[A-Za-z0-9+/=:,\\-\\s]+"
              + "-----END (?:[A-Z]+ )?PRIVATE KEY-----");

  private Pem() {}

  /** The DER of the first certificate in the chain, null when there is none that parses. */
  static byte[] firstCertificate(String pem) {
    Matcher block = CERTIFICATE.matcher(pem);
    if (!block.find()) {
      return null;
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(block.group(1));
      // Parsed only to refuse a block that is base64 but no certificate: the SSL API would refuse
      // it later, with a less helpful message and after a call.
      return CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der))
          .getEncoded();
    } catch (IllegalArgumentException | CertificateException e) {
      return null;
    }
  }

  /** Whether the text holds a PEM private key (PKCS#8, PKCS#1 or SEC1). */
  static boolean hasPrivateKey(String pem) {
    return PRIVATE_KEY.matcher(pem).find();
  }
}
