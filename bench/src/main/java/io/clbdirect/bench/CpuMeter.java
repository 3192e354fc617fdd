package io.clbdirect.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this JVM (the load generator), of one other process (clb-direct) and of the whole
 * machine, so each step can say who used the cores: the client must not be the bottleneck, and on a
 * shared machine the rest is other people's load.
 */
public final class CpuMeter {

  /** Linux's USER_HZ; /proc reports process and machine times in these ticks. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long serverPid;

  public CpuMeter(long serverPid) {
    this.serverPid = serverPid;
  }

  public Sample sample() {
    long[] machine = machineTicks();
    return new Sample(
        System.nanoTime(), ownCpuNanos(), processTicks(serverPid), machine[0], machine[1]);
  }

  /**
   * Cores used between two samples: client (this JVM), server (clb-direct), machine (all, from
   * /proc/stat).
   */
  public record Usage(
      double clientCores,
      double serverCores,
      double machineBusyCores,
      double clientCpuSeconds,
      double serverCpuSeconds) {}

  public record Sample(
      long wallNanos,
      long clientCpuNanos,
      long serverTicks,
      long machineBusyTicks,
      long machineTotalTicks) {

    public Usage until(Sample later) {
      double wall = (later.wallNanos - wallNanos) / 1e9;
      double client = (later.clientCpuNanos - clientCpuNanos) / 1e9;
      double server = (later.serverTicks - serverTicks) / TICKS_PER_SECOND;
      long total = later.machineTotalTicks - machineTotalTicks;
      int cpus = Runtime.getRuntime().availableProcessors();
      double busyFraction =
          total > 0 ? (double) (later.machineBusyTicks - machineBusyTicks) / total : 0;
      return new Usage(client / wall, server / wall, busyFraction * cpus, client, server);
    }
  }

  private static long ownCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /** utime + stime of a process, in ticks (fields 14 and 15 of /proc/pid/stat). */
  static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // The command name (field 2) is in parentheses and may contain spaces: split after it.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** {busy, total} jiffies over all CPUs from the first line of /proc/stat. */
  private static long[] machineTicks() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.strip().split("\\s+");
      long user = Long.parseLong(f[1]);
      long nice = Long.parseLong(f[2]);
      long system = Long.parseLong(f[3]);
      long idle = Long.parseLong(f[4]);
      long iowait = Long.parseLong(f[5]);
      long irq = Long.parseLong(f[6]);
      long softirq = Long.parseLong(f[7]);
      long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
      long busy = user + nice + system + irq + softirq + steal;
      return new long[] {busy, busy + idle + iowait};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }
}
