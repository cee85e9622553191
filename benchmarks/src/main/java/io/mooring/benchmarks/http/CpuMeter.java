package io.mooring.benchmarks.http;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and context switches of this JVM between two snapshots, the target server's threads
 * (named {@link NettyFixedServer#THREAD_PREFIX}…) left out, so that a client's cost counts wherever
 * it is paid: the calling threads, the client's event loops, selector and executor threads, and the
 * JVM's GC and JIT threads. nginx and {@code wrk} are other processes and never counted.
 *
 * <p>CPU: {@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime} (the whole process,
 * threads that died in between included) minus the server threads' {@code getThreadCpuTime}.
 * Context switches: the sum of {@code voluntary_ctxt_switches} and {@code
 * nonvoluntary_ctxt_switches} over {@code /proc/self/task/*}{@code /status}, server tasks (by
 * {@code Name}, the thread name cut to 15 characters) left out. Linux publishes no whole-process
 * count that includes dead threads ({@code /proc/self/status} is the main thread's; {@code
 * getrusage} has no Java API), so a thread that ends between the snapshots takes its switches with
 * it: {@link Cost#exitedThreads} says how many did (the closed loop's threads and the clients'
 * loops live through the measured phase, so it is normally 0).
 */
final class CpuMeter {
  private static final Path TASKS = Paths.get("/proc/self/task");
  private static final String SERVER_TASK = NettyFixedServer.THREAD_PREFIX;

  private final com.sun.management.OperatingSystemMXBean os =
      ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final boolean switchesReadable = Files.isReadable(TASKS);

  /**
   * What the client threads spent between two snapshots; unknown figures are -1.
   *
   * @param cpuNanos CPU time, server threads excluded
   * @param switches voluntary plus involuntary context switches, server threads excluded
   * @param exitedThreads threads that ended in between, whose switches are missing
   */
  record Cost(long cpuNanos, long switches, int exitedThreads) {}

  /** One reading. */
  final class Snapshot {
    private final long processCpu;
    private final Map<Long, Long> serverCpu;
    private final Map<String, Long> switches;

    private Snapshot(long processCpu, Map<Long, Long> serverCpu, Map<String, Long> switches) {
      this.processCpu = processCpu;
      this.serverCpu = serverCpu;
      this.switches = switches;
    }

    /** What was spent from {@code before} to this snapshot. */
    Cost since(Snapshot before) {
      long cpu = -1;
      if (processCpu >= 0 && before.processCpu >= 0) {
        cpu = processCpu - before.processCpu - delta(serverCpu, before.serverCpu);
      }
      if (switches == null || before.switches == null) {
        return new Cost(cpu, -1, 0);
      }
      int exited = 0;
      for (String task : before.switches.keySet()) {
        if (!switches.containsKey(task)) {
          exited++;
        }
      }
      return new Cost(cpu, delta(switches, before.switches), exited);
    }
  }

  /** Whether context switches can be read here ({@code /proc}, so Linux). */
  boolean switchesReadable() {
    return switchesReadable;
  }

  Snapshot snapshot() {
    Map<Long, Long> server = new HashMap<>();
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null && infos[i].getThreadName().startsWith(SERVER_TASK)) {
        long cpu = threads.getThreadCpuTime(ids[i]);
        if (cpu >= 0) {
          server.put(ids[i], cpu);
        }
      }
    }
    return new Snapshot(os.getProcessCpuTime(), server, switches());
  }

  /** Sum over the keys of {@code after} of the increase since {@code before} (0 when new). */
  private static <K> long delta(Map<K, Long> after, Map<K, Long> before) {
    long sum = 0;
    for (Map.Entry<K, Long> e : after.entrySet()) {
      sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return sum;
  }

  /** Context switches per task id of the non-server tasks; null when unreadable. */
  private Map<String, Long> switches() {
    if (!switchesReadable) {
      return null;
    }
    Map<String, Long> all = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        long n = taskSwitches(task);
        if (n >= 0) {
          all.put(task.getFileName().toString(), n);
        }
      }
    } catch (IOException e) {
      return null;
    }
    return all;
  }

  /** The task's switches, or -1 when it is a server task or ended while being read. */
  private static long taskSwitches(Path task) {
    List<String> lines;
    try {
      lines = Files.readAllLines(task.resolve("status"));
    } catch (IOException e) {
      return -1;
    }
    long sum = 0;
    for (String line : lines) {
      if (line.startsWith("Name:") && line.substring(5).trim().startsWith(SERVER_TASK)) {
        return -1;
      }
      if (line.startsWith("voluntary_ctxt_switches:")
          || line.startsWith("nonvoluntary_ctxt_switches:")) {
        sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return sum;
  }
}
