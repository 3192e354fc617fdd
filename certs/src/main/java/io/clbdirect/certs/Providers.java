package io.clbdirect.certs;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** One BouncyCastle provider instance, used explicitly rather than installed JVM-wide. */
final class Providers {

  static final Provider BC = new BouncyCastleProvider();

  private Providers() {}
}
