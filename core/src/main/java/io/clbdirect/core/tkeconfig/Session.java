package io.clbdirect.core.tkeconfig;

/**
 * A TkeServiceConfig {@code session} (session persistence).
 *
 * @param enable whether a client sticks to one backend
 * @param sessionExpireTime seconds a client sticks, 30–3600; null means TKE's default (30) when
 *     enabled
 */
public record Session(boolean enable, Integer sessionExpireTime) {}
