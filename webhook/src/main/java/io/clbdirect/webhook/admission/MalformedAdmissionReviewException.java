package io.clbdirect.webhook.admission;

/**
 * The body is not an AdmissionReview clb-direct can answer; the message says why, for the caller.
 */
public class MalformedAdmissionReviewException extends Exception {

  public MalformedAdmissionReviewException(String message) {
    super(message);
  }

  public MalformedAdmissionReviewException(String message, Throwable cause) {
    super(message, cause);
  }
}
