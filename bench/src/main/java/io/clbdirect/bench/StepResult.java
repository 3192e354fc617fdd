package io.clbdirect.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One measured step of a load run: what was offered, what came back, the latency distribution
 * (milliseconds) and who used the CPU meanwhile.
 *
 * @param offeredRate requests per second asked for, or 0 for a closed-loop (saturation) step
 * @param completed successful (HTTP 200) responses; latencies are theirs
 * @param errors non-200 answers and connection failures
 * @param notSent open loop only: requests whose send time came after the step's grace period (the
 *     server could not keep up and the backlog was cut off)
 * @param lateSends open loop only: requests sent more than 1 ms after their intended time because
 *     every connection was busy or the machine woke the sending thread late; their wait is part of
 *     their latency (coordinated omission corrected)
 * @param sendLagP99Ms open loop only: p99 of (actual send time - intended send time)
 * @param reconnects connections the client had to open again because the server closed one (e.g.
 *     Tomcat's max-keep-alive-requests) or it failed: each costs a full TLS handshake
 */
public record StepResult(
    String endpoint,
    String mode,
    int offeredRate,
    int connections,
    double seconds,
    long completed,
    long errors,
    long notSent,
    long lateSends,
    double sendLagP99Ms,
    long reconnects,
    double achievedRate,
    double meanMs,
    double p50Ms,
    double p90Ms,
    double p99Ms,
    double p999Ms,
    double maxMs,
    CpuMeter.Usage cpu,
    String loadAverageAfter) {

  static StepResult of(
      String endpoint,
      int offeredRate,
      int connections,
      double seconds,
      Histogram latencyNanos,
      long errors,
      long notSent,
      long lateSends,
      double sendLagP99Ms,
      long reconnects,
      CpuMeter.Usage cpu) {
    long completed = latencyNanos.getTotalCount();
    return new StepResult(
        endpoint,
        offeredRate > 0 ? "rate" : "saturation",
        offeredRate,
        connections,
        seconds,
        completed,
        errors,
        notSent,
        lateSends,
        sendLagP99Ms,
        reconnects,
        seconds > 0 ? completed / seconds : 0,
        completed > 0 ? latencyNanos.getMean() / 1e6 : 0,
        ms(latencyNanos, 50),
        ms(latencyNanos, 90),
        ms(latencyNanos, 99),
        ms(latencyNanos, 99.9),
        completed > 0 ? latencyNanos.getMaxValue() / 1e6 : 0,
        cpu,
        Machine.loadAverage());
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() > 0 ? h.getValueAtPercentile(percentile) / 1e6 : 0;
  }

  public String offered() {
    return offeredRate > 0 ? offeredRate + "/s" : "max (" + connections + " conns)";
  }

  /** Server CPU per answered request, in microseconds: the cost of one admission. */
  public double serverCpuMicrosPerRequest() {
    return completed > 0 ? cpu.serverCpuSeconds() * 1e6 / completed : 0;
  }

  /** Load-generator CPU per answered request, in microseconds. */
  public double clientCpuMicrosPerRequest() {
    return completed > 0 ? cpu.clientCpuSeconds() * 1e6 / completed : 0;
  }

  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("endpoint", endpoint);
    json.put("mode", mode);
    json.put("offeredRate", offeredRate);
    json.put("connections", connections);
    json.put("seconds", round(seconds));
    json.put("completed", completed);
    json.put("errors", errors);
    json.put("notSent", notSent);
    json.put("lateSends", lateSends);
    json.put("sendLagP99Ms", round(sendLagP99Ms));
    json.put("reconnects", reconnects);
    json.put("achievedRate", round(achievedRate));
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("mean", round(meanMs));
    latency.put("p50", round(p50Ms));
    latency.put("p90", round(p90Ms));
    latency.put("p99", round(p99Ms));
    latency.put("p99.9", round(p999Ms));
    latency.put("max", round(maxMs));
    json.put("latencyMs", latency);
    Map<String, Object> cpuJson = new LinkedHashMap<>();
    cpuJson.put("clientCores", round(cpu.clientCores()));
    cpuJson.put("serverCores", round(cpu.serverCores()));
    cpuJson.put("machineBusyCores", round(cpu.machineBusyCores()));
    cpuJson.put("serverCpuMicrosPerRequest", round(serverCpuMicrosPerRequest()));
    cpuJson.put("clientCpuMicrosPerRequest", round(clientCpuMicrosPerRequest()));
    json.put("cpu", cpuJson);
    json.put("loadAverageAfter", loadAverageAfter);
    return json;
  }

  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
