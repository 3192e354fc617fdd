package io.clbdirect.app.kubernetes;

import io.clbdirect.app.ClbDirectProperties;
import io.clbdirect.core.InformerSync;
import io.clbdirect.core.KubernetesClients;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The API client, the one shared informer factory, its start/stop, and cache-sync readiness. */
@Configuration(proxyBeanMethods = false)
public class KubernetesClientConfiguration {

  /**
   * Two clients. Informers get read timeout 0: they hold watches open for minutes (the server ends
   * them), and a client-side timeout would only make them reconnect. Ordinary calls get 30 s.
   */
  @Bean
  KubernetesClients kubernetesClients(ClbDirectProperties properties) throws IOException {
    return new KubernetesClients(
        builder(properties).setReadTimeout(Duration.ZERO).build(),
        builder(properties).setReadTimeout(Duration.ofSeconds(30)).build());
  }

  private static ClientBuilder builder(ClbDirectProperties properties) throws IOException {
    ClientBuilder builder;
    if (properties.kubeconfig() != null) {
      try (Reader reader =
          Files.newBufferedReader(properties.kubeconfig(), StandardCharsets.UTF_8)) {
        KubeConfig config = KubeConfig.loadKubeConfig(reader);
        // Relative certificate paths in a kubeconfig are relative to the file itself.
        config.setFile(properties.kubeconfig().toAbsolutePath().toFile());
        builder = ClientBuilder.kubeconfig(config);
      }
    } else {
      builder = ClientBuilder.standard();
    }
    return builder;
  }

  @Bean
  SharedInformerFactory sharedInformerFactory(KubernetesClients clients) {
    return new SharedInformerFactory(clients.watching());
  }

  @Bean
  InformerFactoryLifecycle informerFactoryLifecycle(SharedInformerFactory factory) {
    return new InformerFactoryLifecycle(factory);
  }

  @Bean("informers")
  InformersHealthIndicator informersHealthIndicator(List<InformerSync> caches) {
    return new InformersHealthIndicator(caches);
  }
}
