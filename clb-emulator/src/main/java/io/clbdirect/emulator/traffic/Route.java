package io.clbdirect.emulator.traffic;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Where one accepted client goes: L4 picks a backend outright, L7 first reads the request head. */
interface Route {

  /**
   * @param backend where to connect, or null to refuse (the route may already have answered the
   *     client)
   * @param prefix bytes read from the client that the backend must receive first
   * @param tls whether to speak TLS to the backend (an L7 rule's ForwardType HTTPS)
   */
  record Decision(InetSocketAddress backend, byte[] prefix, boolean tls) {
    static final Decision REFUSE = new Decision(null, new byte[0]);

    Decision(InetSocketAddress backend, byte[] prefix) {
      this(backend, prefix, false);
    }
  }

  Decision route(Socket client) throws IOException;
}
