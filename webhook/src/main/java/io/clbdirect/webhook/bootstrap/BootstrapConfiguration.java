package io.clbdirect.webhook.bootstrap;

import io.clbdirect.certs.RenewalPolicy;
import io.clbdirect.certs.ServingCertificate;
import io.clbdirect.certs.rotation.RotationPlanner;
import io.clbdirect.certs.rotation.SecretCodec;
import io.clbdirect.core.KubernetesClients;
import io.clbdirect.runtime.ManagedLifecycle;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Self-managed TLS ({@code clb-direct.tls.source=secret}, the default): the serving certificate
 * comes from the Secret the bootstrapper keeps, and is swapped in memory.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
    prefix = "clb-direct.tls",
    name = "source",
    havingValue = "secret",
    matchIfMissing = true)
@EnableConfigurationProperties(BootstrapProperties.class)
public class BootstrapConfiguration {

  private static final Logger log = LoggerFactory.getLogger(BootstrapConfiguration.class);

  @Bean
  BootstrapSettings bootstrapSettings(BootstrapProperties properties) {
    RegistrationSettings registration =
        new RegistrationSettings(
            properties.configurationName(),
            properties.webhookName(),
            properties.url(),
            properties.namespace(),
            properties.serviceName(),
            properties.servicePort(),
            properties.failurePolicy(),
            properties.timeoutSeconds(),
            properties.optOutLabel(),
            properties.ownPodLabels());
    List<InetAddress> ips = new ArrayList<>();
    for (String ip : properties.ipSans()) {
      ips.add(ipLiteral(ip));
    }
    if (properties.url() != null) {
      String host = URI.create(properties.url()).getHost();
      if (host != null
          && host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")
          && ips.stream().noneMatch(a -> a.getHostAddress().equals(host))) {
        // The API server (Go) checks IP SANs, never the common name, when the url names an IP.
        ips.add(ipLiteral(host.replace("[", "").replace("]", "")));
      }
    }
    List<String> dns =
        new ArrayList<>(
            BootstrapSettings.serviceDnsNames(properties.serviceName(), properties.namespace()));
    RotationPlanner.Desired desired =
        new RotationPlanner.Desired(
            dns,
            ips,
            new RenewalPolicy(properties.caLifetime(), properties.leafLifetime()),
            properties.propagationDelay());
    String identity =
        System.getenv()
            .getOrDefault(
                "POD_NAME", hostname() + "-" + UUID.randomUUID().toString().substring(0, 8));
    return new BootstrapSettings(
        properties.namespace(),
        properties.secretName(),
        properties.leaseName(),
        identity,
        registration,
        desired);
  }

  @Bean
  ServedCertificate servedCertificate() {
    return new ServedCertificate();
  }

  /**
   * Registers the {@code webhook} SSL bundle before Tomcat starts: the Secret's leaf when one is
   * already there (one read at start-up), else a placeholder until the bootstrapper provides one.
   */
  @Bean
  SslBundleRegistrar webhookSslBundle(
      ServedCertificate served, KubernetesClients clients, BootstrapSettings settings) {
    return registry -> {
      ServingCertificate existing = null;
      try {
        V1Secret secret =
            new CoreV1Api(clients.calling())
                .readNamespacedSecret(settings.secretName(), settings.namespace())
                .execute();
        existing = SecretCodec.readLeaf(secret.getData());
      } catch (ApiException e) {
        log.info(
            "no usable serving-certificate Secret at start-up ({}); serving a placeholder until it exists",
            e.getCode());
      } catch (SecretCodec.MalformedSecretException | RuntimeException e) {
        log.info(
            "serving-certificate Secret unusable at start-up ({}); serving a placeholder until it is repaired",
            e.getMessage());
      }
      registry.registerBundle(ServedCertificate.BUNDLE, served.initialBundle(existing));
      served.attach(registry);
    };
  }

  @Bean
  BootstrapMetrics bootstrapMetrics(MeterRegistry meters) {
    return new BootstrapMetrics(meters);
  }

  @Bean
  BootstrapInformers bootstrapInformers(
      KubernetesClients clients, SharedInformerFactory factory, BootstrapSettings settings) {
    return BootstrapInformers.create(clients, factory, settings);
  }

  @Bean
  CertificateBootstrapper certificateBootstrapper(
      KubernetesClients clients,
      SharedInformerFactory factory,
      BootstrapInformers informers,
      BootstrapSettings settings,
      ServedCertificate served,
      BootstrapMetrics metrics) {
    return new CertificateBootstrapper(
        clients, factory, informers, settings, served, metrics, Clock.systemUTC());
  }

  @Bean("webhookCertificate")
  WebhookCertificateHealthIndicator webhookCertificateHealthIndicator(
      ServedCertificate served, BootstrapInformers informers) {
    return new WebhookCertificateHealthIndicator(served, informers, Clock.systemUTC());
  }

  /** Before the web servers, unlike the gate-controller: the phase's javadoc says why. */
  @Bean
  ManagedLifecycle certificateBootstrapperLifecycle(CertificateBootstrapper bootstrapper) {
    return new ManagedLifecycle(bootstrapper, ManagedLifecycle.BEFORE_WEB_SERVERS_PHASE);
  }

  private static InetAddress ipLiteral(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "clb-direct.bootstrap.ip-sans: '" + ip + "' is not an IP address", e);
    }
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "clb-direct";
    }
  }
}
