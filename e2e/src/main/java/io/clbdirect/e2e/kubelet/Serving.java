package io.clbdirect.e2e.kubelet;

/** How a fake Pod's listeners behave; a test switches it per Pod to exercise health checks. */
public enum Serving {
  /** Accepts connections; HTTP GET answers 200. */
  OK,
  /** Accepts connections; HTTP GET answers 503 (an HTTP health check fails, a TCP one passes). */
  FAILING,
  /** No listener: connections are refused (every health check fails). */
  CLOSED;

  /**
   * Pod annotation switching the mode from outside the JVM (the sandbox: {@code kubectl annotate
   * pod web-… fake-kubelet.clb-direct.io/serving=closed}); values ok, failing, closed.
   */
  public static final String ANNOTATION = "fake-kubelet.clb-direct.io/serving";

  /**
   * @return the mode the annotation asks for, or null when there is none or it is not a mode
   */
  static Serving fromAnnotation(java.util.Map<String, String> annotations) {
    String value = annotations == null ? null : annotations.get(ANNOTATION);
    if (value == null) {
      return null;
    }
    for (Serving mode : values()) {
      if (mode.name().equalsIgnoreCase(value.trim())) {
        return mode;
      }
    }
    return null;
  }
}
