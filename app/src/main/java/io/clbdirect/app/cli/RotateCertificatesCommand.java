package io.clbdirect.app.cli;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.PatchUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code java -jar clb-direct.jar rotate-certificates [--ca] [--namespace=NS] [--secret-name=NAME]
 * [--kubeconfig=PATH]}: asks the running clb-direct to rotate its serving certificate now (and its
 * CA with {@code --ca}) by annotating the Secret; the leader does the rest and removes the
 * annotation.
 */
public final class RotateCertificatesCommand {

  public static final String NAME = "rotate-certificates";
  static final String ANNOTATION = "clb-direct.io/rotate";
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private RotateCertificatesCommand() {}

  /**
   * @return the process exit code: 0 done, 1 failed, 2 bad arguments
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    boolean ca = false;
    String namespace = System.getenv().getOrDefault("POD_NAMESPACE", "clb-direct-system");
    String secretName = "clb-direct-webhook-tls";
    Path kubeconfig = null;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--ca")) {
        ca = true;
      } else if (arg.startsWith("--namespace=")) {
        namespace = arg.substring("--namespace=".length());
      } else if (arg.startsWith("--secret-name=")) {
        secretName = arg.substring("--secret-name=".length());
      } else if (arg.startsWith("--kubeconfig=")) {
        kubeconfig = Path.of(arg.substring("--kubeconfig=".length()));
      } else {
        err.println(
            "unknown argument "
                + arg
                + "\nusage: "
                + NAME
                + " [--ca] [--namespace=NS] [--secret-name=NAME] [--kubeconfig=PATH]");
        return 2;
      }
    }
    try {
      CoreV1Api core = new CoreV1Api(client(kubeconfig));
      V1Secret secret = core.readNamespacedSecret(secretName, namespace).execute();
      Map<String, String> labels = secret.getMetadata().getLabels();
      if (labels == null || !"clb-direct".equals(labels.get(MANAGED_BY))) {
        err.println(
            "Secret "
                + namespace
                + "/"
                + secretName
                + " is not managed by clb-direct (no "
                + MANAGED_BY
                + "=clb-direct label); rotate it where it comes from, e.g. cert-manager");
        return 1;
      }
      String what = ca ? "ca" : "leaf";
      String patch = "{\"metadata\":{\"annotations\":{\"" + ANNOTATION + "\":\"" + what + "\"}}}";
      ApiClient client = core.getApiClient();
      final String ns = namespace;
      final String name = secretName;
      PatchUtils.patch(
          V1Secret.class,
          () -> core.patchNamespacedSecret(name, ns, new V1Patch(patch)).buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
          client);
      out.println(
          "requested "
              + (ca ? "CA and serving certificate" : "serving certificate")
              + " rotation on Secret "
              + namespace
              + "/"
              + secretName
              + "; clb-direct removes "
              + ANNOTATION
              + " when it is done");
      return 0;
    } catch (ApiException e) {
      err.println(
          "cannot annotate Secret "
              + namespace
              + "/"
              + secretName
              + ": HTTP "
              + e.getCode()
              + " "
              + e.getResponseBody());
      return 1;
    } catch (IOException e) {
      err.println("cannot build a Kubernetes client: " + e.getMessage());
      return 1;
    }
  }

  private static ApiClient client(Path kubeconfig) throws IOException {
    if (kubeconfig == null) {
      return ClientBuilder.standard().build();
    }
    try (Reader reader = Files.newBufferedReader(kubeconfig)) {
      KubeConfig config = KubeConfig.loadKubeConfig(reader);
      config.setFile(kubeconfig.toAbsolutePath().toFile());
      return ClientBuilder.kubeconfig(config).build();
    }
  }
}
