package io.clbdirect.e2e.kubelet;

/** How a fake Pod's listeners behave; a test switches it per Pod to exercise health checks. */
public enum Serving {
  /** Accepts connections; HTTP GET answers 200. */
  OK,
  /** Accepts connections; HTTP GET answers 503 (an HTTP health check fails, a TCP one passes). */
  FAILING,
  /** No listener: connections are refused (every health check fails). */
  CLOSED
}
