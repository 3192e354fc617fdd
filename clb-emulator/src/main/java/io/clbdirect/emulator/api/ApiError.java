package io.clbdirect.emulator.api;

/** An API error as CLB returns it: HTTP 200 with {@code Response.Error.Code/Message}. */
public final class ApiError extends RuntimeException {

  private final String code;

  public ApiError(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static ApiError missing(String field) {
    return new ApiError(
        "MissingParameter", "The request is missing a required parameter `" + field + "`.");
  }

  public static ApiError lbNotFound(String id) {
    return new ApiError("InvalidParameter.LBIdNotFound", "LoadBalancer not exist: " + id);
  }

  public static ApiError listenerNotFound(String id) {
    return new ApiError(
        "InvalidParameter.ListenerIdNotFound", "some ListenerId " + id + " not found");
  }

  public static ApiError locationNotFound(String id) {
    return new ApiError("InvalidParameter.LocationNotFound", "LocationId " + id + " not found");
  }

  public static ApiError tooMany(String field, int max) {
    return new ApiError(
        "InvalidParameterValue.Length", "`" + field + "` holds more than " + max + " items.");
  }
}
