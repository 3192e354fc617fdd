package io.clbdirect.core;

/**
 * A set of informer caches some component decides from. The process reports ready only when every
 * one has synced: deciding from a half-filled cache would, for the webhook, let Pods through
 * without their readiness gate.
 */
public interface InformerSync {

  /** Short name for health output, e.g. {@code webhook-topology}. */
  String name();

  boolean hasSynced();
}
