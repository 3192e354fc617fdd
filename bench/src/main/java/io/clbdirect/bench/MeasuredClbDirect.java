package io.clbdirect.bench;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.e2e.app.ClbDirectProcess;
import io.clbdirect.e2e.controlplane.ControlPlane;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * clb-direct as the benchmarks run it: the packaged jar as its own process in bootstrap url mode
 * against a {@link ControlPlane}, with its own namespace (Secret) and MutatingWebhookConfiguration.
 * Closing stops the process and deletes the configuration, so a shared control plane is left as
 * found (apart from namespaces, which need a controller that does not run there to go away).
 */
public final class MeasuredClbDirect implements AutoCloseable {

  private final ControlPlane plane;
  private final String configurationName;
  private final ClbDirectProcess process;

  private MeasuredClbDirect(
      ControlPlane plane, String configurationName, ClbDirectProcess process) {
    this.plane = plane;
    this.configurationName = configurationName;
    this.process = process;
  }

  /** Creates {@code namespace} if missing, then starts clb-direct; returns once it is ready. */
  public static MeasuredClbDirect start(
      ControlPlane plane, String namespace, List<String> extraArgs) throws Exception {
    return start(plane, namespace, extraArgs, Map.of());
  }

  /**
   * @param env extra environment, e.g. {@link ClbDirectProcess#clbCredentials}
   */
  public static MeasuredClbDirect start(
      ControlPlane plane, String namespace, List<String> extraArgs, Map<String, String> env)
      throws Exception {
    ensureNamespace(plane, namespace);
    Path work = Files.createDirectories(plane.workDir().resolve("bench-" + namespace));
    ClbDirectProcess process =
        ClbDirectProcess.start(work, plane.adminKubeconfig(), namespace, namespace, extraArgs, env);
    return new MeasuredClbDirect(plane, namespace, process);
  }

  static void ensureNamespace(ControlPlane plane, String namespace) throws ApiException {
    CoreV1Api core = new CoreV1Api(plane.adminClient());
    try {
      core.readNamespace(namespace).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace)))
          .execute();
    }
  }

  public ClbDirectProcess process() {
    return process;
  }

  public String configurationName() {
    return configurationName;
  }

  /**
   * The JVM's pid: {@link ClbDirectProcess#pids()} lists the shell watchdog first, then its java
   * child.
   */
  public long javaPid() {
    List<Long> pids = process.pids();
    for (Long pid : pids) {
      String command = ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElse("");
      if (command.endsWith("/java") || command.equals("java")) {
        return pid;
      }
    }
    if (pids.size() < 2) {
      throw new IllegalStateException("no java child among " + pids);
    }
    return pids.get(pids.size() - 1);
  }

  /**
   * Trust exactly what clb-direct registered: the caBundle of its MutatingWebhookConfiguration, as
   * the API server does. The server certificate must chain to it and name 127.0.0.1.
   */
  public SSLContext clientTls() throws Exception {
    V1MutatingWebhookConfiguration configuration =
        new AdmissionregistrationV1Api(plane.adminClient())
            .readMutatingWebhookConfiguration(configurationName)
            .execute();
    byte[] pem = configuration.getWebhooks().get(0).getClientConfig().getCaBundle();
    if (pem == null || pem.length == 0) {
      throw new IllegalStateException(
          "MutatingWebhookConfiguration " + configurationName + " has no caBundle");
    }
    CaBundle bundle = CaBundle.parse(new String(pem, StandardCharsets.UTF_8));
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (X509Certificate ca : bundle.certificates()) {
      trust.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  @Override
  public void close() {
    process.close();
    try {
      new AdmissionregistrationV1Api(plane.adminClient())
          .deleteMutatingWebhookConfiguration(configurationName)
          .execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        System.err.println(
            "could not delete MutatingWebhookConfiguration "
                + configurationName
                + ": "
                + e.getCode());
      }
    }
  }
}
