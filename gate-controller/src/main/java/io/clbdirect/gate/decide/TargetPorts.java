package io.clbdirect.gate.decide;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1ServicePort;

/** The Pod port a Service port sends to, as kube-proxy resolves it. Pure. */
public final class TargetPorts {

  private TargetPorts() {}

  /**
   * @return the port number, or null when a named target port is not declared by the Pod
   */
  public static Integer resolve(V1ServicePort servicePort, V1Pod pod) {
    IntOrString target = servicePort.getTargetPort();
    if (target == null) {
      return servicePort.getPort();
    }
    if (target.isInteger()) {
      return target.getIntValue();
    }
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return null;
    }
    for (V1Container container : pod.getSpec().getContainers()) {
      if (container.getPorts() == null) {
        continue;
      }
      for (V1ContainerPort port : container.getPorts()) {
        if (target.getStrValue().equals(port.getName())
            && (servicePort.getProtocol() == null
                || servicePort
                    .getProtocol()
                    .equals(port.getProtocol() == null ? "TCP" : port.getProtocol()))) {
          return port.getContainerPort();
        }
      }
    }
    return null;
  }
}
