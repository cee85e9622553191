package io.mooring.pool.ports.internal;

import io.mooring.pool.Ticker;
import io.mooring.pool.ports.EndpointUsage;
import io.mooring.pool.ports.EphemeralPortRange;
import io.mooring.pool.ports.PortState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scan of the kernel's tables under a root: reads the ephemeral range, {@code proc/net/tcp},
 * {@code proc/net/tcp6} and {@code proc/net/sockstat}, and picks the endpoints to report: every
 * watched one, the top N by sockets, and every one at or above the report threshold. Reuses its
 * buffers from scan to scan, so it is not thread safe: the monitor serialises scans.
 */
public final class PortScanner {
  private final Path rangeFile;
  private final Path tcp;
  private final Path tcp6;
  private final Path sockstat;
  private final int topN;
  private final double reportThreshold;
  private final Ticker ticker;
  private final TcpTableParser parser;
  private final ProcFileReader reader = new ProcFileReader(64 * 1024);
  private final int[] topSlots;
  private final int[] sockstatValues = new int[2];
  private final int[] rangeValues = new int[2];

  /** What one scan found; the arrays and collections belong to the caller. */
  public record Result(
      EphemeralPortRange range,
      int[] states,
      List<EndpointUsage> destinations,
      Map<InetSocketAddress, EndpointUsage> byAddress,
      Map<String, EndpointUsage> byTag,
      int tcpInUse,
      int tcpTimeWait,
      int lines,
      int malformedLines,
      long scanNanos,
      long takenAtNanos) {}

  /**
   * A scanner of the tables under {@code root} as printed by a machine of byte order {@code order},
   * reporting the {@code topN} busiest endpoints and all at or above utilisation {@code
   * reportThreshold}.
   */
  public PortScanner(Path root, ByteOrder order, int topN, double reportThreshold, Ticker ticker) {
    this.rangeFile = root.resolve(ProcFileReader.PORT_RANGE_FILE);
    this.tcp = root.resolve("proc/net/tcp");
    this.tcp6 = root.resolve("proc/net/tcp6");
    this.sockstat = root.resolve("proc/net/sockstat");
    this.topN = topN;
    this.reportThreshold = reportThreshold;
    this.ticker = ticker;
    this.parser = new TcpTableParser(order);
    this.topSlots = new int[Math.max(1, topN)];
  }

  /** Whether the kernel's socket table exists under the root (false off Linux). */
  public boolean available() {
    return Files.isReadable(tcp);
  }

  /**
   * Scans now, reporting {@code watched} (resolved through the JVM's DNS cache when unresolved,
   * under the tag {@code host:port}, as its busiest address) among the rest.
   *
   * @param start when the scan began, by the ticker
   */
  public Result scan(Collection<InetSocketAddress> watched, long start) throws IOException {
    EphemeralPortRange range = readRange();
    parser.begin(range.low(), range.high());
    reader.readTcpTable(tcp, parser);
    try {
      reader.readTcpTable(tcp6, parser);
    } catch (NoSuchFileException e) {
      // IPv6 disabled: no tcp6 table
    }
    int inUse = -1;
    int tw = -1;
    try {
      if (reader.readSockstat(sockstat, sockstatValues)) {
        inUse = sockstatValues[0];
        tw = sockstatValues[1];
      }
    } catch (IOException e) {
      // sockstat is informational only
    }

    EndpointTable table = parser.endpoints();
    double size = range.size();
    Map<InetSocketAddress, EndpointUsage> byAddress = new HashMap<>();
    Map<String, EndpointUsage> byTag = new HashMap<>();
    Set<Integer> covered = new HashSet<>();
    for (InetSocketAddress w : watched) {
      reportWatched(w, table, size, covered, byAddress, byTag);
    }
    int n = table.top(topN, topSlots);
    for (int i = 0; i < n; i++) {
      report(table, topSlots[i], size, covered, byAddress, byTag);
    }
    int minSockets = (int) Math.ceil(reportThreshold * size);
    for (int slot = 0, cap = table.capacity(); slot < cap; slot++) {
      if (table.live(slot) && table.sockets(slot) >= minSockets) {
        report(table, slot, size, covered, byAddress, byTag);
      }
    }
    List<EndpointUsage> destinations = new ArrayList<>(byTag.values());
    destinations.sort(
        Comparator.comparingInt(EndpointUsage::sockets)
            .reversed()
            .thenComparing(EndpointUsage::destination));
    int[] states = new int[PortState.values().length];
    for (PortState st : PortState.values()) {
      states[st.ordinal()] = parser.sockets(st);
    }
    long end = ticker.nanoTime();
    return new Result(
        range,
        states,
        destinations,
        byAddress,
        byTag,
        inUse,
        tw,
        parser.lines(),
        parser.malformed(),
        end - start,
        end);
  }

