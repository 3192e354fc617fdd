package io.clbdirect.gate.clb;

import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import java.util.Set;

/** Which CLB failures are worth retrying. */
public final class ClbErrors {

  /** A write raced another task, throttling, or the API's own trouble: all pass with time. */
  static final Set<String> RETRYABLE =
      Set.of(
          "FailedOperation.ResourceInOperating",
          "RequestLimitExceeded",
          "InternalError",
          "ResourceUnavailable");

  /** The signing host's clock is more than 5 minutes from Tencent Cloud's. */
  public static final String SIGNATURE_EXPIRE = "AuthFailure.SignatureExpire";

  /** The credentials themselves are refused: an unknown SecretId, or a wrong SecretKey. */
  static final Set<String> CREDENTIALS_REJECTED =
      Set.of("AuthFailure.SignatureFailure", "AuthFailure.SecretIdNotFound");

  /** Warning Event reasons for CLB failures: a clock or credentials problem, or any other. */
  public static final String CLOCK_SKEW_REASON = "CloudClockSkew";

  public static final String CREDENTIALS_REJECTED_REASON = "CloudCredentialsRejected";
  public static final String API_ERROR_REASON = "CloudApiError";

  private ClbErrors() {}

  public static boolean retryable(Throwable error) {
    if (!(error instanceof TencentCloudSDKException sdk)) {
      return false;
    }
    String code = sdk.getErrorCode();
    if (SIGNATURE_EXPIRE.equals(code) || CREDENTIALS_REJECTED.contains(code)) {
      // Every call fails so until someone fixes the clock or the key: retrying within the call is
      // a tight loop. The reconcile's backoff (up to 30 s) is the retry.
      return false;
    }
    // The SDK reports transport failures (timeouts, refused connections, non-200) without an API
    // code.
    return code == null
        || code.isEmpty()
        || code.equals("ServerSideError")
        || code.equals("ClientSideError")
        || RETRYABLE.contains(code);
  }

  /** Whether the failure is a clock or credentials problem, which no call gets past. */
  public static boolean authenticationRefused(String code) {
    return SIGNATURE_EXPIRE.equals(code) || CREDENTIALS_REJECTED.contains(code);
  }

  /** The Warning Event reason for a failed CLB operation. */
  public static String eventReason(ClbOperationException e) {
    if (SIGNATURE_EXPIRE.equals(e.code())) {
      return CLOCK_SKEW_REASON;
    }
    if (CREDENTIALS_REJECTED.contains(e.code())) {
      return CREDENTIALS_REJECTED_REASON;
    }
    return API_ERROR_REASON;
  }

  /**
   * The Warning Event message for a failed CLB operation: for clock and credentials problems what
   * is wrong and what to do, without the API's message (it carries times and request ids) or the
   * action (whichever call came first), which would make attempts new Events rather than one with
   * its count raised.
   */
  public static String eventMessage(ClbOperationException e) {
    if (SIGNATURE_EXPIRE.equals(e.code())) {
      return "Tencent Cloud API calls fail with "
          + e.code()
          + ": this host's clock differs from Tencent Cloud's by more than 5 minutes, so Tencent"
          + " Cloud refuses every signed call; fix time synchronisation (NTP, chrony) on the node"
          + " running clb-direct. Retried with backoff up to 30 s.";
    }
    if (CREDENTIALS_REJECTED.contains(e.code())) {
      return "Tencent Cloud API calls fail with "
          + e.code()
          + ": Tencent Cloud rejects the credentials (an unknown SecretId or a wrong SecretKey);"
          + " fix the Secret clb-direct-clb-credentials and restart clb-direct. Retried with"
          + " backoff up to 30 s.";
    }
    return e.getMessage();
  }

  public static String code(Throwable error) {
    if (error instanceof TencentCloudSDKException sdk
        && sdk.getErrorCode() != null
        && !sdk.getErrorCode().isEmpty()) {
      return sdk.getErrorCode();
    }
    return "Transport";
  }
}
