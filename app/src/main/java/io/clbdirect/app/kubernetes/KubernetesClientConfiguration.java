package io.clbdirect.app.kubernetes;

import io.clbdirect.app.ClbDirectProperties;
import io.clbdirect.core.InformerSync;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
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
   * Read timeout 0: informers hold watches open for minutes (the server ends them); a client-side
   * timeout would only make them reconnect, which is extra load and extra API calls.
   */
  @Bean
  ApiClient apiClient(ClbDirectProperties properties) throws IOException {
    ClientBuilder builder;
    if (properties.kubeconfig() != null) {
      try (Reader reader = Files.newBufferedReader(properties.kubeconfig(), StandardCharsets.UTF_8)) {
        KubeConfig config = KubeConfig.loadKubeConfig(reader);
        // Relative certificate paths in a kubeconfig are relative to the file itself.
        config.setFile(properties.kubeconfig().toAbsolutePath().toFile());
        builder = ClientBuilder.kubeconfig(config);
      }
    } else {
      builder = ClientBuilder.standard();
    }
    return builder.setReadTimeout(Duration.ZERO).build();
  }

  @Bean
  SharedInformerFactory sharedInformerFactory(ApiClient apiClient) {
    return new SharedInformerFactory(apiClient);
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
