package io.clbdirect.e2e;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1DeploymentStrategy;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1RollingUpdateDeployment;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import java.util.Map;

/** The Kubernetes objects the end-to-end tests create. */
final class Fixtures {

  static final int CONTAINER_PORT = 8080;

  private Fixtures() {}

  static V1Namespace namespace(String name) {
    return new V1Namespace().metadata(new V1ObjectMeta().name(name));
  }

  static V1Service directAccessService(String name, String app) {
    return new V1Service()
        .metadata(
            new V1ObjectMeta()
                .name(name)
                .annotations(Map.of("service.cloud.tencent.com/direct-access", "true")))
        .spec(
            new V1ServiceSpec()
                .type("LoadBalancer")
                .selector(Map.of("app", app))
                .addPortsItem(
                    new V1ServicePort()
                        .name("http")
                        .port(80)
                        .targetPort(new IntOrString(CONTAINER_PORT))));
  }

  static V1PodSpec podSpec() {
    return new V1PodSpec()
        // client-java initialises maps to empty and sends "overhead": {}, which the RuntimeClass
        // admission plugin rejects for a bare Pod ("Pod Overhead set without ... RuntimeClass").
        .overhead(null)
        .terminationGracePeriodSeconds(5L)
        .addContainersItem(
            new V1Container()
                .name("app")
                .image("example.com/web:1")
                .addPortsItem(new V1ContainerPort().name("http").containerPort(CONTAINER_PORT)));
  }

  static V1Pod pod(String name, String app) {
    return new V1Pod()
        .metadata(new V1ObjectMeta().name(name).labels(Map.of("app", app)))
        .spec(podSpec());
  }

  /** maxUnavailable 0: Available means every replica is Ready. */
  static V1Deployment deployment(String name, String app, int replicas) {
    return new V1Deployment()
        .metadata(new V1ObjectMeta().name(name))
        .spec(
            new V1DeploymentSpec()
                .replicas(replicas)
                .selector(new V1LabelSelector().matchLabels(Map.of("app", app)))
                .strategy(
                    new V1DeploymentStrategy()
                        .type("RollingUpdate")
                        .rollingUpdate(
                            new V1RollingUpdateDeployment()
                                .maxUnavailable(new IntOrString(0))
                                .maxSurge(new IntOrString(1))))
                .template(
                    new V1PodTemplateSpec()
                        .metadata(new V1ObjectMeta().labels(Map.of("app", app)))
                        .spec(podSpec())));
  }
}
