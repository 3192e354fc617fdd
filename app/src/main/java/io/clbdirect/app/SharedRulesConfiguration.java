package io.clbdirect.app;

import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.core.NetworkMode;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The rules every part of the process must agree on, built once from configuration. */
@Configuration(proxyBeanMethods = false)
public class SharedRulesConfiguration {

  @Bean
  DirectAccessRules directAccessRules(ClbDirectProperties properties) {
    return new DirectAccessRules(properties.scope());
  }

  /** Fails start-up with the accepted values when the mode is misspelt. */
  @Bean
  NetworkMode networkMode(ClbDirectProperties properties) {
    return NetworkMode.fromConfigValue(properties.networkMode());
  }
}
