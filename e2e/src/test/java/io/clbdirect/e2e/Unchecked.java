package io.clbdirect.e2e;

import io.kubernetes.client.openapi.ApiException;

/**
 * Calls whose checked exceptions a test can only fail on, for use inside {@link Await#until}
 * probes.
 */
final class Unchecked {

  private Unchecked() {}

  interface Call<T> {
    T call() throws Exception;
  }

  /**
   * @throws IllegalStateException for a checked failure; for an API error it names the code and the
   *     body, what says why
   */
  static <T> T get(Call<T> call) {
    try {
      return call.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (ApiException e) {
      throw new IllegalStateException(e.getCode() + " " + e.getResponseBody(), e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
