package io.clbdirect.e2e;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1DeploymentStrategy;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1RollingUpdateDeployment;
import io.kubernetes.client.openapi.models.V1RuleWithOperations;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The Kubernetes objects the end-to-end tests create. */
final class Fixtures {

  static final int CONTAINER_PORT = 8080;

  private Fixtures() {}

  /** Namespaces carrying this label are the only ones the test webhook registration covers. */
  static final String WEBHOOK_SCOPE_LABEL = "e2e.clb-direct.io/webhook";

  static V1Namespace namespace(String name) {
    return new V1Namespace().metadata(new V1ObjectMeta().name(name));
  }

  static V1Namespace webhookNamespace(String name) {
    return new V1Namespace().metadata(new V1ObjectMeta().name(name).labels(Map.of(WEBHOOK_SCOPE_LABEL, "on")));
  }

  static V1Service directAccessService(String name, String app) {
    return new V1Service()
        .metadata(new V1ObjectMeta().name(name).annotations(Map.of("service.cloud.tencent.com/direct-access", "true")))
        .spec(new V1ServiceSpec().type("LoadBalancer").selector(Map.of("app", app))
            .addPortsItem(new V1ServicePort().name("http").port(80).targetPort(new IntOrString(CONTAINER_PORT))));
  }

  static V1PodSpec podSpec() {
    return new V1PodSpec()
        // client-java initialises maps to empty and sends "overhead": {}, which the RuntimeClass
        // admission plugin rejects for a bare Pod ("Pod Overhead set without ... RuntimeClass").
        .overhead(null)
        .terminationGracePeriodSeconds(5L)
        .addContainersItem(new V1Container().name("app").image("example.com/web:1")
            .addPortsItem(new V1ContainerPort().name("http").containerPort(CONTAINER_PORT)));
  }

  static V1Pod pod(String name, String app) {
    return new V1Pod().metadata(new V1ObjectMeta().name(name).labels(Map.of("app", app))).spec(podSpec());
  }

  /** maxUnavailable 0: Available means every replica is Ready. */
  static V1Deployment deployment(String name, String app, int replicas) {
    return new V1Deployment()
        .metadata(new V1ObjectMeta().name(name))
        .spec(new V1DeploymentSpec()
            .replicas(replicas)
            .selector(new V1LabelSelector().matchLabels(Map.of("app", app)))
            .strategy(new V1DeploymentStrategy().type("RollingUpdate")
                .rollingUpdate(new V1RollingUpdateDeployment().maxUnavailable(new IntOrString(0)).maxSurge(new IntOrString(1))))
            .template(new V1PodTemplateSpec().metadata(new V1ObjectMeta().labels(Map.of("app", app))).spec(podSpec())));
  }

  /** What the bootstrapper will later own; for now the test registers the webhook by URL. */
  static V1MutatingWebhookConfiguration webhookConfiguration(String name, String url, String caBundlePem) {
    return new V1MutatingWebhookConfiguration()
        .metadata(new V1ObjectMeta().name(name))
        .addWebhooksItem(new V1MutatingWebhook()
            .name("pods.clb-direct.io")
            .admissionReviewVersions(List.of("v1"))
            .sideEffects("None")
            .failurePolicy("Fail")
            .timeoutSeconds(10)
            .addRulesItem(new V1RuleWithOperations().operations(List.of("CREATE")).apiGroups(List.of(""))
                .apiVersions(List.of("v1")).resources(List.of("pods")))
            // Scoped to labelled namespaces, so a test class that stops clb-direct cannot break the
            // next class's Pods through a Fail policy the API server is still honouring.
            .namespaceSelector(new V1LabelSelector().addMatchExpressionsItem(new V1LabelSelectorRequirement()
                .key(WEBHOOK_SCOPE_LABEL).operator("In").values(List.of("on"))))
            .clientConfig(new AdmissionregistrationV1WebhookClientConfig()
                .url(url)
                .caBundle(caBundlePem.getBytes(StandardCharsets.UTF_8))));
  }
}
