package io.clbdirect.e2e;

import java.util.Set;

/** Sums over samples of a Prometheus text exposition, e.g. one replica's /actuator/prometheus. */
final class PrometheusText {

  /** The cloud actions that change something (reads are Describe*). */
  static final Set<String> CLB_WRITES =
      Set.of(
          "CreateLoadBalancer",
          "DeleteLoadBalancer",
          "CreateListener",
          "DeleteListener",
          "ModifyListener",
          "CreateRule",
          "DeleteRule",
          "ModifyRule",
          "ModifyDomainAttributes",
          "AutoRewrite",
          "BatchRegisterTargets",
          "BatchDeregisterTargets",
          "BatchModifyTargetWeight");

  private PrometheusText() {}

  /** The sum of every sample of {@code name} whose labels contain all of {@code labels}. */
  static double sum(String exposition, String name, String... labels) {
    double sum = 0;
    for (String line : exposition.split("\n")) {
      if (!(line.startsWith(name + "{") || line.startsWith(name + " "))) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      boolean all = true;
      for (String label : labels) {
        all &= series.contains(label);
      }
      if (all) {
        sum += Double.parseDouble(line.substring(space + 1).trim());
      }
    }
    return sum;
  }

  /** Write calls a replica sent to the CLB API, by its own counter. */
  static double clbWritesSent(String exposition) {
    double sum = 0;
    for (String action : CLB_WRITES) {
      sum += sum(exposition, "clb_direct_clb_calls_total", "action=\"" + action + "\"");
    }
    return sum;
  }
}
