package io.clbdirect.app;

import io.clbdirect.app.cli.RotateCertificatesCommand;
import io.clbdirect.app.kubernetes.KubernetesClientConfiguration;
import io.clbdirect.gate.config.GateControllerConfiguration;
import io.clbdirect.webhook.config.WebhookConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * The one clb-direct process. Each part is switched by its own property ({@code
 * clb-direct.webhook.enabled}, ...), so one image serves every deployment shape.
 */
@SpringBootApplication
@EnableConfigurationProperties(ClbDirectProperties.class)
@Import({
  KubernetesClientConfiguration.class,
  SharedRulesConfiguration.class,
  WebhookConfiguration.class,
  GateControllerConfiguration.class
})
public class ClbDirectApplication {

  public static void main(String[] args) {
    if (args.length > 0 && RotateCertificatesCommand.NAME.equals(args[0])) {
      System.exit(RotateCertificatesCommand.run(args, System.out, System.err));
    }
    BouncyCastleWarmUp.start();
    SpringApplication.run(ClbDirectApplication.class, args);
  }
}
