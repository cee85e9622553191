package io.mooring.benchmarks.http;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
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
 * it: {@link Cost#endedThreads} names them (the closed loop's threads and the clients' loops live
 * through the measured phase; the JIT's compiler threads, which the JVM starts and stops as it
 * needs them, are the usual ones).
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
   * @param endedThreads names of the threads that ended in between, whose switches are missing
   */
  record Cost(long cpuNanos, long switches, List<String> endedThreads) {}

  /** A task's name and context switches so far. */
  private record Task(String name, long switches) {}

  /** One reading. */
  final class Snapshot {
    private final long processCpu;
    private final Map<Long, Long> serverCpu;
    private final Map<String, Task> switches;

    private Snapshot(long processCpu, Map<Long, Long> serverCpu, Map<String, Task> switches) {
      this.processCpu = processCpu;
      this.serverCpu = serverCpu;
      this.switches = switches;
    }

    /** What was spent from {@code before} to this snapshot. */
    Cost since(Snapshot before) {
      long cpu = -1;
      if (processCpu >= 0 && before.processCpu >= 0) {
        cpu = processCpu - before.processCpu;
        for (Map.Entry<Long, Long> e : serverCpu.entrySet()) {
          cpu -= e.getValue() - before.serverCpu.getOrDefault(e.getKey(), 0L);
        }
      }
      if (switches == null || before.switches == null) {
        return new Cost(cpu, -1, List.of());
      }
      long sum = 0;
      for (Map.Entry<String, Task> e : switches.entrySet()) {
        Task was = before.switches.get(e.getKey());
        sum += e.getValue().switches() - (was == null ? 0 : was.switches());
      }
      List<String> ended = new ArrayList<>();
      for (Map.Entry<String, Task> e : before.switches.entrySet()) {
        if (!switches.containsKey(e.getKey())) {
          ended.add(e.getValue().name());
        }
      }
      return new Cost(cpu, sum, List.copyOf(ended));
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

  /** The non-server tasks by task id; null when unreadable. */
  private Map<String, Task> switches() {
    if (!switchesReadable) {
      return null;
    }
    Map<String, Task> all = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        Task t = task(task);
        if (t != null) {
          all.put(task.getFileName().toString(), t);
        }
      }
    } catch (IOException e) {
      return null;
    }
    return all;
  }

  /** The task, or null when it is a server task or ended while being read. */
  private static Task task(Path task) {
    List<String> lines;
    try {
      lines = Files.readAllLines(task.resolve("status"));
    } catch (IOException e) {
      return null;
    }
    String name = "?";
    long sum = 0;
    for (String line : lines) {
      if (line.startsWith("Name:")) {
        name = line.substring(5).trim();
        if (name.startsWith(SERVER_TASK)) {
          return null;
        }
      }
      if (line.startsWith("voluntary_ctxt_switches:")
          || line.startsWith("nonvoluntary_ctxt_switches:")) {
        sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return new Task(name, sum);
  }
}
