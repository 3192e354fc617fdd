package io.clbdirect.app.support;

import io.clbdirect.app.ClbDirectApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The real application, started in this JVM on loopback with free ports, closed by the test. */
public final class RunningApp implements AutoCloseable {

  private final ConfigurableApplicationContext context;

  private RunningApp(ConfigurableApplicationContext context) {
    this.context = context;
  }

  public static RunningApp start(List<String> args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--spring.profiles.active=tls-files",
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--management.server.port=0",
                "--management.server.address=127.0.0.1"));
    all.addAll(args);
    return new RunningApp(
        SpringApplication.run(ClbDirectApplication.class, all.toArray(String[]::new)));
  }

  public int httpsPort() {
    return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
  }

  public int managementPort() {
    return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.management.port"));
  }

  public ConfigurableApplicationContext context() {
    return context;
  }

  @Override
  public void close() {
    context.close();
  }
}
