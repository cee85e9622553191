package io.mooring.pool.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.ports.internal.EndpointTable;
import io.mooring.pool.ports.internal.ProcFileReader;
import io.mooring.pool.ports.internal.TcpTableParser;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpTableParserTest {

  private final TcpTableParser parser = new TcpTableParser(ByteOrder.LITTLE_ENDIAN);

  private int slot(String ip, int port) throws IOException {
    byte[] a = InetAddress.getByName(ip).getAddress();
    long hi = 0;
    long lo;
    if (a.length == 4) {
      lo = EndpointTable.ipv4Low(java.nio.ByteBuffer.wrap(a).getInt());
    } else {
      java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(a);
      hi = bb.getLong();
      lo = bb.getLong();
    }
    return parser.endpoints().find(hi, lo, port);
  }

  private void read(Path root, int low, int high, int bufferSize) throws IOException {
    ProcFileReader reader = new ProcFileReader(bufferSize);
    parser.begin(low, high);
    reader.readTcpTable(root.resolve("proc/net/tcp"), parser);
    Path v6 = root.resolve("proc/net/tcp6");
    if (Files.exists(v6)) {
      reader.readTcpTable(v6, parser);
    }
  }

  @Test
  void countsIpv4Ipv6AndMappedSocketsInTheEphemeralRange() throws IOException {
    read(Fixtures.root("basic"), 40000, 40099, 64 * 1024);

    assertThat(parser.sockets(PortState.ESTABLISHED)).isEqualTo(37);
    assertThat(parser.sockets(PortState.TIME_WAIT)).isEqualTo(35);
    assertThat(parser.sockets(PortState.CLOSE_WAIT)).isEqualTo(5);
    assertThat(parser.sockets(PortState.FIN_WAIT)).isEqualTo(1);
    assertThat(parser.sockets(PortState.OTHER)).isEqualTo(2); // the two listeners in range

    EndpointTable t = parser.endpoints();
    assertThat(t.size()).isEqualTo(3);
    int s = slot("10.0.0.1", 443); // 60 over IPv4 plus 10 over IPv4-mapped IPv6
    assertThat(s).isNotNegative();
    assertThat(t.sockets(s)).isEqualTo(70);
    assertThat(t.timeWait(s)).isEqualTo(35);
    assertThat(t.closeWait(s)).isEqualTo(5);
    assertThat(EndpointTable.isIpv4(t.addressHigh(s), t.addressLow(s))).isTrue();
    assertThat(t.sockets(slot("10.0.0.2", 80))).isEqualTo(5);
    assertThat(t.sockets(slot("2001:db8::1", 443))).isEqualTo(3);
    assertThat(slot("10.9.9.9", 40001))
        .as("inbound socket, local port outside range")
        .isEqualTo(-1);
  }

  @Test
  void malformedAndTruncatedLinesAreSkippedAndCounted() throws IOException {
    read(Fixtures.root("basic"), 40000, 40099, 64 * 1024);
    // bad hex, short port, wrong address width, no state, unknown state, garbage, truncated
    assertThat(parser.malformed()).isEqualTo(7);
    assertThat(parser.lines()).isEqualTo(69 + 7 + 14);
  }

  @Test
  void anyBufferSizeGivesTheSameCounts() throws IOException {
    for (int size : new int[] {256, 263, 300, 511, 1000, 4097}) {
      read(Fixtures.root("basic"), 40000, 40099, size);
      assertThat(parser.sockets(PortState.ESTABLISHED)).as("buffer %d", size).isEqualTo(37);
      assertThat(parser.sockets(PortState.TIME_WAIT)).as("buffer %d", size).isEqualTo(35);
      assertThat(parser.malformed()).as("buffer %d", size).isEqualTo(7);
      assertThat(parser.lines()).as("buffer %d", size).isEqualTo(69 + 7 + 14);
      assertThat(parser.endpoints().sockets(slot("10.0.0.1", 443))).isEqualTo(70);
    }
  }

  @Test
  void lineLongerThanTheBufferIsSkippedAndCounted(@TempDir Path dir) throws IOException {
    Path tcp = dir.resolve("proc/net/tcp");
    Files.createDirectories(tcp.getParent());
    String good = "   0: 0100007F:9C40 0100007F:1F90 01 00000000:00000000\n";
    String longLine = "   1: 0100007F:9C41 0100007F:1F90 01 " + "x".repeat(500) + "\n";
    Files.writeString(tcp, good + longLine + good.replace("9C40", "9C42"));
    read(dir, 40000, 40099, 128);
    assertThat(parser.malformed()).isEqualTo(1);
    assertThat(parser.sockets(PortState.ESTABLISHED)).isEqualTo(2);
  }

  @Test
  void everyKernelStateMapsToItsCategory() throws IOException {
    read(Fixtures.root("states"), 32768, 60999, 64 * 1024);
    assertThat(parser.sockets(PortState.ESTABLISHED)).isEqualTo(1); // 01
    assertThat(parser.sockets(PortState.FIN_WAIT)).isEqualTo(2); // 04, 05
    assertThat(parser.sockets(PortState.TIME_WAIT)).isEqualTo(1); // 06
    assertThat(parser.sockets(PortState.CLOSE_WAIT)).isEqualTo(1); // 08
    assertThat(parser.sockets(PortState.OTHER)).isEqualTo(6); // 02 03 07 09 0A 0B
    assertThat(parser.malformed()).isZero();
    int s = slot("127.0.0.1", 9000);
    assertThat(parser.endpoints().sockets(s)).isEqualTo(11);
    assertThat(parser.endpoints().timeWait(s)).isEqualTo(1);
    assertThat(parser.endpoints().closeWait(s)).isEqualTo(1);
  }

  @Test
  void ipv6AndLinkLocalAndMappedAddressesDecode() throws IOException {
    read(Fixtures.root("v6only"), 32768, 60999, 64 * 1024);
    assertThat(parser.endpoints().sockets(slot("fe80::2", 8443))).isEqualTo(1);
    assertThat(parser.endpoints().closeWait(slot("2001:db8::ff", 8443))).isEqualTo(1);
    assertThat(parser.endpoints().sockets(slot("192.168.1.9", 5432))).isEqualTo(1);
    assertThat(parser.sockets(PortState.FIN_WAIT)).isEqualTo(1);
  }

  @Test
  void bigEndianTablesDecodeWithTheirOwnByteOrder() throws IOException {
    TcpTableParser be = new TcpTableParser(ByteOrder.BIG_ENDIAN);
    be.begin(1, 65535);
    byte[] line =
        "   0: 7F000001:9C40 0A000001:01BB 06 00000000:00000000\n"
            .getBytes(StandardCharsets.US_ASCII);
    be.parse(line, 0, line.length);
    assertThat(be.endpoints().find(0, EndpointTable.ipv4Low(0x0A000001), 443)).isNotNegative();
    assertThat(be.sockets(PortState.TIME_WAIT)).isEqualTo(1);
  }

  @Test
  void beginForgetsThePreviousScan() throws IOException {
    read(Fixtures.root("basic"), 40000, 40099, 64 * 1024);
    parser.begin(40000, 40099);
    assertThat(parser.endpoints().size()).isZero();
    assertThat(parser.sockets(PortState.ESTABLISHED)).isZero();
    assertThat(parser.malformed()).isZero();
  }

  @Test
  void endpointTableGrowsAndRanksTheBusiest() {
    EndpointTable t = new EndpointTable(4);
    for (int ip = 0; ip < 5000; ip++) {
      for (int k = 0; k <= ip % 7; k++) {
        t.add(0, EndpointTable.ipv4Low(ip), 80, k == 0, false);
      }
    }
    assertThat(t.size()).isEqualTo(5000);
    int[] top = new int[3];
    assertThat(t.top(3, top)).isEqualTo(3);
    for (int s : top) {
      assertThat(t.sockets(s)).isEqualTo(7);
    }
    assertThat(t.sockets(t.find(0, EndpointTable.ipv4Low(13), 80))).isEqualTo(13 % 7 + 1);
    assertThat(t.timeWait(t.find(0, EndpointTable.ipv4Low(13), 80))).isEqualTo(1);
    t.clear();
    assertThat(t.find(0, EndpointTable.ipv4Low(13), 80)).isEqualTo(-1);
  }

  @Test
  void readsRangeAndSockstat() throws IOException {
    Path root = Fixtures.root("basic");
    assertThat(EphemeralPortRange.read(root)).isEqualTo(new EphemeralPortRange(40000, 40099));
    int[] out = new int[2];
    assertThat(new ProcFileReader(4096).readSockstat(root.resolve("proc/net/sockstat"), out))
        .isTrue();
    assertThat(out).containsExactly(52, 35);
  }

  @Test
  void missingOrBadRangeFallsBackToTheLinuxDefault(@TempDir Path dir) throws IOException {
    assertThat(EphemeralPortRange.read(dir)).isEqualTo(EphemeralPortRange.LINUX_DEFAULT);
    Path f = dir.resolve("proc/sys/net/ipv4/ip_local_port_range");
    Files.createDirectories(f.getParent());
    Files.writeString(f, "60999 32768\n");
    assertThat(EphemeralPortRange.read(dir)).isEqualTo(EphemeralPortRange.LINUX_DEFAULT);
    Files.writeString(f, "1024\t65535");
    assertThat(EphemeralPortRange.read(dir).size()).isEqualTo(64512);
  }
}
