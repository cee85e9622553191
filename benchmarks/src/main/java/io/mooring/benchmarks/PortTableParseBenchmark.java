package io.mooring.benchmarks;

import io.mooring.pool.ports.PortMonitor;
import io.mooring.pool.ports.PortSnapshot;
import io.mooring.pool.ports.internal.ProcFileReader;
import io.mooring.pool.ports.internal.TcpTableParser;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one port-monitor scan over a synthetic 100,000-socket {@code /proc/net/tcp} table (about
 * 15 MB, 200 remote endpoints, 60% TIME_WAIT): parsing bytes already in memory, reading and parsing
 * the file through the reused buffer, and a whole {@link PortMonitor#scan()} (range, tcp, tcp6,
 * sockstat, snapshot). The aim is under 20 ms per scan and no allocation per line: run with {@code
 * -prof gc} and compare {@code gc.alloc.rate.norm} with the line count.
 *
 * <p>Run: {@code java -cp <benchmarks classpath> org.openjdk.jmh.Main PortTableParseBenchmark -f 1
 * -wi 3 -i 5 -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PortTableParseBenchmark {
  /** Sockets in the synthetic table. */
  @Param({"100000"})
  public int sockets;

  /** {@code ipv4} for a /proc/net/tcp table, {@code ipv6} for a /proc/net/tcp6 one. */
  @Param({"ipv4", "ipv6"})
  public String family;

  private byte[] table;
  private Path root;
  private TcpTableParser parser;
  private ProcFileReader reader;
  private PortMonitor monitor;

  /** Builds the table in memory and under a temporary {@code proc/} directory. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    table = table(sockets, family.equals("ipv6"));
    root = Files.createTempDirectory("mooring-ports-bench");
    Path net = Files.createDirectories(root.resolve("proc/net"));
    Path ipv4 = Files.createDirectories(root.resolve("proc/sys/net/ipv4"));
    Files.writeString(ipv4.resolve("ip_local_port_range"), "32768\t60999\n");
    Files.writeString(
        net.resolve("sockstat"), "TCP: inuse 40000 orphan 0 tw 60000 alloc 1 mem 1\n");
    boolean v6 = family.equals("ipv6");
    Files.write(net.resolve("tcp"), v6 ? table(0, false) : table);
    Files.write(net.resolve("tcp6"), v6 ? table : table(0, true));
    parser = new TcpTableParser(ByteOrder.LITTLE_ENDIAN);
    reader = new ProcFileReader(64 * 1024);
    monitor = PortMonitor.builder().root(root).byteOrder(ByteOrder.LITTLE_ENDIAN).build();
  }

  /** Deletes the temporary directory. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    monitor.close();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  /** Parses the table from a byte array: the parser alone. */
  @Benchmark
  public int parseBytes() {
    parser.begin(32768, 60999);
    parser.parse(table, 0, table.length);
    return parser.endpoints().size();
  }

  /** Reads the table file through the reused 64 KiB buffer and parses it. */
  @Benchmark
  public int readAndParseFile() throws IOException {
    parser.begin(32768, 60999);
    reader.readTcpTable(
        root.resolve(family.equals("ipv6") ? "proc/net/tcp6" : "proc/net/tcp"), parser);
    return parser.endpoints().size();
  }

  /** A whole monitor scan, snapshot included. */
  @Benchmark
  public PortSnapshot monitorScan() {
    return monitor.scan();
  }

  /**
   * A table shaped like the kernel's: header, then one line per socket, little-endian addresses,
   * local ports cycling through the default ephemeral range, 200 remote endpoints, states 60%
   * TIME_WAIT, 35% ESTABLISHED, 5% CLOSE_WAIT.
   */
  static byte[] table(int n, boolean v6) {
    StringBuilder sb = new StringBuilder(n * 180 + 200);
    sb.append(
        v6
            ? "  sl  local_address                         remote_address                        st"
                + " tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
            : "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid "
                + " timeout inode                                                     \n");
    for (int i = 0; i < n; i++) {
      int localPort = 32768 + i % 28232;
      int remote = i % 200;
      int remotePort = 443 + remote % 4;
      int state = i % 20 < 12 ? 0x06 : i % 20 < 19 ? 0x01 : 0x08;
      String local = v6 ? v6Mapped(0x0A010203) : hex(0x0A010203);
      String rem = v6 ? v6Mapped(0x0A000000 | remote) : hex(0x0A000000 | remote);
      sb.append(
              String.format(
                  "%4d: %s:%04X %s:%04X %02X", i, local, localPort, rem, remotePort, state))
          .append(" 00000000:00000000 00:00000000 00000000  1000        0 ")
          .append(100000 + i)
          .append(" 1 0000000000000000 20 4 30 10 -1                     \n");
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** An IPv4 address (network-order int) as the kernel prints it on a little-endian machine. */
  private static String hex(int address) {
    return String.format("%08X", Integer.reverseBytes(address));
  }

  private static String v6Mapped(int address) {
    return "0000000000000000FFFF0000" + hex(address);
  }
}
