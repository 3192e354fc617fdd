package io.clbdirect.gate.informers;

import io.clbdirect.gate.decide.SecretCertificates;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Secret cache the gate-controller watches for HTTPS certificates (a cert-manager renewal must
 * reach the CLB within seconds, hence a watch rather than a read per reconcile). Caching every
 * Secret in the cluster whole would be wasteful and a risk, so each Secret keeps only the values of
 * the keys clb-direct reads ({@link #KEPT}); every other key is dropped, name and value, as are
 * {@code managedFields} and kubectl's last-applied-configuration annotation, which repeats the
 * whole Secret, data included.
 */
public final class LeanSecretListerWatcher {

  /** The only data keys kept: TKE's certificate ids, and a kubernetes.io/tls Secret's PEM. */
  public static final Set<String> KEPT =
      Set.of(
          SecretCertificates.CERT_ID_KEY,
          SecretCertificates.CA_CERT_ID_KEY,
          SecretCertificates.TLS_CERT_KEY,
          SecretCertificates.TLS_KEY_KEY,
          "ca.crt");

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private LeanSecretListerWatcher() {}

  public static LeanListerWatcher<V1Secret, V1SecretList> create(
      GenericKubernetesApi<V1Secret, V1SecretList> api) {
    return new LeanListerWatcher<>(
        api,
        V1SecretList::getItems,
        (meta, items) -> new V1SecretList().metadata(meta).items(items),
        LeanSecretListerWatcher::lean);
  }

  /** The Secret with only what clb-direct reads. */
  static V1Secret lean(V1Secret secret) {
    if (secret.getMetadata() != null) {
      secret.getMetadata().setManagedFields(null);
      Map<String, String> annotations = secret.getMetadata().getAnnotations();
      if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
        Map<String, String> rest = new HashMap<>(annotations);
        rest.remove(LAST_APPLIED);
        secret.getMetadata().setAnnotations(rest);
      }
    }
    if (secret.getData() != null) {
      Map<String, byte[]> kept = new HashMap<>();
      secret
          .getData()
          .forEach(
              (key, value) -> {
                if (KEPT.contains(key)) {
                  kept.put(key, value);
                }
              });
      secret.setData(kept);
    }
    // Never returned by the API server (write-only), so only a hand-made object could carry it.
    secret.setStringData(null);
    return secret;
  }
}
