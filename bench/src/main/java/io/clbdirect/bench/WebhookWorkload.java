package io.clbdirect.bench;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The namespace the webhook benchmarks admit a Pod into: {@code services} Services of which {@code
 * directAccess} are direct-access LoadBalancers, created in the real API server so that
 * clb-direct's informers hold them. One direct-access Service ({@value #SELECTING_SERVICE}) selects
 * the benchmark Pod, so every admission is a real mutation (readiness gate, and in mixed mode the
 * ENI).
 */
public final class WebhookWorkload {

  public static final String DIRECT_ACCESS = "service.cloud.tencent.com/direct-access";
  public static final String SELECTING_SERVICE = "checkout";

  /** The condition type of the readiness gate the webhook adds. */
  public static final String GATE = "cloud.tencent.com/load-balancer-backendgroup-ready";

  /**
   * Placeholder in the review for the request uid (36 characters, like a UUID), rewritten per
   * request.
   */
  private static final String UID_PLACEHOLDER = "00000000-0000-4000-8000-000000000000";

  private final String namespace;
  private final int services;
  private final int directAccess;

  public WebhookWorkload(String namespace, int services, int directAccess) {
    if (directAccess < 1 || directAccess > services) {
      throw new IllegalArgumentException(
          "need 1 <= direct-access (" + directAccess + ") <= services (" + services + ")");
    }
    this.namespace = namespace;
    this.services = services;
    this.directAccess = directAccess;
  }

  public String namespace() {
    return namespace;
  }

  public int services() {
    return services;
  }

  public int directAccess() {
    return directAccess;
  }

