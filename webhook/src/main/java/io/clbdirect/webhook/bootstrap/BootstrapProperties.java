package io.clbdirect.webhook.bootstrap;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code clb-direct.bootstrap.*}: the self-managed certificate Secret and webhook registration.
 * Every field is documented with its default in docs/certificates.md.
 */
@ConfigurationProperties("clb-direct.bootstrap")
public record BootstrapProperties(
    String namespace,
    String secretName,
    String configurationName,
    String webhookName,
    String url,
    String serviceName,
    Integer servicePort,
    String failurePolicy,
    Integer timeoutSeconds,
    String optOutLabel,
    Map<String, String> ownPodLabels,
    List<String> ipSans,
    Duration caLifetime,
    Duration leafLifetime,
    Duration propagationDelay,
    String leaseName) {

  public BootstrapProperties {
    namespace = namespace == null ? "clb-direct-system" : namespace;
    secretName = secretName == null ? "clb-direct-webhook-tls" : secretName;
    configurationName = configurationName == null ? "clb-direct" : configurationName;
    webhookName = webhookName == null ? "pods.clb-direct.io" : webhookName;
    url = url == null || url.isBlank() ? null : url;
    serviceName = serviceName == null ? "clb-direct" : serviceName;
    servicePort = servicePort == null ? 443 : servicePort;
    failurePolicy = failurePolicy == null ? "Ignore" : failurePolicy;
    timeoutSeconds = timeoutSeconds == null ? 10 : timeoutSeconds;
    optOutLabel = optOutLabel == null ? "clb-direct.io/webhook" : optOutLabel;
    ownPodLabels =
        ownPodLabels == null
            ? Map.of("app.kubernetes.io/name", "clb-direct")
            : Map.copyOf(ownPodLabels);
    ipSans = ipSans == null ? List.of() : List.copyOf(ipSans);
    caLifetime =
        caLifetime == null ? io.clbdirect.certs.RenewalPolicy.DEFAULT_CA_LIFETIME : caLifetime;
    leafLifetime =
        leafLifetime == null
            ? io.clbdirect.certs.RenewalPolicy.DEFAULT_LEAF_LIFETIME
            : leafLifetime;
    propagationDelay = propagationDelay == null ? Duration.ofSeconds(5) : propagationDelay;
    leaseName = leaseName == null ? "clb-direct" : leaseName;
  }
}
