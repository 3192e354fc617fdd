package io.clbdirect.app;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Loads BouncyCastle's provider on a second thread while the main thread starts Spring.
 *
 * <p>The certificate code (certs module) builds a {@link BouncyCastleProvider} the first time it
 * reads or makes a certificate, which every start does during the context refresh: reading the
 * serving Secret on a restart, making the placeholder on a first install. That constructor loads
 * about 850 classes from a signed jar, which the class-data-sharing archive cannot hold (the JVM
 * skips signed jars when it writes one), so even the image's start pays ~0.5 s for it on the main
 * thread (docs/benchmarks.md, item 6). Loaded here in parallel, the main thread finds the classes
 * already defined. Nothing depends on this thread finishing: if it has not, the main thread loads
 * the rest itself, and a failure here only leaves the work to the main thread.
 */
final class BouncyCastleWarmUp {

  private BouncyCastleWarmUp() {}

  static void start() {
    Thread thread = new Thread(BouncyCastleWarmUp::load, "clb-direct-bouncycastle-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  private static void load() {
    try {
      new BouncyCastleProvider();
    } catch (RuntimeException | LinkageError e) {
      // The certificate code will meet the same problem itself and report it where it matters.
    }
  }
}
