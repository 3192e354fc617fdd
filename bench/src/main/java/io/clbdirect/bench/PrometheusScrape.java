package io.clbdirect.bench;

import java.util.function.Predicate;

/**
 * Sums of samples in a Prometheus text scrape (clb-direct's /actuator/prometheus, the API server's
 * /metrics).
 */
final class PrometheusScrape {

  private final String text;

  PrometheusScrape(String text) {
    this.text = text;
  }

  static PrometheusScrape of(MeasuredClbDirect app) {
    return new PrometheusScrape(app.process().management("/actuator/prometheus"));
  }

  /**
   * The sum of every sample whose line starts with {@code prefix} (a name, or a name plus "{") and
   * passes {@code labels}.
   */
  double sum(String prefix, Predicate<String> labels) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix) && labels.test(line)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  double sum(String prefix) {
    return sum(prefix, line -> true);
  }

  String text() {
    return text;
  }
}
