package io.clbdirect.emulator;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemGenerationException;

/** Test CAs and the certificates they sign, minted with BouncyCastle, and TLS client contexts. */
final class TestCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private TestCertificates() {}

  /** A certificate with its key pair; PEM as UploadCertificate takes it. */
  record Issued(X509Certificate certificate, KeyPair keys) {
    String certPem() {
      return pem(certificate);
    }

    /**
     * RSA keys as PKCS#1 ({@code RSA PRIVATE KEY}), others as PKCS#8 ({@code PRIVATE KEY}): two of
     * the encodings the SSL API takes.
     */
    String keyPem() {
      if (keys.getPrivate().getAlgorithm().equals("RSA")) {
        return pem(keys.getPrivate());
      }
      try {
        return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
      } catch (PemGenerationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static Issued ca(String cn) throws Exception {
    KeyPair keys = ecKeys();
    return new Issued(sign(cn, keys, cn, keys, true, new String[0]), keys);
  }

  /** A certificate for {@code cn} and the DNS names {@code sans}, signed by {@code ca}. */
  static Issued issue(Issued ca, String cn, String... sans) throws Exception {
    KeyPair keys = ecKeys();
    return new Issued(sign(cn, keys, commonName(ca.certificate()), ca.keys(), false, sans), keys);
  }

  static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  static KeyPair rsaKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  /** A self-signed RSA certificate (its key PEM is PKCS#1). */
  static Issued selfSignedRsa(String cn) throws Exception {
    KeyPair keys = rsaKeys();
    return new Issued(sign(cn, keys, cn, keys, false, new String[] {cn}), keys);
  }

  private static X509Certificate sign(
      String cn, KeyPair keys, String issuer, KeyPair issuerKeys, boolean ca, String[] sans)
      throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            new X500Name("CN=" + issuer),
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(30))),
            new X500Name("CN=" + cn),
            keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (sans.length > 0) {
      GeneralName[] names = new GeneralName[sans.length];
      for (int i = 0; i < sans.length; i++) {
        names[i] = new GeneralName(GeneralName.dNSName, sans[i]);
      }
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    }
    String algorithm =
        issuerKeys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
  }

  static String commonName(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName().replaceFirst("^CN=", "");
  }

  static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  /** A server context presenting {@code certificate} (a TLS backend's). */
  static SSLContext server(Issued certificate) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "server",
        certificate.keys().getPrivate(),
        new char[0],
        new X509Certificate[] {certificate.certificate()});
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, new SecureRandom());
    return context;
  }

  /** A client context trusting {@code ca}, presenting {@code clientCertificate} when not null. */
  static SSLContext client(Issued ca, Issued clientCertificate) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    KeyManagerFactory keys = null;
    if (clientCertificate != null) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "client",
          clientCertificate.keys().getPrivate(),
          new char[0],
          new X509Certificate[] {clientCertificate.certificate()});
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, new char[0]);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), new SecureRandom());
    return context;
  }
}
