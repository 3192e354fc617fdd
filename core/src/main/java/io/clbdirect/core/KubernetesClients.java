package io.clbdirect.core;

import io.kubernetes.client.openapi.ApiClient;
import java.util.Objects;

/**
 * The process's two API clients: one without read timeout for informers (watches stay open for
 * minutes), one with a timeout for ordinary calls, so a stuck request can never hang a writer.
 */
public record KubernetesClients(ApiClient watching, ApiClient calling) {

  public KubernetesClients {
    Objects.requireNonNull(watching, "watching");
    Objects.requireNonNull(calling, "calling");
  }
}
