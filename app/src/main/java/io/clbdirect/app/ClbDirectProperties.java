package io.clbdirect.app;

import io.clbdirect.core.ControllerScope;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code clb-direct.*} settings shared by every part of the process.
 *
 * @param kubeconfig kubeconfig file to use; when unset, the standard lookup ($KUBECONFIG,
 *     ~/.kube/config, then the in-cluster service account)
 * @param networkMode {@code vpc-cni} (default), {@code global-router} or {@code mixed}
 * @param loadBalancerClass the {@code spec.loadBalancerClass} clb-direct serves (Services with no
 *     class are served too)
 * @param ingressClasses Ingress classes clb-direct serves
 * @param claimClasslessIngresses whether an Ingress with no class is clb-direct's (TKE's default)
 */
@ConfigurationProperties("clb-direct")
public record ClbDirectProperties(
    Path kubeconfig,
    String networkMode,
    String loadBalancerClass,
    List<String> ingressClasses,
    Boolean claimClasslessIngresses) {

  public ClbDirectProperties {
    networkMode = networkMode == null ? "vpc-cni" : networkMode;
    loadBalancerClass =
        loadBalancerClass == null ? ControllerScope.DEFAULT_LOAD_BALANCER_CLASS : loadBalancerClass;
    ingressClasses =
        ingressClasses == null
            ? List.copyOf(ControllerScope.DEFAULT_INGRESS_CLASSES)
            : List.copyOf(ingressClasses);
    claimClasslessIngresses = claimClasslessIngresses == null || claimClasslessIngresses;
  }

  public ControllerScope scope() {
    return new ControllerScope(
        loadBalancerClass, java.util.Set.copyOf(ingressClasses), claimClasslessIngresses);
  }
}
