package io.clbdirect.e2e.kubelet;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.V1BoundObjectReference;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1ServiceAccountTokenProjection;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeProjection;
import java.io.IOException;
import java.util.List;
import okhttp3.Call;
import okhttp3.Response;

/**
 * What the kubelet must have before it starts a Pod's containers (and gives it an IP): each
 * volume's source. Nothing is written anywhere (the containers are fake), but the lookups are the
 * kubelet's, so a Pod waits in {@code ContainerCreating} where a real one would: a ConfigMap or
 * Secret that does not exist (unless {@code optional}), a ServiceAccount token the API server will
 * not issue (the {@code kube-api-access-*} volume ServiceAccount admission adds: a TokenRequest
 * bound to the Pod, and {@code kube-root-ca.crt} from the root-CA publisher), or a
 * PersistentVolumeClaim that is not Bound (nothing provisions volumes here). Other volume types
 * (emptyDir, hostPath, downwardAPI...) need nothing.
 */
final class VolumeMounter {

  /**
   * The kubelet's default for a projected token (pkg/volume/projected: 1 h, plus the 7 s admission
   * adds).
   */
  private static final long DEFAULT_TOKEN_SECONDS = 3607;

  private final CoreV1Api core;

  VolumeMounter(ApiClient client) {
    this.core = new CoreV1Api(client);
  }

  /**
   * @return null when every volume could be mounted, else why not, in the kubelet's words
   * @throws ApiException when the API server could not answer (the caller retries)
   */
  String mount(V1Pod pod) throws ApiException {
    String ns = pod.getMetadata().getNamespace();
    for (V1Volume volume :
        pod.getSpec().getVolumes() == null ? List.<V1Volume>of() : pod.getSpec().getVolumes()) {
      String missing = null;
      if (volume.getConfigMap() != null) {
        missing =
            configMap(ns, volume.getConfigMap().getName(), volume.getConfigMap().getOptional());
      } else if (volume.getSecret() != null) {
        missing = secret(ns, volume.getSecret().getSecretName(), volume.getSecret().getOptional());
      } else if (volume.getPersistentVolumeClaim() != null) {
        missing = unbound(ns, volume.getPersistentVolumeClaim().getClaimName());
      } else if (volume.getProjected() != null && volume.getProjected().getSources() != null) {
        for (V1VolumeProjection source : volume.getProjected().getSources()) {
          missing = projected(pod, source);
          if (missing != null) {
            break;
          }
        }
      }
      if (missing != null) {
        return "MountVolume.SetUp failed for volume \"" + volume.getName() + "\" : " + missing;
      }
    }
    return null;
  }

  private String projected(V1Pod pod, V1VolumeProjection source) throws ApiException {
    String ns = pod.getMetadata().getNamespace();
    if (source.getConfigMap() != null) {
      return configMap(ns, source.getConfigMap().getName(), source.getConfigMap().getOptional());
    }
    if (source.getSecret() != null) {
      return secret(ns, source.getSecret().getName(), source.getSecret().getOptional());
    }
    if (source.getServiceAccountToken() != null) {
      return token(pod, source.getServiceAccountToken());
    }
    return null;
  }

  /** A TokenRequest bound to the Pod, as the kubelet makes for a projected token. */
  private String token(V1Pod pod, V1ServiceAccountTokenProjection projection) throws ApiException {
    String account =
        pod.getSpec().getServiceAccountName() == null
            ? "default"
            : pod.getSpec().getServiceAccountName();
    V1TokenRequestSpec spec =
        new V1TokenRequestSpec()
            .audiences(
                projection.getAudience() == null ? List.of() : List.of(projection.getAudience()))
            .expirationSeconds(
                projection.getExpirationSeconds() == null
                    ? DEFAULT_TOKEN_SECONDS
                    : projection.getExpirationSeconds())
            .boundObjectRef(
                new V1BoundObjectReference()
                    .apiVersion("v1")
                    .kind("Pod")
                    .name(pod.getMetadata().getName())
                    .uid(pod.getMetadata().getUid()));
    // Sent raw: only the HTTP code matters, and the answer holds nothing the fake containers could
    // use.
    Call call =
        core.createNamespacedServiceAccountToken(
                account,
                pod.getMetadata().getNamespace(),
                new AuthenticationV1TokenRequest().spec(spec))
            .buildCall(null);
    int code = code(call);
    if (code == 201 || code == 200) {
      return null;
    }
    if (code == 404 || code == 403) {
      return "failed to fetch token: serviceaccount \""
          + account
          + "\" could not issue a token ("
          + code
          + ")";
    }
    throw new ApiException(code, "TokenRequest for " + account + " answered " + code);
  }

  private String unbound(String ns, String claim) throws ApiException {
    try {
      V1PersistentVolumeClaim pvc = core.readNamespacedPersistentVolumeClaim(claim, ns).execute();
      boolean bound = pvc.getStatus() != null && "Bound".equals(pvc.getStatus().getPhase());
      return bound
          ? null
          : "persistentvolumeclaim \""
              + claim
              + "\" is not bound (nothing provisions volumes here)";
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return "persistentvolumeclaim \"" + claim + "\" not found";
      }
      throw e;
    }
  }

  private String configMap(String ns, String name, Boolean optional) throws ApiException {
    return Boolean.TRUE.equals(optional)
        ? null
        : missing("configmap", name, core.readNamespacedConfigMap(name, ns).buildCall(null));
  }

  private String secret(String ns, String name, Boolean optional) throws ApiException {
    return Boolean.TRUE.equals(optional)
        ? null
        : missing("secret", name, core.readNamespacedSecret(name, ns).buildCall(null));
  }

  /** Sent raw: only whether it exists matters, not a model of it. */
  private static String missing(String kind, String name, Call get) throws ApiException {
    int code = code(get);
    if (code == 200) {
      return null;
    }
    if (code == 404) {
      return kind + " \"" + name + "\" not found";
    }
    throw new ApiException(code, "reading " + kind + " " + name + " answered " + code);
  }

  private static int code(Call call) throws ApiException {
    try (Response response = call.execute()) {
      return response.code();
    } catch (IOException e) {
      throw new ApiException(e);
    }
  }
}
