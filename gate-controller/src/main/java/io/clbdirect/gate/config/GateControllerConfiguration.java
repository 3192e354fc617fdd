package io.clbdirect.gate.config;

import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.core.KubernetesClients;
import io.clbdirect.core.NetworkMode;
import io.clbdirect.core.NetworkPlan;
import io.clbdirect.core.WellKnown;
import io.clbdirect.gate.clb.CertificateUploads;
import io.clbdirect.gate.clb.ClbCallPolicy;
import io.clbdirect.gate.clb.ClbClientFactory;
import io.clbdirect.gate.clb.ClbGateway;
import io.clbdirect.gate.clb.ClbTargets;
import io.clbdirect.gate.clb.LeaseWriteFence;
import io.clbdirect.gate.clb.LoadBalancers;
import io.clbdirect.gate.clb.SslClientFactory;
import io.clbdirect.gate.clb.SslGateway;
import io.clbdirect.gate.clb.WriteFence;
import io.clbdirect.gate.controller.GateController;
import io.clbdirect.gate.decide.GateConditionDecider;
import io.clbdirect.gate.decide.GateMode;
import io.clbdirect.runtime.LeaseFence;
import io.clbdirect.runtime.LeaseSettings;
import io.clbdirect.runtime.ManagedLifecycle;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the gate-controller when {@code clb-direct.gate-controller.enabled=true}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
    prefix = "clb-direct.gate-controller",
    name = "enabled",
    havingValue = "true")
@EnableConfigurationProperties({GateControllerProperties.class, ClbProperties.class})
public class GateControllerConfiguration {

  /** The gate-controller's Lease: one identity for the election and everything that names it. */
  @Bean
  LeaseSettings gateControllerLease(GateControllerProperties properties) {
    return LeaseSettings.of(properties.namespace(), properties.leaseName(), identity());
  }

  /** Whether this replica still holds that Lease, asked before every cloud write. */
  @Bean
  LeaseFence gateControllerLeaseFence(LeaseSettings gateControllerLease) {
    return LeaseFence.of(gateControllerLease);
  }

  @Bean
  WriteFence cloudWriteFence(
      LeaseFence gateControllerLeaseFence,
      LeaseSettings gateControllerLease,
      MeterRegistry meters) {
    return new LeaseWriteFence(gateControllerLeaseFence, gateControllerLease.name(), meters);
  }

  @Bean
  ClbGateway clbGateway(ClbProperties clb, MeterRegistry meters, WriteFence cloudWriteFence) {
    return new ClbGateway(
        ClbClientFactory.create(clb.connection()),
        policyAt(clb.requestsPerSecond()),
        meters,
        Clock.systemUTC(),
        cloudWriteFence);
  }

  /** The default call policy at another pace. */
  private static ClbCallPolicy policyAt(int requestsPerSecond) {
    ClbCallPolicy defaults = ClbCallPolicy.defaults();
    return new ClbCallPolicy(
        requestsPerSecond,
        defaults.maxAttempts(),
        defaults.initialBackoff(),
        defaults.maxBackoff(),
        defaults.taskPoll(),
        defaults.taskTimeout());
  }

  /**
   * The SSL Certificates API, for HTTPS listeners whose certificate comes from a kubernetes.io/tls
   * Secret. Paced at 5 calls a second per action: the API allows 10, and certificate calls are rare
   * (one upload per renewal).
   */
  @Bean
  SslGateway sslGateway(ClbProperties clb, MeterRegistry meters, WriteFence cloudWriteFence) {
    return new SslGateway(
        SslClientFactory.create(clb.sslConnection()), policyAt(5), meters, cloudWriteFence);
  }

  @Bean
  CertificateUploads certificateUploads(SslGateway ssl, GateControllerProperties properties) {
    return new CertificateUploads(ssl, properties.clusterName());
  }

