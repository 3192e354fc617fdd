package io.clbdirect.webhook.config;

import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.core.KubernetesClients;
import io.clbdirect.core.NetworkMode;
import io.clbdirect.webhook.admission.AdmissionReviewCodec;
import io.clbdirect.webhook.admission.PodAdmissionHandler;
import io.clbdirect.webhook.http.MutatePodsController;
import io.clbdirect.webhook.http.NoopAdmissionController;
import io.clbdirect.webhook.mutation.PodMutator;
import io.clbdirect.webhook.topology.DirectAccessTopology;
import io.clbdirect.webhook.topology.InformerDirectAccessTopology;
import io.clbdirect.webhook.topology.TopologyInformers;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the webhook: informers registered on the process's shared factory (started by the host
 * application), the topology read from them, the pure mutator and the HTTP edge. Needs beans of
 * type {@link KubernetesClients}, {@link SharedInformerFactory}, {@link DirectAccessRules}, {@link
 * NetworkMode} and {@link MeterRegistry}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
    prefix = "clb-direct.webhook",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(WebhookProperties.class)
@org.springframework.context.annotation.Import(
    io.clbdirect.webhook.bootstrap.BootstrapConfiguration.class)
public class WebhookConfiguration {

  @Bean
  TopologyInformers webhookTopologyInformers(
      SharedInformerFactory factory, KubernetesClients clients, DirectAccessRules rules) {
    return TopologyInformers.register(factory, clients.watching(), rules);
  }

  @Bean
  DirectAccessTopology directAccessTopology(
      TopologyInformers informers, DirectAccessRules rules, NetworkMode networkMode) {
    return new InformerDirectAccessTopology(
        informers::hasSynced,
        informers.services().getIndexer(),
        informers.ingresses().getIndexer(),
        informers.tkeConfig().getIndexer(),
        rules,
        networkMode);
  }

  @Bean
  AdmissionReviewCodec admissionReviewCodec(MeterRegistry meters) {
    AdmissionReviewCodec codec = new AdmissionReviewCodec();
    FunctionCounter.builder(
            "clb_direct_admission_full_parse", codec, AdmissionReviewCodec::leanFallbacks)
        .description(
            "AdmissionReviews the lean decoding left to the full parse (invalid JSON, or a Pod"
                + " member it could not be sure binds)")
        .register(meters);
    return codec;
  }

  @Bean
  PodAdmissionHandler podAdmissionHandler(
      DirectAccessTopology topology,
      AdmissionReviewCodec codec,
      WebhookProperties properties,
      MeterRegistry meters) {
    Map<PodAdmissionHandler.Outcome, Counter> counters =
        new EnumMap<>(PodAdmissionHandler.Outcome.class);
    for (PodAdmissionHandler.Outcome outcome : PodAdmissionHandler.Outcome.values()) {
      counters.put(
          outcome,
          Counter.builder("clb_direct_admission_total")
              .description("AdmissionReviews answered, by outcome")
              .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
              .register(meters));
    }
    return new PodAdmissionHandler(
        topology,
        new PodMutator(properties.drain().settings()),
        codec,
        outcome -> counters.get(outcome).increment());
  }

  @Bean
  MutatePodsController mutatePodsController(
      AdmissionReviewCodec codec,
      PodAdmissionHandler handler,
      WebhookProperties properties,
      MeterRegistry meters) {
    return new MutatePodsController(codec, handler, properties.maxRequestBytes().toBytes(), meters);
  }

  /**
   * POST /noop, the benchmarks' baseline on the same server (docs/benchmarks.md); never on by
   * default.
   */
  @Bean
  @ConditionalOnProperty(
      prefix = "clb-direct.webhook",
      name = "benchmark-noop-endpoint",
      havingValue = "true")
  NoopAdmissionController noopAdmissionController(WebhookProperties properties) {
    return new NoopAdmissionController(properties.maxRequestBytes().toBytes());
  }
}
