package io.clbdirect.emulator.certs;

import io.clbdirect.emulator.api.ApiError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads what UploadCertificate (and CLB's inline CertificateInput) receive: a PEM certificate
 * chain, leaf first, and a PEM private key in any of the usual encodings (PKCS#1 RSA, SEC1 EC,
 * PKCS#8). Refusals carry the SSL API's codes: content that is not a certificate or key is {@code
 * FailedOperation.CertificateInvalid} ("证书不符合标准"), a chain whose certificates do not issue one
 * another {@code FailedOperation.CertificateChainError}, a key that is not the certificate's {@code
 * FailedOperation.CertificateMismatch} ("证书与私钥不对应"). Messages never quote the key.
 */
public final class PemMaterial {

  private PemMaterial() {}

  /** The certificates of {@code pem}, in order; at least one. */
  public static List<X509Certificate> chain(String pem, String field) {
    if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw invalid("`" + field + "` holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
    }
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Certificate c :
          factory.generateCertificates(
              new ByteArrayInputStream(pem.trim().getBytes(StandardCharsets.US_ASCII)))) {
        chain.add((X509Certificate) c);
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw invalid("`" + field + "` is not a valid PEM certificate chain: " + e.getMessage());
    }
    if (chain.isEmpty()) {
      throw invalid("`" + field + "` holds no certificate.");
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate issuer = chain.get(i + 1);
      try {
        if (!child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
          throw new GeneralSecurityException("issuer name differs");
        }
        child.verify(issuer.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new ApiError(
            "FailedOperation.CertificateChainError",
            "Certificate "
                + (i + 1)
                + " of `"
                + field
                + "` is not issued by certificate "
                + (i + 2)
                + " ("
                + child.getIssuerX500Principal().getName()
                + ").");
      }
    }
    return List.copyOf(chain);
  }

  /** The private key in {@code pem}. Encrypted keys are refused: KeyPassword is not implemented. */
  public static PrivateKey privateKey(String pem, String field) {
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw invalid("`" + field + "` is not a PEM private key.");
    }
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (parsed instanceof PEMKeyPair pair) {
        // A SEC1 key may omit its public half; the private key info is all a key needs.
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (parsed instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
    } catch (IOException | RuntimeException e) {
      throw invalid("`" + field + "` is not a usable private key.");
    }
    if (parsed instanceof PEMEncryptedKeyPair || parsed instanceof PKCS8EncryptedPrivateKeyInfo) {
      throw new ApiError(
          "UnsupportedOperation",
          "`"
              + field
              + "` is encrypted: `KeyPassword` is not implemented by the emulator; upload the key"
              + " unencrypted.");
    }
    throw invalid("`" + field + "` is not a PEM private key.");
  }

  /**
   * Refuses a key that does not belong to {@code certificate}: it must sign what the cert verifies.
   */
  public static void checkMatches(X509Certificate certificate, PrivateKey key) {
    PublicKey publicKey = certificate.getPublicKey();
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    boolean matches = false;
    if (algorithm != null) {
      try {
        byte[] probe = "clb-emulator key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(probe);
        matches = verifier.verify(signature);
      } catch (GeneralSecurityException e) {
        matches = false;
      }
    }
    if (!matches) {
      throw new ApiError(
          "FailedOperation.CertificateMismatch",
          "The private key does not match the certificate's public key ("
              + certificate.getSubjectX500Principal().getName()
              + ").");
    }
  }

  /** SHA-256 of the leaf certificate's DER encoding, lower-case hex. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ApiError invalid(String message) {
    return new ApiError("FailedOperation.CertificateInvalid", message);
  }
}
