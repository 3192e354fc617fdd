package io.clbdirect.emulator.traffic;

import java.net.Socket;

/**
 * L4: the listener's next eligible target for the client's IP, nothing read from the client first.
 */
record L4Route(BackendChooser chooser) implements Route {

  @Override
  public Decision route(Socket client) {
    var backend = chooser.next(client.getInetAddress());
    return backend == null ? Decision.REFUSE : new Decision(backend, new byte[0]);
  }
}
