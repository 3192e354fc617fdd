package io.clbdirect.app.kubernetes;

import io.clbdirect.core.InformerSync;
import java.util.List;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Part of the readiness group: the process is not ready until every cache it decides from has
 * synced. Liveness does not include it; a slow API server must not get the Pod restarted.
 */
public class InformersHealthIndicator implements HealthIndicator {

  private final List<InformerSync> caches;

  public InformersHealthIndicator(List<InformerSync> caches) {
    this.caches = List.copyOf(caches);
  }

  @Override
  public Health health() {
    Health.Builder builder = Health.up();
    for (InformerSync cache : caches) {
      boolean synced = cache.hasSynced();
      builder.withDetail(cache.name(), synced ? "synced" : "syncing");
      if (!synced) {
        builder.outOfService();
      }
    }
    return builder.build();
  }
}
