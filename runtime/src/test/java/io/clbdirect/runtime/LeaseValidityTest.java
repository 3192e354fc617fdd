package io.clbdirect.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LeaseValidityTest {

  private static final long S = 1_000_000_000L;

  @ParameterizedTest(name = "leading={0} renewed={1} renew at {2} s, now {3} s -> {4}")
  @CsvSource({
    // leading, renewed, last renew start (s), now (s), verdict
    "true,  true,  0,   0,    VALID",
    "true,  true,  0,   9.999, VALID",
    "true,  true,  0,   10,   RENEW_DEADLINE_PASSED",
    "true,  true,  0,   60,   RENEW_DEADLINE_PASSED",
    "true,  true,  50,  55,   VALID",
    "true,  false, 0,   0,    NEVER_RENEWED",
    "false, true,  0,   1,    NOT_LEADING",
    "false, false, 0,   1,    NOT_LEADING",
    // nanoTime's origin is arbitrary: negative readings and a wrap still compare by difference
    "true,  true,  -5,  -1,   VALID",
    "true,  true,  -20, -5,   RENEW_DEADLINE_PASSED",
  })
  void judgesFromTheLastRenewalStartAndTheTerm(
      boolean leading, boolean renewed, double renewAt, double now, LeaseValidity expected) {
    assertThat(
            LeaseValidity.judge(
                leading, renewed, (long) (renewAt * S), (long) (now * S), Duration.ofSeconds(10)))
        .isEqualTo(expected);
    assertThat(expected.mayWrite()).isEqualTo(expected == LeaseValidity.VALID);
  }

  @ParameterizedTest
  @CsvSource({
    "9223372036854775000, 9223372036854775807",
    "9223372036854775000, -9223372036854775000"
  })
  void aNanoTimeWrapBetweenRenewalAndNowIsAShortInterval(long renewAt, long now) {
    // Long.MAX_VALUE - 807 ns to MIN_VALUE + 808: about 1.6 µs later after the overflow.
    assertThat(LeaseValidity.judge(true, true, renewAt, now, Duration.ofSeconds(10)))
        .isEqualTo(LeaseValidity.VALID);
  }
}
