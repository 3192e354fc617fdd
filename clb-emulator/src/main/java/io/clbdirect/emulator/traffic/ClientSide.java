package io.clbdirect.emulator.traffic;

import java.io.IOException;
import java.net.Socket;

/** What a listener does with an accepted client before routing: nothing, or terminate TLS. */
interface ClientSide {

  ClientSide PLAIN = client -> client;

  /**
   * @return the socket to route and splice (the same one, or a TLS socket layered over it)
   * @throws IOException when the client cannot be served (a failed handshake); the caller closes it
   */
  Socket accept(Socket client) throws IOException;
}
