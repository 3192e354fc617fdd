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

  private ClbErrors() {}

  public static boolean retryable(Throwable error) {
    if (!(error instanceof TencentCloudSDKException sdk)) {
      return false;
    }
    String code = sdk.getErrorCode();
    // The SDK reports transport failures (timeouts, refused connections, non-200) without an API
    // code.
    return code == null
        || code.isEmpty()
        || code.equals("ServerSideError")
        || code.equals("ClientSideError")
        || RETRYABLE.contains(code);
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
