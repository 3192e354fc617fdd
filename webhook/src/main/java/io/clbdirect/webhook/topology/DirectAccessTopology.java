package io.clbdirect.webhook.topology;

import io.clbdirect.webhook.mutation.TopologySnapshot;

/** The read side of the cluster the webhook decides from. Implementations must not call the API. */
public interface DirectAccessTopology {

  /** What a Pod created in {@code namespace} is exposed by, and the network it lives on. */
  TopologySnapshot snapshot(String namespace);

  /**
   * False until every cache has its first full list; a snapshot before that would be incomplete.
   */
  boolean hasSynced();
}
