package io.clbdirect.core.tkeconfig;

import java.util.Objects;

/**
 * One entry of {@code spec.loadBalancer.l4Listeners}: the settings of the listener with this
 * protocol and port.
 */
public record L4Listener(Protocol protocol, int port, ClbSettings settings) {

  public enum Protocol {
    TCP,
    UDP
  }

  public L4Listener {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(settings, "settings");
  }
}