  /**
   * Creates the namespace and the Services. Service 0 is {@value #SELECTING_SERVICE} (direct
   * access, selects the Pod); services 1 .. directAccess-1 are direct-access LoadBalancers
   * selecting other apps; the rest are ordinary ClusterIP Services, one of which also selects the
   * Pod (as a real app's internal Service would), so the Pod is selected by a Service the webhook
   * must ignore too.
   */
  public void create(ApiClient client) throws ApiException {
    CoreV1Api core = new CoreV1Api(client);
    core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace))).execute();
    for (int i = 0; i < services; i++) {
      V1Service service;
      if (i == 0) {
        service = loadBalancer(SELECTING_SERVICE, Map.of("app", "checkout", "tier", "web"));
      } else if (i < directAccess) {
        service = loadBalancer("edge-" + i, Map.of("app", "edge-" + i, "tier", "web"));
      } else if (i == directAccess) {
        service = clusterIp("checkout-internal", Map.of("app", "checkout"));
      } else {
        service =
            clusterIp("svc-" + i, Map.of("app", "svc-" + i, "tier", i % 2 == 0 ? "api" : "worker"));
      }
      core.createNamespacedService(namespace, service).execute();
    }
  }

  private static V1Service loadBalancer(String name, Map<String, String> selector) {
    return new V1Service()
        .metadata(
            new V1ObjectMeta()
                .name(name)
                .labels(Map.of("app", name))
                .annotations(Map.of(DIRECT_ACCESS, "true")))
        .spec(
            new V1ServiceSpec()
                .type("LoadBalancer")
                .selector(selector)
                .addPortsItem(
                    new V1ServicePort().name("http").port(80).targetPort(new IntOrString(8080)))
                .addPortsItem(
                    new V1ServicePort().name("https").port(443).targetPort(new IntOrString(8443))));
  }

  private static V1Service clusterIp(String name, Map<String, String> selector) {
    return new V1Service()
        .metadata(new V1ObjectMeta().name(name).labels(Map.of("app", name)))
        .spec(
            new V1ServiceSpec()
                .type("ClusterIP")
                .selector(selector)
                .addPortsItem(
                    new V1ServicePort().name("http").port(80).targetPort(new IntOrString(8080))));
  }

  /** The AdmissionReview JSON; its request uid is rewritten per request by {@link Reviews}. */
  public byte[] review() {
    return REVIEW
        .replace("${NAMESPACE}", namespace)
        .replace("${UID}", UID_PLACEHOLDER)
        .getBytes(StandardCharsets.UTF_8);
  }

  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("namespace", namespace);
    json.put("services", services);
    json.put("directAccessServices", directAccess);
    json.put("reviewBytes", review().length);
    return json;
  }

  /**
   * Whole HTTP requests for one path: the same review with a distinct request uid each time, as the
   * API server would send (a copy of ~4 KB and 12 hex digits written per request).
   */
  public static final class Reviews implements LoadGenerator.Requests {
    private final byte[] template;
    private final int uidTail;

    public Reviews(String host, int port, String path, byte[] review) {
      byte[] head = HttpsConnection.postHead(host, port, path, review.length);
      template = new byte[head.length + review.length];
      System.arraycopy(head, 0, template, 0, head.length);
      System.arraycopy(review, 0, template, head.length, review.length);
      int uid = indexOf(template, UID_PLACEHOLDER.getBytes(StandardCharsets.US_ASCII));
      if (uid < 0) {
        throw new IllegalArgumentException("review has no uid placeholder");
      }
      uidTail = uid + UID_PLACEHOLDER.length() - 12;
    }

    @Override
    public byte[] request(long sequence) {
      byte[] request = template.clone();
      long value = sequence;
      for (int i = 11; i >= 0; i--) {
        request[uidTail + i] = (byte) Character.forDigit((int) (value & 0xf), 16);
        value >>>= 4;
      }
      return request;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
      outer:
      for (int i = 0; i <= haystack.length - needle.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (haystack[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }

  /**
   * A Pod as the ReplicaSet controller creates it and the API server sends it to a mutating webhook
   * (defaults applied, no name yet): three containers with env, ports, resources, probes and
   * mounts, labels, annotations, an owner and tolerations.
   */
  private static final String REVIEW =
      """
      {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"${UID}",\
      "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},\
      "requestKind":{"group":"","version":"v1","kind":"Pod"},"requestResource":{"group":"","version":"v1","resource":"pods"},\
      "namespace":"${NAMESPACE}","operation":"CREATE",\
      "userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller","uid":"7c1e0a52-5f0e-4c61-9d8e-2b4f7f0f3a11",\
      "groups":["system:serviceaccounts","system:serviceaccounts:kube-system","system:authenticated"]},\
      "object":{"kind":"Pod","apiVersion":"v1","metadata":{"generateName":"checkout-7d9f8b6c5d-","namespace":"${NAMESPACE}",\
      "creationTimestamp":null,"labels":{"app":"checkout","tier":"web","version":"v3.14.2","team":"payments",\
      "app.kubernetes.io/name":"checkout","app.kubernetes.io/part-of":"shop","pod-template-hash":"7d9f8b6c5d"},\
      "annotations":{"prometheus.io/scrape":"true","prometheus.io/port":"9090"},\
      "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"checkout-7d9f8b6c5d",\
      "uid":"b3d6f0a2-8c4e-4f7a-9e1b-5d2c8a6f4e3b","controller":true,"blockOwnerDeletion":true}]},\
      "spec":{"volumes":[{"name":"config","configMap":{"name":"checkout-config","defaultMode":420}},\
      {"name":"tls","secret":{"secretName":"checkout-tls","defaultMode":420}},{"name":"tmp","emptyDir":{}}],\
      "containers":[{"name":"checkout","image":"registry.example.com/shop/checkout:3.14.2",\
      "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"},\
      {"name":"metrics","containerPort":9090,"protocol":"TCP"}],\
      "env":[{"name":"SPRING_PROFILES_ACTIVE","value":"production"},\
      {"name":"DB_URL","valueFrom":{"secretKeyRef":{"name":"checkout-db","key":"url"}}},\
      {"name":"POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}},\
      {"name":"POD_IP","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"status.podIP"}}},\
      {"name":"LOG_FORMAT","value":"json"}],\
      "resources":{"limits":{"cpu":"2","memory":"2Gi"},"requests":{"cpu":"500m","memory":"1Gi"}},\
      "volumeMounts":[{"name":"config","readOnly":true,"mountPath":"/etc/checkout"},{"name":"tls","readOnly":true,"mountPath":"/etc/tls"},\
      {"name":"tmp","mountPath":"/tmp"}],\
      "livenessProbe":{"httpGet":{"path":"/actuator/health/liveness","port":"http","scheme":"HTTP"},"initialDelaySeconds":10,\
      "timeoutSeconds":2,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},\
      "readinessProbe":{"httpGet":{"path":"/actuator/health/readiness","port":"http","scheme":"HTTP"},"timeoutSeconds":2,\
      "periodSeconds":5,"successThreshold":1,"failureThreshold":3},\
      "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"},\
      {"name":"envoy","image":"registry.example.com/mesh/envoy:1.31.2",\
      "ports":[{"name":"admin","containerPort":15000,"protocol":"TCP"}],\
      "resources":{"limits":{"cpu":"1","memory":"512Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},\
      "readinessProbe":{"tcpSocket":{"port":15000},"timeoutSeconds":1,"periodSeconds":5,"successThreshold":1,"failureThreshold":3},\
      "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"},\
      {"name":"log-shipper","image":"registry.example.com/observability/fluent-bit:3.1.9",\
      "env":[{"name":"NODE_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"spec.nodeName"}}}],\
      "resources":{"limits":{"cpu":"200m","memory":"128Mi"},"requests":{"cpu":"20m","memory":"32Mi"}},\
      "volumeMounts":[{"name":"tmp","readOnly":true,"mountPath":"/var/log/app"}],\
      "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],\
      "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"checkout",\
      "serviceAccount":"checkout","securityContext":{"runAsUser":10001,"fsGroup":10001},\
      "schedulerName":"default-scheduler",\
      "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},\
      {"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],\
      "priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},"status":{}},\
      "oldObject":null,"dryRun":false,"options":{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1"}}}""";
}
