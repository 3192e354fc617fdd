package io.clbdirect.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the fat jar leaves out stays out (docs/dependencies.md): the protobuf wire format of
 * client-java, Jackson 2, and the Tencent Cloud SDK's products other than common, clb and ssl.
 *
 * <p>The test classpath is the runtime classpath that {@code clb-direct.jar}'s BOOT-INF/lib is made
 * of, plus test-only jars: what cannot be loaded here is not in the jar either. And no class of
 * clb-direct's own (this module's and the other clb-direct modules' main classes) refers to what
 * was left out, so leaving it out cannot break them at run time.
 */
class LeanClasspathTest {

  /** Constant-pool names (internal form) that clb-direct's classes must not mention. */
  private static final List<String> LEFT_OUT =
      List.of(
          "com/google/protobuf/",
          "io/kubernetes/client/proto/",
          "io/kubernetes/client/ProtoClient",
          "com/fasterxml/jackson/databind/",
          "com/fasterxml/jackson/core/");

  @Test
  void protobufAndClientJavaProtoAreNotOnTheClasspath() {
    assertNotLoadable("com.google.protobuf.Message"); // protobuf-java
    assertNotLoadable("io.kubernetes.client.proto.V1"); // client-java-proto
  }

  @Test
  void jackson2IsNotOnTheClasspathJackson3Is() throws Exception {
    assertNotLoadable("com.fasterxml.jackson.databind.ObjectMapper"); // jackson-databind 2
    assertNotLoadable("com.fasterxml.jackson.core.JsonFactory"); // jackson-core 2
    assertThat(Class.forName("tools.jackson.databind.ObjectMapper")).isNotNull(); // Spring MVC's
  }

  @Test
  void theTencentCloudSdkIsCommonClbAndSslOnly() throws Exception {
    assertThat(Class.forName("com.tencentcloudapi.common.AbstractClient")).isNotNull();
    assertThat(Class.forName("com.tencentcloudapi.clb.v20180317.ClbClient")).isNotNull();
    assertThat(Class.forName("com.tencentcloudapi.ssl.v20191205.SslClient")).isNotNull();
    assertNotLoadable("com.tencentcloudapi.cvm.v20170312.CvmClient");
    assertNotLoadable("com.tencentcloudapi.tke.v20180525.TkeClient");
  }

  @Test
  void noClbDirectClassRefersToWhatWasLeftOut() throws IOException {
    List<Path> roots = clbDirectMainClasspathEntries();
    // app's own classes and every clb-direct module it ships (webhook, gate-controller, ...).
    assertThat(roots)
        .anyMatch(p -> p.endsWith(Path.of("app", "target", "classes")))
        .anySatisfy(p -> assertThat(p.toString()).contains("gate-controller"));

    List<String> offenders = new ArrayList<>();
    int scanned = 0;
    for (Path root : roots) {
      for (ClassBytes c : classesOf(root)) {
        scanned++;
        String constants = new String(c.bytes(), StandardCharsets.ISO_8859_1);
        for (String name : LEFT_OUT) {
          if (constants.contains(name)) {
            offenders.add(c.name() + " -> " + name);
          }
        }
      }
    }
    assertThat(scanned).isGreaterThan(100);
    assertThat(offenders).isEmpty();
  }

  private static void assertNotLoadable(String className) {
    assertThatThrownBy(
            () -> Class.forName(className, false, LeanClasspathTest.class.getClassLoader()))
        .isInstanceOf(ClassNotFoundException.class);
  }

  /**
   * The main (not test) classes of clb-direct's modules on the classpath: target/classes
   * directories in a reactor build, clb-direct-*.jar otherwise; tencentcloud-sdk-clb is the SDK,
   * not ours.
   */
  private static List<Path> clbDirectMainClasspathEntries() {
    List<Path> roots = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath().normalize();
      String s = p.toString().replace('\\', '/');
      if (s.contains("tencentcloud-sdk-clb")) {
        continue;
      }
      boolean moduleClasses =
          Files.isDirectory(p) && s.endsWith("/target/classes") && containsClbDirect(p);
      boolean moduleJar =
          s.endsWith(".jar") && p.getFileName().toString().startsWith("clb-direct-");
      if (moduleClasses || moduleJar) {
        roots.add(p);
      }
    }
    return roots;
  }

  private static boolean containsClbDirect(Path classesDir) {
    return Files.isDirectory(classesDir.resolve("io/clbdirect"));
  }

  private record ClassBytes(String name, byte[] bytes) {}

  private static List<ClassBytes> classesOf(Path root) throws IOException {
    List<ClassBytes> out = new ArrayList<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> files = Files.walk(root)) {
        files
            .filter(f -> f.toString().endsWith(".class"))
            .forEach(
                f -> {
                  try {
                    out.add(new ClassBytes(root.relativize(f).toString(), Files.readAllBytes(f)));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      }
    } else {
      try (JarFile jar = new JarFile(root.toFile())) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
          JarEntry e = entries.nextElement();
          if (e.getName().endsWith(".class")) {
            try (InputStream in = jar.getInputStream(e)) {
              out.add(new ClassBytes(root.getFileName() + "!" + e.getName(), in.readAllBytes()));
            }
          }
        }
      }
    }
    return out;
  }
}