  private EphemeralPortRange readRange() throws IOException {
    try {
      if (reader.readPortRange(rangeFile, rangeValues)) {
        return new EphemeralPortRange(rangeValues[0], rangeValues[1]);
      }
    } catch (NoSuchFileException e) {
      // not Linux, or a fixture without it
    }
    return EphemeralPortRange.LINUX_DEFAULT;
  }

  private static void reportWatched(
      InetSocketAddress w,
      EndpointTable table,
      double size,
      Set<Integer> covered,
      Map<InetSocketAddress, EndpointUsage> byAddress,
      Map<String, EndpointUsage> byTag) {
    String tag = DestinationTag.of(w);
    if (byTag.containsKey(tag)) {
      return;
    }
    EndpointUsage best = null;
    for (InetAddress ip : addresses(w)) {
      InetSocketAddress a = new InetSocketAddress(ip, w.getPort());
      int slot = find(table, ip, w.getPort());
      EndpointUsage u;
      if (slot >= 0) {
        covered.add(slot);
        u = usage(DestinationTag.of(a), a, table, slot, size, true);
      } else {
        u = new EndpointUsage(DestinationTag.of(a), a, 0, 0, 0, 0, true);
      }
      byAddress.put(a, u);
      if (best == null || u.sockets() > best.sockets()) {
        best = u;
      }
    }
    EndpointUsage named =
        best == null
            ? new EndpointUsage(tag, w, 0, 0, 0, 0, true)
            : new EndpointUsage(
                tag,
                best.address(),
                best.sockets(),
                best.timeWait(),
                best.closeWait(),
                best.utilization(),
                true);
    byTag.put(tag, named);
  }

  private static void report(
      EndpointTable table,
      int slot,
      double size,
      Set<Integer> covered,
      Map<InetSocketAddress, EndpointUsage> byAddress,
      Map<String, EndpointUsage> byTag) {
    if (!covered.add(slot)) {
      return;
    }
    InetSocketAddress a = new InetSocketAddress(address(table, slot), table.port(slot));
    EndpointUsage u = usage(DestinationTag.of(a), a, table, slot, size, false);
    byAddress.put(a, u);
    byTag.putIfAbsent(u.destination(), u);
  }

  private static EndpointUsage usage(
      String tag, InetSocketAddress a, EndpointTable t, int slot, double size, boolean watched) {
    return new EndpointUsage(
        tag,
        a,
        t.sockets(slot),
        t.timeWait(slot),
        t.closeWait(slot),
        t.sockets(slot) / size,
        watched);
  }

  private static InetAddress[] addresses(InetSocketAddress w) {
    if (!w.isUnresolved()) {
      return new InetAddress[] {w.getAddress()};
    }
    try {
      return InetAddress.getAllByName(w.getHostString());
    } catch (UnknownHostException | SecurityException e) {
      return new InetAddress[0];
    }
  }

  private static int find(EndpointTable table, InetAddress ip, int port) {
    byte[] a = ip.getAddress();
    ByteBuffer bb = ByteBuffer.wrap(a);
    if (a.length == 4) {
      return table.find(0, EndpointTable.ipv4Low(bb.getInt()), port);
    }
    return table.find(bb.getLong(), bb.getLong(), port);
  }

  private static InetAddress address(EndpointTable table, int slot) {
    long hi = table.addressHigh(slot);
    long lo = table.addressLow(slot);
    byte[] bytes;
    if (EndpointTable.isIpv4(hi, lo)) {
      bytes = ByteBuffer.allocate(4).putInt((int) lo).array();
    } else {
      bytes = ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }
}
