package io.clbdirect.e2e;

/** Calls whose checked exceptions a test can only fail on, for use inside {@link Await#until} probes. */
final class Unchecked {

  private Unchecked() {}

  interface Call<T> {
    T call() throws Exception;
  }

  static <T> T get(Call<T> call) {
    try {
      return call.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
