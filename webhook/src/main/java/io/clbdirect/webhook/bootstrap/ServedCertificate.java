package io.clbdirect.webhook.bootstrap;

import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.ServingCertificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.pem.PemSslStore;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;

/**
 * The certificate the HTTPS server presents, held in memory and swapped through Spring Boot's SSL
 * bundle registry: Tomcat gives new handshakes the new certificate at once, with no restart and no
 * wait for a mounted volume to refresh.
 */
public final class ServedCertificate {

  public static final String BUNDLE = "webhook";
  private static final Logger log = LoggerFactory.getLogger(ServedCertificate.class);
  private static final SslOptions TLS_12_AND_13 =
      SslOptions.of(null, new String[] {"TLSv1.3", "TLSv1.2"});

  private final AtomicReference<ServingCertificate> current = new AtomicReference<>();
  private volatile SslBundleRegistry registry;
  private volatile boolean placeholder = true;

  /**
   * The bundle to start Tomcat with: the Secret's leaf when it is already usable, else a throw-away
   * self-signed certificate nobody trusts (readiness stays false until the real one is served).
   */
  public SslBundle initialBundle(ServingCertificate fromSecret) {
    if (fromSecret != null) {
      current.set(fromSecret);
      placeholder = false;
      return bundle(fromSecret);
    }
    CertificateAuthority throwaway =
        CertificateAuthority.generate(
            "clb-direct-placeholder", Duration.ofDays(1), Clock.systemUTC());
    ServingCertificate self =
        throwaway.issueServing(
            List.of("clb-direct-placeholder"), List.of(), Duration.ofDays(1), Clock.systemUTC());
    return bundle(self);
  }

  void attach(SslBundleRegistry registry) {
    this.registry = registry;
  }

  /** Serves {@code leaf} from now on, if it differs from the current one. */
  public void serve(ServingCertificate leaf) {
    ServingCertificate previous = current.get();
    if (!placeholder && previous != null && previous.certificate().equals(leaf.certificate())) {
      return;
    }
    SslBundleRegistry target = registry;
    if (target == null) {
      throw new IllegalStateException("SSL bundle registry not attached yet");
    }
    target.updateBundle(BUNDLE, bundle(leaf));
    current.set(leaf);
    placeholder = false;
    log.info(
        "serving certificate swapped: serial {}, valid until {}",
        leaf.certificate().getSerialNumber().toString(16),
        leaf.certificate().getNotAfter().toInstant());
  }

  /** The leaf being served, or null while only the placeholder is. */
  public X509Certificate certificate() {
    ServingCertificate leaf = current.get();
    return placeholder || leaf == null ? null : leaf.certificate();
  }

  private static SslBundle bundle(ServingCertificate leaf) {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf.certificate());
    return SslBundle.of(
        new PemSslStoreBundle(PemSslStore.of(chain, leaf.privateKey()), null),
        SslBundleKey.NONE,
        TLS_12_AND_13);
  }
}
