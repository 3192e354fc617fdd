package io.clbdirect.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the numbers were measured on, and how busy it was. Linux only (/proc). */
public record Machine(
    int nproc,
    String cpuModel,
    long memTotalMiB,
    String jdk,
    String os,
    Instant date,
    String loadAverageAtStart) {

  public static Machine describe() {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        readCpuModel(),
        readMemTotalKiB() / 1024,
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        Instant.now().truncatedTo(ChronoUnit.SECONDS),
        loadAverage());
  }

  /** The 1, 5 and 15 minute load averages, as /proc/loadavg has them. */
  public static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      return "unknown";
    }
  }

  public List<String> lines() {
    return List.of(
        "machine: " + nproc + " CPUs (nproc), " + cpuModel + ", " + memTotalMiB + " MiB RAM",
        "jdk:     " + jdk + " on " + os,
        "date:    " + date,
        "load average at start (1/5/15 min): " + loadAverageAtStart);
  }

  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("nproc", nproc);
    json.put("cpuModel", cpuModel);
    json.put("memTotalMiB", memTotalMiB);
    json.put("jdk", jdk);
    json.put("os", os);
    json.put("date", date.toString());
    json.put("loadAverageAtStart", loadAverageAtStart);
    return json;
  }

  private static String readCpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "unknown CPU";
  }

  private static long readMemTotalKiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    return -1;
  }
}
