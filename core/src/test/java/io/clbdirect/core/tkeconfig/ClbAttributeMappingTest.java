package io.clbdirect.core.tkeconfig;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.core.tkeconfig.ClbSettings.ForwardType;
import io.clbdirect.core.tkeconfig.ClbSettings.Scheduler;
import io.clbdirect.core.tkeconfig.HealthCheck.HttpCheckMethod;
import org.junit.jupiter.api.Test;

class ClbAttributeMappingTest {

  private static final ClbSettings NOTHING_SET = new ClbSettings(null, null, null, null);

  private static final ClbSettings L7_ALL_SET =
      new ClbSettings(
          new HealthCheck(
              true, 10, 3, 4, 5, 2, "/healthz", "health.example.com", HttpCheckMethod.GET),
          new Session(true, 600),
          Scheduler.IP_HASH,
          ForwardType.HTTPS);

  private static final ClbAttributes L7_ALL_SET_ON_CLB =
      new ClbAttributes(
          1L,
          5L,
          10L,
          3L,
          4L,
          2L,
          "/healthz",
          "health.example.com",
          "GET",
          600L,
          "IP_HASH",
          "HTTPS");

  /** A TCP listener as the CLB creates it: check on with its defaults, no session, WRR. */
  private static final ClbAttributes TCP_DEFAULTS = l4(1L, 2L, 5L, 0L, "WRR");

  private static HealthCheck tcpCheck(boolean enable, Integer intervalTime, Integer timeout) {
    return new HealthCheck(enable, intervalTime, null, null, timeout, null, null, null, null);
  }

  private static ClbSettings l4Settings(HealthCheck check, Session session, Scheduler scheduler) {
    return new ClbSettings(check, session, scheduler, null);
  }

  /** L4 attributes; the check counts and HTTP fields unknown. */
  private static ClbAttributes l4(
      Long healthSwitch,
      Long timeout,
      Long intervalTime,
      Long sessionExpireTime,
      String scheduler) {
    return new ClbAttributes(
        healthSwitch,
        timeout,
        intervalTime,
        null,
        null,
        null,
        null,
        null,
        null,
        sessionExpireTime,
        scheduler,
        null);
  }

  private static Long sessionOnCreate(Session session) {
    return ClbAttributeMapping.forCreate(l4Settings(null, session, null)).sessionExpireTime();
  }

  @Test
  void createSendsEveryAttributeTheEntrySets() {
    assertThat(ClbAttributeMapping.forCreate(L7_ALL_SET)).isEqualTo(L7_ALL_SET_ON_CLB);
  }

  @Test
  void createSendsNothingTheEntryDoesNotSet() {
    assertThat(ClbAttributeMapping.forCreate(NOTHING_SET)).isEqualTo(ClbAttributes.NONE);
    assertThat(ClbAttributeMapping.forCreate(l4Settings(tcpCheck(true, null, 7), null, null)))
        .isEqualTo(l4(1L, 7L, null, null, null));
  }

  @Test
  void aDisabledHealthCheckIsTheSwitchAloneItsOtherFieldsDoNothing() {
    ClbSettings off =
        l4Settings(
            new HealthCheck(
                false, 10, 3, 4, 5, 2, "/healthz", "h.example.com", HttpCheckMethod.GET),
            null,
            null);

    assertThat(ClbAttributeMapping.forCreate(off)).isEqualTo(l4(0L, null, null, null, null));
    assertThat(ClbAttributeMapping.diff(off, TCP_DEFAULTS).attributes())
        .isEqualTo(l4(0L, null, null, null, null));
    assertThat(ClbAttributeMapping.diff(off, l4(0L, 2L, 5L, 0L, "WRR")).isEmpty())
        .as("already off: the other fields differ but are not compared")
        .isTrue();
  }

  @Test
  void sessionIsTheExpireTimeZeroWhenOffThirtyWhenOnWithoutATime() {
    assertThat(sessionOnCreate(new Session(false, 600))).isZero();
    assertThat(sessionOnCreate(new Session(true, null))).isEqualTo(30L);
    assertThat(sessionOnCreate(new Session(true, 90))).isEqualTo(90L);
  }

  @Test
  void notSetMeansNoChangeWhateverTheClbHas() {
    assertThat(ClbAttributeMapping.diff(NOTHING_SET, TCP_DEFAULTS).isEmpty()).isTrue();
    assertThat(ClbAttributeMapping.diff(NOTHING_SET, L7_ALL_SET_ON_CLB).isEmpty()).isTrue();
    assertThat(ClbAttributeMapping.diff(NOTHING_SET, ClbAttributes.NONE).isEmpty()).isTrue();
  }

  @Test
  void equalMeansNoChange() {
    assertThat(ClbAttributeMapping.diff(L7_ALL_SET, L7_ALL_SET_ON_CLB).isEmpty()).isTrue();
    ClbSettings tcp = l4Settings(tcpCheck(true, 5, 2), new Session(false, null), Scheduler.WRR);
    assertThat(ClbAttributeMapping.diff(tcp, TCP_DEFAULTS).isEmpty()).isTrue();
  }

  @Test
  void namesCompareIgnoringCaseSoACaseChangingClbIsNotModifiedForever() {
    ClbAttributes otherCase =
        new ClbAttributes(
            1L,
            5L,
            10L,
            3L,
            4L,
            2L,
            "/healthz",
            "Health.Example.com",
            "get",
            600L,
            "ip_hash",
            "https");

    assertThat(ClbAttributeMapping.diff(L7_ALL_SET, otherCase).isEmpty()).isTrue();
  }

  @Test
  void theCheckPathIsCaseSensitive() {
    ClbAttributes upperPath =
        new ClbAttributes(
            1L,
            5L,
            10L,
            3L,
            4L,
            2L,
            "/HEALTHZ",
            "health.example.com",
            "GET",
            600L,
            "IP_HASH",
            "HTTPS");

    assertThat(ClbAttributeMapping.diff(L7_ALL_SET, upperPath).attributes())
        .isEqualTo(
            new ClbAttributes(
                null, null, null, null, null, null, "/healthz", null, null, null, null, null));
  }

  @Test
  void differingAttributesAndOnlyThoseAreChanged() {
    ClbSettings settings =
        l4Settings(tcpCheck(true, 10, 2), new Session(true, null), Scheduler.LEAST_CONN);

    AttributeChanges changes = ClbAttributeMapping.diff(settings, TCP_DEFAULTS);

    assertThat(changes.isEmpty()).isFalse();
    assertThat(changes.attributes()).isEqualTo(l4(null, null, 10L, 30L, "LEAST_CONN"));
  }

  @Test
  void anEnabledCheckTurnsTheSwitchBackOn() {
    ClbSettings settings = l4Settings(tcpCheck(true, null, 2), null, null);

    assertThat(ClbAttributeMapping.diff(settings, l4(0L, 2L, 5L, 0L, "WRR")).attributes())
        .isEqualTo(l4(1L, null, null, null, null));
  }

  @Test
  void whatTheClbDoesNotReportIsSentAsSet() {
    assertThat(ClbAttributeMapping.diff(L7_ALL_SET, ClbAttributes.NONE).attributes())
        .isEqualTo(L7_ALL_SET_ON_CLB);
  }
}
