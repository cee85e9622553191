package io.mooring.benchmarks.http;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * Bytes allocated by the JVM's threads between two snapshots, leaving out the target server's own
 * threads (named {@link NettyFixedServer#THREAD_PREFIX}…), so that a client's allocation counts
 * wherever it happens: the calling thread, the client's event loops, its executor.
 *
 * <p>{@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes} (JDK 14 and later, so on
 * the project's JDK 17 too): all threads since JVM start, those that died in between included,
 * minus the server threads' own. Where the JVM does not support it, the sum of {@code
 * getThreadAllocatedBytes} over the threads live at the second snapshot, which loses what a thread
 * that died in between allocated.
 */
final class AllocationMeter {
  private final com.sun.management.ThreadMXBean threads =
      ManagementFactory.getPlatformMXBean(com.sun.management.ThreadMXBean.class);
  private final boolean exact = supportsTotal();

  /** One reading: the whole-JVM total (if available) and per live thread id. */
  final class Snapshot {
    private final long total;
    private final Map<Long, Long> perThread;
    private final Map<Long, Long> server;

    private Snapshot(long total, Map<Long, Long> perThread, Map<Long, Long> server) {
      this.total = total;
      this.perThread = perThread;
      this.server = server;
    }

    /** Bytes the non-server threads allocated from {@code before} to this snapshot. */
    long since(Snapshot before) {
      long serverDelta = 0;
      for (Map.Entry<Long, Long> e : server.entrySet()) {
        serverDelta += e.getValue() - before.server.getOrDefault(e.getKey(), 0L);
      }
      if (total >= 0 && before.total >= 0) {
        return total - before.total - serverDelta;
      }
      long sum = 0;
      for (Map.Entry<Long, Long> e : perThread.entrySet()) {
        sum += e.getValue() - before.perThread.getOrDefault(e.getKey(), 0L);
      }
      return sum;
    }
  }

  AllocationMeter() {
    threads.setThreadAllocatedMemoryEnabled(true);
  }

  /** Whether the whole-JVM total is used rather than the live-thread sum. */
  boolean exact() {
    return exact;
  }

  Snapshot snapshot() {
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    Map<Long, Long> perThread = new HashMap<>();
    Map<Long, Long> server = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null || bytes[i] < 0) {
        continue;
      }
      if (infos[i].getThreadName().startsWith(NettyFixedServer.THREAD_PREFIX)) {
        server.put(ids[i], bytes[i]);
      } else {
        perThread.put(ids[i], bytes[i]);
      }
    }
    return new Snapshot(total(), perThread, server);
  }

  private long total() {
    return exact ? threads.getTotalThreadAllocatedBytes() : -1;
  }

  private boolean supportsTotal() {
    try {
      threads.setThreadAllocatedMemoryEnabled(true);
      return threads.getTotalThreadAllocatedBytes() >= 0;
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }
}
