package io.clbdirect.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrashPointsTest {

  @Test
  void haltsOnlyAtTheArmedPointWithSigkillsStatus() {
    List<Integer> halts = new ArrayList<>();
    CrashPoints points = new CrashPoints(CrashPoints.AFTER_CREATE_LOAD_BALANCER, halts::add);
    points.reach(CrashPoints.AFTER_BATCH_REGISTER_TARGETS);
    assertThat(halts).isEmpty();
    points.reach(CrashPoints.AFTER_CREATE_LOAD_BALANCER);
    assertThat(halts).containsExactly(137);
  }

  @Test
  void unsetOrBlankHaltsNowhere() {
    List<Integer> halts = new ArrayList<>();
    for (String unset : new String[] {null, "", "  "}) {
      CrashPoints points = new CrashPoints(unset, halts::add);
      CrashPoints.ALL.forEach(points::reach);
    }
    assertThat(halts).isEmpty();
  }
}