  @Bean
  GateController gateController(
      KubernetesClients clients,
      SharedInformerFactory factory,
      DirectAccessRules rules,
      ClbGateway clb,
      GateControllerProperties properties,
      ClbProperties clbProperties,
      MeterRegistry meters,
      NetworkMode networkMode,
      CertificateUploads uploads,
      LeaseSettings gateControllerLease,
      LeaseFence gateControllerLeaseFence) {
    return new GateController(
        clients,
        factory,
        rules,
        new LoadBalancers(clb, properties.clusterName(), clbProperties.requiredVpcId()),
        new ClbTargets(clb),
        new GateConditionDecider(GateMode.fromConfigValue(properties.mode())),
        properties.healthInterval(),
        properties.workers(),
        meters,
        () -> directAccessAvailable(factory, networkMode),
        () -> podIpsOutsideVpc(factory, networkMode),
        () -> podGracefulDeletion(factory),
        uploads,
        gateControllerLease,
        gateControllerLeaseFence);
  }

  /**
   * TKE's cluster default for graceful deletion ({@code EnablePodGracefulDeletion}), live from the
   * same cached ConfigMap. Without that informer (webhook off in this process) it counts as off:
   * that process injects no drain either, and an explicit annotation still turns graceful deletion
   * on.
   */
  static boolean podGracefulDeletion(SharedInformerFactory factory) {
    return tkeSwitch(factory, WellKnown.POD_GRACEFUL_DELETION_KEY);
  }

  /**
   * Whether direct-access Pods keep GlobalRouter addresses (the cluster CIDR, not a VPC subnet): in
   * global-router mode always, in mixed mode while GlobalRouteDirectAccess is on (otherwise the
   * webhook gives them ENI IPs). Only a load balancer with SNAT Pro can bind such addresses.
   */
  static boolean podIpsOutsideVpc(SharedInformerFactory factory, NetworkMode mode) {
    return mode == NetworkMode.GLOBAL_ROUTER
        || mode == NetworkMode.MIXED && globalRouteDirectAccess(factory);
  }

  /**
   * The same table the webhook uses (NetworkPlan), read from the TKE ConfigMap the webhook's
   * informer caches. Without that informer (webhook off in this process) global-router mode counts
   * as unavailable: binding Pods the CLB cannot reach would only mislead.
   */
  static boolean directAccessAvailable(SharedInformerFactory factory, NetworkMode mode) {
    if (mode != NetworkMode.GLOBAL_ROUTER) {
      return true;
    }
    return NetworkPlan.decide(mode, globalRouteDirectAccess(factory)) != NetworkPlan.UNAVAILABLE;
  }

  private static boolean globalRouteDirectAccess(SharedInformerFactory factory) {
    return tkeSwitch(factory, WellKnown.GLOBAL_ROUTE_DIRECT_ACCESS_KEY);
  }

  /**
   * A "true"/"false" key of TKE's ConfigMap, from the webhook's informer; false when absent or not
   * cached.
   */
  private static boolean tkeSwitch(SharedInformerFactory factory, String key) {
    io.kubernetes.client.informer.SharedIndexInformer<V1ConfigMap> config =
        factory.getExistingSharedIndexInformer(V1ConfigMap.class);
    V1ConfigMap tke =
        config == null
            ? null
            : config
                .getIndexer()
                .getByKey(WellKnown.TKE_CONFIG_NAMESPACE + "/" + WellKnown.TKE_CONFIG_NAME);
    return tke != null
        && tke.getData() != null
        && "true".equalsIgnoreCase(String.valueOf(tke.getData().get(key)).trim());
  }

  @Bean
  ManagedLifecycle gateControllerLifecycle(GateController controller) {
    return new ManagedLifecycle(controller);
  }

  /**
   * {@code $POD_NAME} in a cluster; elsewhere the host name with a random suffix, so two local
   * replicas differ.
   */
  private static String identity() {
    return System.getenv()
        .getOrDefault(
            "POD_NAME", hostname() + "-" + java.util.UUID.randomUUID().toString().substring(0, 8));
  }

  private static String hostname() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "clb-direct";
    }
  }
}
