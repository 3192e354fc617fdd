package io.clbdirect.gate.clb;

/** A CLB call that failed for good (not retryable, or out of attempts), with the API's code. */
public class ClbOperationException extends Exception {

  private final String action;
  private final String code;

  public ClbOperationException(String action, String code, String message, Throwable cause) {
    super(action + " failed: " + code + ": " + message, cause);
    this.action = action;
    this.code = code;
  }

  public String action() {
    return action;
  }

  public String code() {
    return code;
  }
}
