package io.clbdirect.e2e.manifests;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * A kubeconfig as a Pod running as a ServiceAccount would have it: the API server, its CA and a
 * token of the ServiceAccount (one hour), so that clb-direct runs with that account's RBAC only.
 */
public final class ServiceAccountKubeconfig {

  private ServiceAccountKubeconfig() {}

  public static Path write(
      ApiClient admin, ControlPlane plane, String namespace, String serviceAccount, Path file)
      throws ApiException, IOException {
    AuthenticationV1TokenRequest request =
        new CoreV1Api(admin)
            .createNamespacedServiceAccountToken(
                serviceAccount,
                namespace,
                new AuthenticationV1TokenRequest()
                    .spec(new V1TokenRequestSpec().audiences(List.of()).expirationSeconds(3600L)))
            .execute();
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: e2e
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: e2e
          context:
            cluster: e2e
            user: %s
        current-context: e2e
        """
            .formatted(
                plane.apiServerUrl(),
                Base64.getEncoder()
                    .encodeToString(plane.caCertificatePem().getBytes(StandardCharsets.UTF_8)),
                serviceAccount,
                request.getStatus().getToken(),
                serviceAccount);
    Files.writeString(file, kubeconfig);
    return file;
  }

  /** A client of the kubeconfig {@link #write} wrote. */
  public static ApiClient client(Path kubeconfig) throws IOException {
    return ClientBuilder.kubeconfig(
            KubeConfig.loadKubeConfig(new StringReader(Files.readString(kubeconfig))))
        .setReadTimeout(Duration.ofSeconds(30))
        .build();
  }
}
